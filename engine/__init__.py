"""nnplay's engine: multilayer perceptrons in NumPy, written to be read next to chapter 3.

    from engine import Sequential, Dense
    model = Sequential([Dense(4, "tanh", input_dim=2), Dense(1, "sigmoid")])
    model.compile(loss="binary_cross_entropy", optimizer="sgd", learning_rate=0.1)
    history = model.fit(X, y, epochs=100, batch_size=10)

Modules, one concept each: activations, losses, regularizers, initializers, optimizers (registries
with one ``get(name)``), layers (Dense: forward next to backward), network (Sequential), training
(fit), metrics, targets, grid (heatmaps of every neuron), serialization (versioned JSON),
perceptron (the classic rule), features, datasets, user_data (canvas and CSV points) and
expressions (safe parsing of y = f(x)).

This package imports only NumPy and the standard library.
"""

from engine.layers import Dense
from engine.network import Backprop, ForwardTrace, Sequential
from engine.serialization import from_json, to_json
from engine.training import History

__version__ = "0.1.0"

__all__ = ["Backprop", "Dense", "ForwardTrace", "History", "Sequential", "from_json", "to_json", "__version__"]
