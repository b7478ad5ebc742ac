"""The multilayer perceptron: structure, objective and optimizer, the chapter's three design steps (3.2).

1. Structure: ``Sequential([Dense(...), ...])`` fixes the function family (Fig. 3-12);
   ``set_weights`` or ``initialize`` picks one function from it.
2. Objective: ``compile(loss=...)`` chooses l(n) (eq. 3.8 or 3.9) and J (eq. 3.10).
3. Optimizer: ``compile(optimizer=..., learning_rate=...)`` chooses how J is descended (eq. 3.11).

All parameters live in one flat vector ``theta`` (weights of every layer first, then biases) and
their gradient in another, ``grad``; each layer's W, b, grad_W and grad_b are views into them. The
optimizer updates the whole vector at once, which keeps a training step to a few dozen NumPy calls.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine import initializers, losses, metrics, optimizers, regularizers, targets
from engine.layers import Dense

Array = np.ndarray
DTYPES = ("float32", "float64")
EVAL_CHUNK_ROWS = 4096


@dataclass
class ForwardTrace:
    """Every layer's values for a batch: ``linear[k]`` is a(k+1), ``outputs[k]`` is h(k+1); h(0) = inputs."""

    inputs: Array
    linear: list[Array]
    outputs: list[Array]

    @property
    def output(self) -> Array:
        """The network's output f(x) = h(L+1) (eq. 3.6)."""
        return self.outputs[-1]


@dataclass
class Backprop:
    """One backward pass (section 3.3), layer by layer, for the lessons to show.

    ``grad_output`` is dl/dy at the output (eq. 3.15-3.16); ``deltas[k]`` is dl/da(k+1) (eq. 3.18 for the
    output layer, eq. 3.23 below it) and ``grad_h[k]`` is dl/dh(k+1) (eq. 3.21), both per sample (rows);
    ``gradients`` is [grad W(1), grad b(1), ...] of J (eq. 3.25, 3.27), the mean over the samples plus
    the regularization term, in the order of ``get_weights()``.
    """

    trace: ForwardTrace
    grad_output: Array
    deltas: list[Array]
    grad_h: list[Array]
    gradients: list[Array]


