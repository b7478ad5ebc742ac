"""Optimizers: apply a gradient to the parameters (eq. 3.11), separately from computing it.

Every optimizer works on the model's parameters as one flat vector theta and its gradient as one
flat vector of the same length (the layers' W and b are views into them), so an update is a handful
of NumPy calls whatever the depth. ``learning_rate`` is a plain attribute: change it between epochs
and training continues with the new rate, keeping momentum and Adam's moments.
"""

from dataclasses import dataclass

import numpy as np

Array = np.ndarray


class Optimizer:
    """Base class: ``step(theta, grad)`` updates theta in place."""

    name = "base"

    def __init__(self, learning_rate: float = 0.03):
        self.learning_rate = learning_rate

    @property
    def learning_rate(self) -> float:
        """The step size alpha of eq. 3.11; may be changed at any time."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        value = float(value)
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"learning rate must be a positive finite number, got {value}")
        self._learning_rate = value

    def step(self, theta: Array, grad: Array) -> None:
        """Apply one update to ``theta`` in place using ``grad`` (same shape)."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget any state (velocities, moments, step count)."""

    def state(self) -> dict[str, Array]:
        """A copy of what the optimizer has learned so far (momentum's velocity, Adam's moments and step count),
        as named arrays: what a checkpoint must keep so that training goes on exactly where it stopped. Empty
        for plain SGD and before the first step."""
        return {}

    def load_state(self, state: dict[str, Array], n_params: int, dtype: np.dtype) -> None:
        """Take a :meth:`state` back for a model of ``n_params`` parameters of type ``dtype``; ValueError if it
        does not fit."""
        if state:
            raise ValueError(f"{self.name} keeps no state, got {sorted(state)}")

    def config(self) -> dict:
        """The hyper-parameters, JSON friendly (for serialization)."""
        return {"learning_rate": self.learning_rate}


def _vector(state: dict[str, Array], key: str, n_params: int, dtype: np.dtype) -> Array:
    """``state[key]`` as a finite vector of ``n_params`` values of ``dtype`` (a copy), or ValueError."""
    value = np.asarray(state[key])
    if value.shape != (n_params,) or value.dtype != dtype or not np.isfinite(value).all():
        raise ValueError(f"optimizer state {key!r} must be {n_params} finite {np.dtype(dtype).name} numbers, got "
                         f"{value.dtype} {value.shape}")
    return value.copy()


class SGD(Optimizer):
    """Plain gradient descent: theta <- theta - alpha * grad (eq. 3.11)."""

    name = "sgd"

    def step(self, theta: Array, grad: Array) -> None:
        theta -= self._learning_rate * grad  # eq. 3.11


class Momentum(Optimizer):
    """SGD with momentum, PyTorch's form: v <- mu v + grad; theta <- theta - alpha v."""

    name = "momentum"

    def __init__(self, learning_rate: float = 0.03, momentum: float = 0.9):
        super().__init__(learning_rate)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = float(momentum)
        self._velocity: Array | None = None

    def step(self, theta: Array, grad: Array) -> None:
        if self._velocity is None:
            self._velocity = grad.copy()  # the first step starts from the gradient itself
        else:
            self._velocity *= self.momentum
            self._velocity += grad
        theta -= self._learning_rate * self._velocity

    def reset(self) -> None:
        self._velocity = None

    def state(self) -> dict[str, Array]:
        return {} if self._velocity is None else {"velocity": self._velocity.copy()}

    def load_state(self, state: dict[str, Array], n_params: int, dtype: np.dtype) -> None:
        if set(state) - {"velocity"}:
            raise ValueError(f"momentum keeps only its velocity, got {sorted(state)}")
        self._velocity = _vector(state, "velocity", n_params, dtype) if state else None

    def config(self) -> dict:
        return {"learning_rate": self.learning_rate, "momentum": self.momentum}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias-corrected first and second moments."""

    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8):
        super().__init__(learning_rate)
        for label, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{label} must be in [0, 1), got {beta}")
        if not epsilon > 0:
            raise ValueError(f"epsilon must be positive, got {epsilon}")
        self.beta1, self.beta2, self.epsilon = float(beta1), float(beta2), float(epsilon)
        self.reset()

    def reset(self) -> None:
        self._m: Array | None = None
        self._v: Array | None = None
        self._scratch: Array | None = None
        self._t = 0

    def step(self, theta: Array, grad: Array) -> None:
        if self._m is None:
            self._m, self._v, self._scratch = np.zeros_like(theta), np.zeros_like(theta), np.empty_like(theta)
        m, v, s = self._m, self._v, self._scratch
        self._t += 1
        b1, b2 = self.beta1, self.beta2
        m *= b1
        np.multiply(grad, 1 - b1, out=s)
        m += s                                   # m <- b1 m + (1 - b1) g
        v *= b2
        np.multiply(grad, grad, out=s)
        s *= 1 - b2
        v += s                                   # v <- b2 v + (1 - b2) g^2
        bias1 = 1 - b1**self._t
        bias2_sqrt = np.sqrt(1 - b2**self._t)
        np.sqrt(v, out=s)
        s /= bias2_sqrt
        s += self.epsilon                        # sqrt(v_hat) + eps
        np.divide(m, s, out=s)
        s *= self._learning_rate / bias1         # alpha m_hat / (sqrt(v_hat) + eps)
        theta -= s

    def state(self) -> dict[str, Array]:
        if self._m is None:
            return {}
        return {"m": self._m.copy(), "v": self._v.copy(), "t": np.array(self._t)}

    def load_state(self, state: dict[str, Array], n_params: int, dtype: np.dtype) -> None:
        if not state:
            self.reset()
            return
        if set(state) != {"m", "v", "t"}:
            raise ValueError(f"adam keeps m, v and t, got {sorted(state)}")
        m, v, t = _vector(state, "m", n_params, dtype), _vector(state, "v", n_params, dtype), np.asarray(state["t"])
        if t.shape != () or t.dtype.kind not in "iu" or t < 1 or (v < 0).any():
            raise ValueError("adam's state must have t >= 1 steps and v >= 0")
        self._m, self._v, self._scratch, self._t = m, v, np.empty_like(m), int(t)

    def config(self) -> dict:
        return {"learning_rate": self.learning_rate, "beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon}


@dataclass(frozen=True)
class OptimizerSpec:
    """A registry entry: the class and a one-line description."""

    name: str
    cls: type[Optimizer]
    description: str


OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        OptimizerSpec("sgd", SGD, "gradient descent, theta <- theta - alpha grad J (eq. 3.11)"),
        OptimizerSpec("momentum", Momentum, "gradient descent with a velocity that remembers past steps"),
        OptimizerSpec("adam", Adam, "per-parameter step sizes from running gradient moments"),
    )
}


def get(name: str, learning_rate: float = 0.03, **kwargs) -> Optimizer:
    """A new optimizer called ``name``; a clear ValueError for an unknown name or bad settings."""
    try:
        spec = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}") from None
    try:
        return spec.cls(learning_rate, **kwargs)
    except TypeError as exc:
        raise ValueError(f"bad settings for optimizer {name!r}: {exc}") from None


def describe() -> list[dict]:
    """Name and description of every optimizer, for the catalogue."""
    return [{"name": s.name, "description": s.description} for s in OPTIMIZERS.values()]
