"""What a stream frame shows, taken from a session under its lock: metrics, weights and heatmaps."""

import numpy as np

from app.host.frames import LayerMaps, Snapshot
from app.host.session import Session


def _fixed_range(activation) -> tuple[float, float] | None:
    lo, hi = activation.output_range
    return (lo, hi) if np.isfinite(lo) and np.isfinite(hi) else None


def fitted_view(session: Session, output_resolution: int, neuron_resolution: int, most_values: int) -> tuple[int, int]:
    """The view a frame is built at: the one asked for, or, when its heatmaps would compute more than
    ``most_values`` values (grid cells x neurons) for this network, both resolutions scaled down alike to fit
    (at least 2). So the cost of one frame is bounded whatever the network; frames say their shapes."""
    with session.lock:
        units = session.feature_map.n_features + sum(layer.units for layer in session.model.layers)
        dims = session.dataset.dims

    def cost(output: int, neuron: int) -> int:
        return (output ** dims + (neuron ** dims if neuron != output else 0)) * units

    if cost(output_resolution, neuron_resolution) <= most_values:
        return output_resolution, neuron_resolution
    scale = (most_values / cost(output_resolution, neuron_resolution)) ** (1 / dims)
    output, neuron = max(2, int(output_resolution * scale)), max(2, int(neuron_resolution * scale))
    while cost(output, neuron) > most_values and (output > 2 or neuron > 2):
        output, neuron = max(2, output - 1), max(2, neuron - 1)
    return output, neuron


def take(session: Session, output_resolution: int, neuron_resolution: int) -> Snapshot:
    """A consistent copy of the session's state for one frame.

    Heatmaps: the input features (layer 0) and every neuron at ``neuron_resolution`` (the diagram's
    thumbnails), and the output at ``output_resolution`` (the big decision-boundary plot).
    """
    with session.lock:
        model = session.model
        small = session.grid(neuron_resolution)
        layers = small.evaluate(model)
        maps = [LayerMaps(0, small.input_maps(), None, "input")]
        for index, (layer, values) in enumerate(zip(model.layers, layers, strict=True), 1):
            maps.append(LayerMaps(index, values, _fixed_range(layer.activation), "neuron"))
        big = layers[-1] if output_resolution == neuron_resolution else \
            session.grid(output_resolution).evaluate(model)[-1]
        output_range = _fixed_range(model.output_activation)
        if output_range is None and session.dataset.task == "regression":
            targets = session.dataset.y
            output_range = (float(targets.min()), float(targets.max())) if targets.size else None
            if output_range is not None and output_range[0] == output_range[1]:
                output_range = (output_range[0] - 1, output_range[1] + 1)
        maps.insert(0, LayerMaps(len(model.layers), big, output_range, "output"))
        if session.history["epoch"]:
            last = {key: values[-1] for key, values in session.history.items()}
        else:  # before the first epoch: the starting point, so the chart and numbers start somewhere
            last = session.metrics()
        header = {
            "type": "frame",
            "version": session.version,
            "epoch": model.epoch,
            "status": session.status,
            "message": session.message,
            "learning_rate": model.optimizer.learning_rate,
            "train_loss": last["train_loss"],
            "test_loss": last["test_loss"],
            "train_accuracy": last["train_accuracy"],
            "test_accuracy": last["test_accuracy"],
        }
        weights = np.concatenate([w.ravel() for w in model.get_weights()])
        structure = {
            "layers": [[layer.units, layer.input_dim, layer.activation.name] for layer in model.layers],
            "features": list(session.feature_names),
            "domain": [list(bounds) for bounds in session.dataset.domain],
            "task": session.dataset.task,
            "threshold": model.output_activation.threshold,  # one output: class 1 at or above this value
            "n_classes": session.dataset.n_classes,
            "data_version": session.data_version,
        }
        return Snapshot(header, weights, maps, structure)
