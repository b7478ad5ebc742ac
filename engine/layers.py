"""The fully connected layer: its forward pass and, right next to it, its backward pass.

Convention (the chapter's): W(k) has shape (units in layer k, units in layer k-1) and
a(k) = W(k) h(k-1) + b(k) (eq. 3.4). In batched code samples are the rows of a matrix, so the
same equation reads A = H W^T + b with H of shape (samples, units in layer k-1).
"""

import numpy as np

from engine import activations

Array = np.ndarray


class Dense:
    """A fully connected layer of ``units`` neurons with one activation function.

    ``input_dim`` is needed on the first layer only; later layers take it from the layer before.
    The parameters ``W`` and ``b`` and their gradients ``grad_W`` and ``grad_b`` are views into the
    model's flat parameter and gradient vectors, bound when the model is built.
    """

    def __init__(self, units: int, activation: str = "linear", input_dim: int | None = None):
        if not isinstance(units, int | np.integer) or isinstance(units, bool) or units < 1:
            raise ValueError(f"a layer needs a positive whole number of units, got {units!r}")
        if input_dim is not None and (not isinstance(input_dim, int | np.integer) or input_dim < 1):
            raise ValueError(f"input_dim must be a positive whole number, got {input_dim!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.input_dim = None if input_dim is None else int(input_dim)
        self.W: Array | None = None
        self.b: Array | None = None
        self.grad_W: Array | None = None
        self.grad_b: Array | None = None

    def bind(self, W: Array, b: Array, grad_W: Array, grad_b: Array) -> None:
        """Attach the parameter and gradient views (called by the model when it builds)."""
        self.W, self.b, self.grad_W, self.grad_b = W, b, grad_W, grad_b
        self._W_T = W.T  # cached view: the batched forward multiplies by W^T every step

    @property
    def n_params(self) -> int:
        """Number of weights and biases in this layer."""
        return self.units * (self.input_dim + 1)

    def forward(self, h_prev: Array) -> tuple[Array, Array]:
        """Linear input a(k) (eq. 3.4) and output h(k) = g(a(k)) (eq. 3.5) for rows of h(k-1)."""
        a = h_prev @ self._W_T
        a += self.b
        return a, self.activation.fn(a)

    def forward_output(self, h_prev: Array) -> Array:
        """h(k) alone, computed in place over a(k): for passes that need no gradient."""
        a = h_prev @ self._W_T
        a += self.b
        return activations.apply_in_place(self.activation, a)

    def backward(self, delta: Array, h_prev: Array, need_grad_input: bool = True) -> Array | None:
        """Given delta = dl/da(k) for each sample (rows), fill this layer's parameter gradients.

        grad_W(k) = delta(k) h(k-1)^T (eq. 3.25) and grad_b(k) = delta(k) (eq. 3.27), both summed over
        the samples. Returns dl/dh(k-1) = W(k)^T delta(k) (eq. 3.21), the gradient for the layer below.
        """
        np.matmul(delta.T, h_prev, out=self.grad_W)  # eq. 3.25
        np.add.reduce(delta, axis=0, out=self.grad_b)  # eq. 3.27 (add.reduce: np.sum without its wrapper)
        return delta @ self.W if need_grad_input else None  # eq. 3.21

    def activation_backward(self, grad_h: Array, a: Array, h: Array) -> Array:
        """delta(k) = dl/dh(k) (elementwise *) g'(a(k)) (eq. 3.23)."""
        return grad_h * self.activation.derivative(a, h)

    def config(self) -> dict:
        """The layer's architecture, JSON friendly."""
        return {"units": self.units, "activation": self.activation.name}

    def __repr__(self) -> str:
        return f"Dense({self.units}, activation={self.activation.name!r}, input_dim={self.input_dim})"
