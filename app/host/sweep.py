"""The same data, one hidden layer of different widths (Fig. 3-8, 3-10; section 3.1.3).

Each width is a fresh network built like the session's (its features, activation, output and loss,
optimizer and seed), trained on the session's own training data for the same number of epochs, so the
only difference between them is the number of hidden neurons. A width is at most the server's max_units
(Settings); how many widths and epochs are this figure's own limits, below. What they need is copied from the
session under its lock; the training runs outside it, with a checkpoint (app/host/fair_share.py) every epoch.
"""

import numpy as np

from app.core.errors import SessionError
from app.core.figure_limits import SAMPLES_MAX, SWEEP_MAX_EPOCHS, SWEEP_MAX_WIDTHS
from app.host import fair_share
from app.host.inspection import finite_list
from app.host.session import TRAIN_STATUS, Session
from engine import Dense, Sequential
from engine.grid import NeuronGrid

MAP_RESOLUTION = 40


def _checkpoint(epoch: int, logs: dict) -> bool:
    """fit's callback: a checkpoint after every epoch (raises when the call should stop); never stops by itself."""
    fair_share.checkpoint()
    return True


def _output_map(values: np.ndarray) -> list:
    """The output layer's maps rounded to 4 decimals, None where a value overflowed."""
    with np.errstate(all="ignore"):
        return finite_list(np.round(values, 4))


def sweep(session: Session, widths: list[int], epochs: int) -> dict:
    """Per width: train and test loss (and accuracy for classes) after ``epochs``, and the output map."""
    units = session.settings.max_units
    if not 1 <= len(widths) <= SWEEP_MAX_WIDTHS or any(not 1 <= w <= units for w in widths):
        raise SessionError("sweep.widths", most=SWEEP_MAX_WIDTHS, units=units)
    if not 1 <= epochs <= SWEEP_MAX_EPOCHS:
        raise SessionError("sweep.epochs", most=SWEEP_MAX_EPOCHS)
    with session.lock:
        cfg, model = session.config, session.model
        activation = cfg.activation if isinstance(cfg.activation, str) else cfg.activation[0]
        output, input_dim, dtype, loss = model.layers[-1], model.input_dim, model.dtype.name, model.loss.name
        X, y, X_test, y_test = session.X_train, session.y_train, session.X_test, session.y_test
        grid = NeuronGrid(session.dataset.domain, MAP_RESOLUTION, transform=session.feature_map.transform)
        settings = model.optimizer.config()
        task = session.dataset.task
    results = []
    for width in widths:
        net = Sequential([Dense(width, activation, input_dim=input_dim), Dense(output.units, output.activation.name)],
                         seed=cfg.seed, initializer=cfg.initializer, dtype=dtype)
        net.compile(loss=loss, optimizer=cfg.optimizer, **settings)
        history = net.fit(X, y, epochs=epochs, batch_size=cfg.batch_size, callback=_checkpoint,
                          between_steps=fair_share.checkpoint)  # its own network: may stop mid-epoch
        train = net.evaluate(X, y)
        test = net.evaluate(X_test, y_test) if len(X_test) else {}
        out = grid.evaluate(net)[-1]
        results.append({
            "width": width, "parameters": net.n_params, "status": TRAIN_STATUS[history.status],
            "train_loss": train["loss"], "test_loss": test.get("loss"),
            "train_accuracy": train.get("accuracy"), "test_accuracy": test.get("accuracy"),
            "output": _output_map(out),
        })
    return {"epochs": epochs, "task": task, "resolution": MAP_RESOLUTION, "results": results}


def samples(session: Session, count: int) -> dict:
    """The session's structure with ``count`` random weight settings (seeds 1..count), untrained: each
    is another function of the same set (section 3.2.1). Their output maps and a sample of their outputs."""
    if not 1 <= count <= SAMPLES_MAX:
        raise SessionError("sweep.count", most=SAMPLES_MAX)
    with session.lock:
        grid = NeuronGrid(session.dataset.domain, MAP_RESOLUTION, transform=session.feature_map.transform)
        document = session.model.to_dict()
        task = session.dataset.task
    results = []
    for seed in range(1, count + 1):
        copy = Sequential.from_dict({**document, "seed": seed, "compile": None})
        copy.initialize(seed)
        out = grid.evaluate(copy)[-1]
        results.append({"seed": seed, "output": _output_map(out)})
        fair_share.checkpoint()
    return {"task": task, "resolution": MAP_RESOLUTION, "results": results}
