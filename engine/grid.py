"""Decision-boundary grids: the output *and every neuron* evaluated on an R x R grid in one pass.

The grid's points are stacked as columns (the chapter's own column convention, a = W h + b), so
each layer's result is an array of shape (units, R*R) that reshapes for free to (units, R, R):
one heatmap per neuron, no copies. The input features on the grid never change while the domain,
resolution and features stay the same, so a :class:`NeuronGrid` computes them once and reuses them.
"""

from collections.abc import Callable, Sequence

import numpy as np

from engine.activations import apply_in_place, softmax

Array = np.ndarray
MAX_RESOLUTION = 200


def grid_points(domain: Sequence[tuple[float, float]], resolution: int) -> Array:
    """The R x R (or R for 1-D) sample points covering ``domain``, row-major with x2 varying slowest.

    Row r of the heatmap holds x2 = the r-th value from the domain's top (largest x2) down, so that
    image row 0 is the top of the plot, as on a screen; columns go from the smallest x1 to the largest.
    """
    whole = isinstance(resolution, int | np.integer) and not isinstance(resolution, bool)
    if not whole or not 2 <= resolution <= MAX_RESOLUTION:
        raise ValueError(f"grid resolution must be a whole number from 2 to {MAX_RESOLUTION}, got {resolution!r}")
    if len(domain) not in (1, 2):
        raise ValueError("a grid covers one or two input dimensions")
    for low, high in domain:
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"each domain range must be finite with min < max, got ({low}, {high})")
    x1 = np.linspace(domain[0][0], domain[0][1], resolution)
    if len(domain) == 1:
        return x1.reshape(-1, 1)
    x2 = np.linspace(domain[1][1], domain[1][0], resolution)
    g1, g2 = np.meshgrid(x1, x2)
    return np.column_stack([g1.ravel(), g2.ravel()])


class NeuronGrid:
    """Precomputed input features on a grid; ``evaluate(model)`` returns every neuron's heatmap.

    ``transform`` maps raw points (rows) to the network's input features (rows), e.g.
    ``FeatureMap.transform``; None means the raw coordinates are the inputs.
    """

    def __init__(self, domain: Sequence[tuple[float, float]], resolution: int,
                 transform: Callable[[Array], Array] | None = None, dtype: str = "float32"):
        self.domain = [tuple(map(float, pair)) for pair in domain]
        self.resolution = int(resolution)
        self.points = grid_points(self.domain, resolution)
        features = self.points if transform is None else transform(self.points)
        # Columns are grid points: shape (input features, R*R), contiguous.
        self.inputs = np.ascontiguousarray(np.asarray(features, dtype=dtype).T)
        self.shape = (resolution, resolution) if len(self.domain) == 2 else (resolution,)

    def input_maps(self) -> Array:
        """The input features themselves as maps, shape (features, R, R)."""
        return self.inputs.reshape(self.inputs.shape[0], *self.shape)

    def evaluate(self, model, after_layer: Callable[[], None] | None = None) -> list[Array]:
        """One array per layer, shape (units, R, R) (or (units, R) in 1-D), of each neuron's output h.

        The last array is the network's output. Values are always finite (an overflowing linear
        neuron saturates at the largest float instead of becoming infinite). ``after_layer()`` is called
        after every layer but the last (e.g. to let other work run during a large grid).
        """
        if self.inputs.shape[0] != model.input_dim:
            raise ValueError(
                f"the grid has {self.inputs.shape[0]} input features but the model takes {model.input_dim}"
            )
        h = self.inputs if self.inputs.dtype == model.dtype else self.inputs.astype(model.dtype)
        maps = []
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in model.layers:
                a = layer.W @ h  # eq. 3.4 with samples as columns
                a += layer.b[:, None]
                if layer.activation.output_only:
                    h = np.ascontiguousarray(softmax(a.T).T)
                else:
                    h = apply_in_place(layer.activation, a)
                maps.append(h.reshape(layer.units, *self.shape))
                if after_layer is not None and len(maps) < len(model.layers):
                    after_layer()
        for m in maps:
            if not np.isfinite(m).all():
                np.nan_to_num(m, copy=False, nan=0.0)
        return maps
