"""The optimizers of engine/optimizers.py over stacked parameters (engine/stacked.py): one update (eq. 3.11) for
all S members of a group at once, each member with its own learning rate and its own state, rounded exactly as
the member's own optimizer rounds it alone."""

import numpy as np

Array = np.ndarray


class StackedOptimizer:
    """One optimizer kind's update (eq. 3.11) for all S members at once, each with its own rate and state.

    ``step(theta, grad, learning_rate, learning_rate64)`` updates the (S, P) parameters in place, with the
    learning rates as (S, 1) columns in the parameters' type (the Python float rounded as NumPy rounds it for
    one model) and in float64 (the Python float itself).
    """

    def __init__(self, models, theta: Array):
        """Take each member's settings and state from its model's optimizer."""

    @staticmethod
    def of(models, theta: Array) -> "StackedOptimizer":
        """The stacked optimizer of the members' kind, with their settings and state."""
        kind = models[0].optimizer.name
        return {"sgd": _SGD, "momentum": _Momentum, "adam": _Adam}[kind](models, theta)

    def step(self, theta: Array, grad: Array, learning_rate: Array, learning_rate64: Array) -> None:
        raise NotImplementedError

    def write_back(self, s: int, optimizer) -> None:
        """Give member s's state to its own optimizer (the model's ``optimizer``)."""


class _SGD(StackedOptimizer):
    def step(self, theta: Array, grad: Array, learning_rate: Array, learning_rate64: Array) -> None:
        theta -= learning_rate * grad  # eq. 3.11


class _Momentum(StackedOptimizer):
    """v <- mu v + grad (v = grad at a member's first step); theta <- theta - alpha v (engine.optimizers.Momentum)."""

    def __init__(self, models, theta: Array):
        super().__init__(models, theta)
        self.momentum = np.array([[m.optimizer.momentum] for m in models], dtype=theta.dtype)
        self.velocity = np.zeros_like(theta)
        self.started = np.zeros(len(models), dtype=bool)
        for s, model in enumerate(models):
            state = model.optimizer.state()
            if state:
                self.velocity[s] = state["velocity"]
                self.started[s] = True

    def step(self, theta: Array, grad: Array, learning_rate: Array, learning_rate64: Array) -> None:
        v = self.velocity
        if self.started.all():
            v *= self.momentum
            v += grad
        elif not self.started.any():
            np.copyto(v, grad)  # the first step starts from the gradient itself
        else:
            v *= self.momentum
            v += grad
            fresh = ~self.started
            v[fresh] = grad[fresh]
        self.started[:] = True
        theta -= learning_rate * v  # eq. 3.11 with the velocity for the gradient

    def write_back(self, s: int, optimizer) -> None:
        # Set directly, not through load_state: in the middle of a diverging epoch the velocity may not be finite,
        # and the model must take it as it is, as it would have it after the same steps alone.
        optimizer._velocity = self.velocity[s].copy() if self.started[s] else None


class _Adam(StackedOptimizer):
    """Adam with bias-corrected moments (engine.optimizers.Adam), every rounding as there."""

    def __init__(self, models, theta: Array):
        super().__init__(models, theta)
        dtype = theta.dtype
        settings = [m.optimizer for m in models]
        self.beta1 = np.array([[o.beta1] for o in settings], dtype=dtype)
        self.beta2 = np.array([[o.beta2] for o in settings], dtype=dtype)
        self.one_minus_beta1 = np.array([[1 - o.beta1] for o in settings], dtype=dtype)
        self.one_minus_beta2 = np.array([[1 - o.beta2] for o in settings], dtype=dtype)
        self.epsilon = np.array([[o.epsilon] for o in settings], dtype=dtype)
        self.m, self.v, self.scratch = np.zeros_like(theta), np.zeros_like(theta), np.empty_like(theta)
        t = np.zeros(len(models), dtype=np.int64)
        for s, optimizer in enumerate(settings):
            state = optimizer.state()
            if state:
                self.m[s], self.v[s], t[s] = state["m"], state["v"], int(state["t"])
        self.t = t
        # members with the same (beta1, beta2, t) share the bias corrections, computed once per step in Python
        groups: dict[tuple, list[int]] = {}
        for s, optimizer in enumerate(settings):
            groups.setdefault((optimizer.beta1, optimizer.beta2, int(t[s])), []).append(s)
        self.groups = [(np.array(members), b1, b2) for (b1, b2, _), members in groups.items()]
        self.bias1 = np.empty((len(models), 1))
        self.bias2_sqrt = np.empty((len(models), 1))

    def step(self, theta: Array, grad: Array, learning_rate: Array, learning_rate64: Array) -> None:
        m, v, s = self.m, self.v, self.scratch
        self.t += 1
        m *= self.beta1
        np.multiply(grad, self.one_minus_beta1, out=s)
        m += s                                   # m <- b1 m + (1 - b1) g
        v *= self.beta2
        np.multiply(grad, grad, out=s)
        s *= self.one_minus_beta2
        v += s                                   # v <- b2 v + (1 - b2) g^2
        if len(self.groups) == 1:
            members, b1, b2 = self.groups[0]
            t = int(self.t[members[0]])
            bias1, bias2_sqrt = 1 - b1**t, np.sqrt(1 - b2**t)
        else:
            bias1, bias2_sqrt = self.bias1, self.bias2_sqrt
            for members, b1, b2 in self.groups:
                t = int(self.t[members[0]])
                bias1[members] = 1 - b1**t
                bias2_sqrt[members] = np.sqrt(1 - b2**t)
        np.sqrt(v, out=s)
        s /= bias2_sqrt                          # in float64, rounded to the parameters' type, as for one model
        s += self.epsilon                        # sqrt(v_hat) + eps
        np.divide(m, s, out=s)
        s *= (learning_rate64 / bias1).astype(theta.dtype)  # alpha m_hat / (sqrt(v_hat) + eps)
        theta -= s

    def write_back(self, s: int, optimizer) -> None:
        # Set directly (see _Momentum.write_back); t = 0 is a fresh Adam.
        t = int(self.t[s])
        if t == 0:
            optimizer.reset()
        else:
            optimizer._m, optimizer._v, optimizer._t = self.m[s].copy(), self.v[s].copy(), t
            optimizer._scratch = np.empty_like(optimizer._m)