class Sequential:
    """A stack of Dense layers, built from a list like Keras's ``Sequential``.

    ``dtype`` is float32 by default (fast: float32 tanh and GEMM run several times faster here) or
    float64 (for gradient checks and exact lessons). ``seed`` fixes the initial weights and the order
    in which ``fit`` visits samples, so ``initialize()`` with the same seed reproduces a run.
    """

    def __init__(self, layers: Sequence[Dense], seed: int = 0, dtype: str = "float32", initializer: str = "xavier"):
        layers = list(layers)
        if not layers:
            raise ValueError("a network needs at least one layer")
        if not all(isinstance(layer, Dense) for layer in layers):
            raise ValueError("every layer must be a Dense layer")
        if layers[0].input_dim is None:
            raise ValueError("the first layer needs input_dim (how many inputs the network takes)")
        for index, layer in enumerate(layers[:-1]):
            if layer.activation.output_only:
                raise ValueError(f"{layer.activation.name} can only be used on the output layer, not layer {index + 1}")
        if np.dtype(dtype).name not in DTYPES:
            raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
        self.dtype = np.dtype(dtype)
        self.layers = layers
        self.initializer = initializers.get(initializer).name
        self.seed = int(seed)
        self._build()
        self.loss: losses.Loss | None = None
        self.optimizer: optimizers.Optimizer | None = None
        self.regularizer: regularizers.Regularizer | None = None
        self.reg_rate = 0.0
        self.initialize(seed)

    # ----- structure -------------------------------------------------------------------------
    def _build(self) -> None:
        previous = self.layers[0].input_dim
        for index, layer in enumerate(self.layers):
            if layer.input_dim is not None and layer.input_dim != previous:
                raise ValueError(f"layer {index + 1} expects {layer.input_dim} inputs but receives {previous}")
            layer.input_dim = previous
            previous = layer.units
        w_sizes = [layer.units * layer.input_dim for layer in self.layers]
        b_sizes = [layer.units for layer in self.layers]
        self.n_weights = sum(w_sizes)
        self.theta = np.zeros(self.n_weights + sum(b_sizes), dtype=self.dtype)
        self.grad = np.zeros_like(self.theta)
        w_at, b_at = 0, self.n_weights
        for layer, w_size, b_size in zip(self.layers, w_sizes, b_sizes, strict=True):
            shape = (layer.units, layer.input_dim)
            layer.bind(
                self.theta[w_at:w_at + w_size].reshape(shape), self.theta[b_at:b_at + b_size],
                self.grad[w_at:w_at + w_size].reshape(shape), self.grad[b_at:b_at + b_size],
            )
            w_at, b_at = w_at + w_size, b_at + b_size

    @property
    def input_dim(self) -> int:
        """Number of inputs (features) the network takes."""
        return self.layers[0].input_dim

    @property
    def output_dim(self) -> int:
        """Number of outputs."""
        return self.layers[-1].units

    @property
    def output_activation(self):
        """The output layer's activation o (eq. 3.6)."""
        return self.layers[-1].activation

    @property
    def n_params(self) -> int:
        """Number of weights and biases in the whole network."""
        return self.theta.size

    def initialize(self, seed: int | None = None) -> None:
        """Draw fresh weights (biases zero) from ``seed`` (default: the model's seed); reset training state.

        The same seed always gives the same weights, the same optimizer state (none) and the same
        sample order in ``fit``: a reset reproduces a run exactly.
        """
        if seed is not None:
            self.seed = int(seed)
        rng = np.random.default_rng(self.seed)
        draw = initializers.get(self.initializer).draw
        for layer in self.layers:
            layer.W[...] = draw(layer.units, layer.input_dim, rng)
            layer.b[...] = 0
        self.epoch = 0
        self.shuffle_rng = np.random.default_rng([self.seed, 1])
        # (sample order, next row, weights at its start) of an epoch that fit paused midway
        self.epoch_in_progress = None
        if self.optimizer is not None:
            self.optimizer.reset()

    def get_weights(self) -> list[Array]:
        """[W(1), b(1), W(2), b(2), ...] as copies; W(k) has shape (units k, units k-1)."""
        out = []
        for layer in self.layers:
            out += [layer.W.copy(), layer.b.copy()]
        return out

    def set_weights(self, weights: Sequence) -> None:
        """Set every weight and bias from a list in ``get_weights()`` order (e.g. Fig. 3-13's values)."""
        weights = list(weights)
        if len(weights) != 2 * len(self.layers):
            raise ValueError(f"expected {2 * len(self.layers)} arrays (W then b for each layer), got {len(weights)}")
        arrays = []
        for index, (value, target) in enumerate(zip(weights, self._parameter_views(), strict=True)):
            kind = "W" if index % 2 == 0 else "b"
            try:
                array = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"{kind}({index // 2 + 1}) must be an array of numbers") from None
            if array.shape != target.shape:
                raise ValueError(f"{kind}({index // 2 + 1}) must have shape {target.shape}, got {array.shape}")
            if not np.isfinite(array).all():
                raise ValueError(f"{kind}({index // 2 + 1}) contains NaN or infinity")
            if np.abs(array).max(initial=0) > np.finfo(self.dtype).max:
                raise ValueError(f"{kind}({index // 2 + 1}) has values too large for {self.dtype.name}")
            arrays.append(array)
        for array, target in zip(arrays, self._parameter_views(), strict=True):
            target[...] = array

    def set_weight(self, layer: int, row: int, col: int | None, value: float) -> None:
        """Set one weight W(layer)[row, col], or the bias b(layer)[row] when ``col`` is None (layers from 1),
        keeping every other value exactly."""
        if not 1 <= layer <= len(self.layers):
            raise IndexError(f"layer must be 1..{len(self.layers)}, got {layer}")
        target = self.layers[layer - 1]
        if not 0 <= row < target.units:
            raise IndexError(f"row must be 0..{target.units - 1}, got {row}")
        if col is not None and not 0 <= col < target.input_dim:
            raise IndexError(f"col must be 0..{target.input_dim - 1}, got {col}")
        if not np.isfinite(value) or abs(value) > float(np.finfo(self.dtype).max):
            raise ValueError(f"{value!r} is not a finite {self.dtype.name} number")
        if col is None:
            target.b[row] = value
        else:
            target.W[row, col] = value

    def _parameter_views(self) -> list[Array]:
        views = []
        for layer in self.layers:
            views += [layer.W, layer.b]
        return views

    # ----- forward ---------------------------------------------------------------------------
    def _as_input(self, X) -> Array:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1 and self.input_dim == 1:
            X = X.reshape(-1, 1)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.input_dim:
            raise ValueError(f"inputs must have shape (n, {self.input_dim}), got {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError("inputs contain NaN or infinity")
        return X

    def _forward(self, X: Array) -> tuple[list[Array], list[Array]]:
        """The linear inputs [a(1)..a(L)] and outputs [h(0)=X, h(1)..h(L)] (eq. 3.4-3.6), unchecked."""
        linear, outputs = [], [X]
        h = X
        for layer in self.layers:
            a, h = layer.forward(h)
            linear.append(a)
            outputs.append(h)
        return linear, outputs

    def predict(self, X) -> Array:
        """The network's output f(x) for each row of X, shape (n, outputs) (eq. 3.7)."""
        h = self._as_input(X)
        for layer in self.layers:
            h = layer.forward_output(h)
        return h

    def forward_trace(self, X) -> ForwardTrace:
        """Every layer's linear input a(k) and output h(k) for each row of X (eq. 3.4-3.6)."""
        X = self._as_input(X)
        linear, outputs = self._forward(X)
        return ForwardTrace(X, linear, outputs[1:])

    # ----- objective -------------------------------------------------------------------------
    def compile(
        self,
        loss: str | None = None,
        optimizer: str = "sgd",
        learning_rate: float = 0.03,
        regularization: str | None = None,
        reg_rate: float = 0.0,
        **optimizer_settings,
    ) -> None:
        """Choose the objective and the optimizer (the chapter's design steps 2 and 3).

        ``loss`` defaults to the output activation's natural partner (linear -> squared_error,
        sigmoid -> binary_cross_entropy, softmax -> cross_entropy), for which the output delta is
        y - target. ``regularization`` is None, "l1" or "l2", weighted by ``reg_rate``.
        Extra keywords go to the optimizer (``momentum``, ``beta1``, ``beta2``, ``epsilon``).
        """
        if loss is None:
            loss = next((l.name for l in losses.LOSSES.values() if l.canonical_output == self.output_activation.name),
                        "squared_error")
        chosen = losses.get(loss)
        losses.check_pair(chosen, self.output_activation)
        reg_rate = float(reg_rate)
        if not np.isfinite(reg_rate) or reg_rate < 0:
            raise ValueError(f"reg_rate must be a finite number >= 0, got {reg_rate}")
        regularizer = regularizers.get(regularization)
        chosen_optimizer = optimizers.get(optimizer, learning_rate, **optimizer_settings)
        # Only now, with every choice valid, does the model change.
        self.loss, self.optimizer, self.regularizer, self.reg_rate = chosen, chosen_optimizer, regularizer, reg_rate

    def _require_compiled(self) -> None:
        if self.loss is None:
            raise RuntimeError("call compile() first: the model needs a loss and an optimizer")

    def set_learning_rate(self, learning_rate: float) -> None:
        """Change the step size alpha between epochs; the optimizer keeps its state."""
        self._require_compiled()
        self.optimizer.learning_rate = learning_rate

    def set_regularization(self, regularization: str | None, reg_rate: float) -> None:
        """Change the weight penalty between epochs without resetting anything."""
        self._require_compiled()
        reg_rate = float(reg_rate)
        if not np.isfinite(reg_rate) or reg_rate < 0:
            raise ValueError(f"reg_rate must be a finite number >= 0, got {reg_rate}")
        self.regularizer = regularizers.get(regularization)
        self.reg_rate = reg_rate

    def encode_targets(self, y) -> tuple[Array, Array | None]:
        """(targets matrix, class labels or None) for user-given y; see engine/targets.py."""
        return targets.encode(y, self.output_dim, self.output_activation, self.dtype)

    def _penalty(self) -> float:
        if self.regularizer is None or self.reg_rate == 0:
            return 0.0
        return self.reg_rate * self.regularizer.penalty(self.theta[: self.n_weights])

    def _mean_loss(self, a_out: Array, y_out: Array, T: Array) -> float:
        per_sample = self.loss.value(a_out, y_out, T, self.output_activation)
        return _no_nan(float(per_sample.mean()) + self._penalty())

    def _loss_and_outputs(self, X: Array, T: Array) -> tuple[float, Array]:
        """J on (X, T) and the network's outputs, a chunk of rows at a time.

        Only the output layer's values are kept, so a large dataset needs no memory for every layer's
        activations (for 50,000 rows of a 512-wide network that would be hundreds of megabytes per epoch).
        """
        total, outputs = 0.0, []
        hidden, last = self.layers[:-1], self.layers[-1]
        for start in range(0, X.shape[0], EVAL_CHUNK_ROWS):
            h = X[start:start + EVAL_CHUNK_ROWS]
            for layer in hidden:
                h = layer.forward_output(h)
            a, h = last.forward(h)  # the loss wants the output layer's linear input too
            total += float(self.loss.value(a, h, T[start:start + EVAL_CHUNK_ROWS], self.output_activation).sum())
            outputs.append(h)
        output = outputs[0] if len(outputs) == 1 else np.concatenate(outputs)
        return _no_nan(total / X.shape[0] + self._penalty()), output

    def compute_loss(self, X, y, reduction: str = "mean") -> float:
        """The objective J on (X, y).

        ``reduction="mean"`` (the default, used for training): J = (1/N) sum_n l(n) + reg_rate R(W).
        ``reduction="sum"``: N times that, i.e. eq. 3.10's J = sum_n l(n) when there is no penalty.
        The mean keeps the learning rate meaningful whatever the batch size; the two differ only by
        the constant N, which the learning rate absorbs.
        """
        self._require_compiled()
        if reduction not in ("mean", "sum"):
            raise ValueError("reduction must be 'mean' or 'sum'")
        X = self._as_input(X)
        T, _ = self.encode_targets(y)
        linear, outputs = self._forward(X)
        mean = self._mean_loss(linear[-1], outputs[-1], T)
        return mean if reduction == "mean" else mean * X.shape[0]

    # ----- backward --------------------------------------------------------------------------
    def _backward(self, linear: list[Array], outputs: list[Array], T: Array, record: dict | None = None) -> None:
        """Fill ``self.grad`` with the gradient of J (mean over the rows) by backpropagation (3.3).

        With ``record`` given, store dl/dy, each layer's delta and dl/dh in it for inspection.
        """
        layers = self.layers
        delta = losses.output_delta(self.loss, self.output_activation, linear[-1], outputs[-1], T)  # eq. 3.18
        if record is not None:
            record["grad_output"] = self.loss.grad_output(outputs[-1], T)  # eq. 3.15-3.16
            record["deltas"] = [delta]
            record["grad_h"] = [record["grad_output"]]
        for k in range(len(layers) - 1, 0, -1):
            grad_h = layers[k].backward(delta, outputs[k])  # eq. 3.25, 3.27, then 3.21
            delta = layers[k - 1].activation_backward(grad_h, linear[k - 1], outputs[k])  # eq. 3.23
            if record is not None:
                record["grad_h"].insert(0, grad_h)
                record["deltas"].insert(0, delta)
        layers[0].backward(delta, outputs[0], need_grad_input=False)
        self.grad *= 1.0 / T.shape[0]
        if self.regularizer is not None and self.reg_rate:
            self.grad[: self.n_weights] += self.reg_rate * self.regularizer.gradient(self.theta[: self.n_weights])

    def backprop(self, X, y) -> Backprop:
        """Forward then backward pass on (X, y), returning every intermediate value (section 3.3)."""
        self._require_compiled()
        X = self._as_input(X)
        T, _ = self.encode_targets(y)
        linear, outputs = self._forward(X)
        record: dict = {}
        self._backward(linear, outputs, T, record)
        grads = []
        for layer in self.layers:
            grads += [layer.grad_W.copy(), layer.grad_b.copy()]
        return Backprop(ForwardTrace(X, linear, outputs[1:]), record["grad_output"], record["deltas"],
                        record["grad_h"], grads)

    def gradients(self, X, y) -> list[Array]:
        """grad J for every parameter, in ``get_weights()`` order and shapes (eq. 3.25, 3.27)."""
        return self.backprop(X, y).gradients

    def train_on_batch(self, X, y) -> None:
        """One optimizer step on one batch: forward, backward, then the optimizer's update (eq. 3.11)."""
        self._require_compiled()
        X = self._as_input(X)
        T, _ = self.encode_targets(y)
        linear, outputs = self._forward(X)
        self._backward(linear, outputs, T)
        self.optimizer.step(self.theta, self.grad)

    # ----- training and evaluation (engine/training.py, engine/metrics.py) --------------------
    def fit(
        self,
        X,
        y,
        epochs: int = 1,
        batch_size: int | None = None,
        validation_data: tuple | None = None,
        seed: int | None = None,
        callback: Callable[[int, dict], bool | None] | None = None,
        stop_at_loss: float | None = None,
        shuffle: bool = True,
        stop_when: Callable[[dict], bool] | None = None,
        between_steps: Callable[[], None] | None = None,
        pause_when: Callable[[], bool] | None = None,
    ):
        """Train for ``epochs`` passes over (X, y); see :func:`engine.training.fit` for every argument."""
        from engine.training import fit

        return fit(self, X, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data, seed=seed,
                   callback=callback, stop_at_loss=stop_at_loss, shuffle=shuffle, stop_when=stop_when,
                   between_steps=between_steps, pause_when=pause_when)

    def evaluate(self, X, y) -> dict:
        """Loss plus accuracy and confusion matrix (class labels) or RMSE and R^2 (real targets)."""
        self._require_compiled()
        X = self._as_input(X)
        T, labels = self.encode_targets(y)
        linear, outputs = self._forward(X)
        return metrics.evaluate(self._mean_loss(linear[-1], outputs[-1], T), outputs[-1], T, labels,
                                self.output_activation)

    # ----- serialization (engine/serialization.py) --------------------------------------------
    def to_dict(self) -> dict:
        """The model as a versioned, JSON-friendly document (architecture, weights, compile settings)."""
        from engine.serialization import model_to_dict

        return model_to_dict(self)

    @classmethod
    def from_dict(cls, document: dict) -> "Sequential":
        """Rebuild a model from :meth:`to_dict`'s document, with clear errors for a bad one."""
        from engine.serialization import model_from_dict

        return model_from_dict(document)

    def summary(self) -> str:
        """A short text description: layers, activations, parameter count."""
        lines = [f"Sequential: {self.input_dim} inputs, {self.n_params} parameters, {self.dtype.name}"]
        for index, layer in enumerate(self.layers, 1):
            lines.append(f"  layer {index}: Dense({layer.units}, {layer.activation.name}), {layer.n_params} parameters")
        return "\n".join(lines)


def _no_nan(loss: float) -> float:
    """An overflowing network's loss is infinite, never NaN (inf - inf inside the loss would give NaN)."""
    return float("inf") if np.isnan(loss) else loss
