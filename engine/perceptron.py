"""The classic perceptron learning rule for one sign or step neuron (Rosenblatt, 1958).

A sign neuron's derivative is zero almost everywhere, so gradient descent cannot train it without a
surrogate (see engine/activations.py). The perceptron rule needs no derivative: for each sample that
is misclassified, move the separating line w^T x + b = 0 (eq. 3.3) towards it,

    w <- w + alpha (t - h) x,    b <- b + alpha (t - h),

where t is the target (+1/-1 for sign, 1/0 for step) and h the neuron's output. It converges in a
finite number of updates when the classes are linearly separable (OR, AND, the two mixed gates of
Fig. 3-5) and never settles on XOR (Fig. 3-6).
"""

import numpy as np

from engine.training import COMPLETED, REACHED_LOSS, History

Array = np.ndarray


def train_perceptron(model, X, y, epochs: int = 100, learning_rate: float = 1.0, seed: int | None = None) -> History:
    """Train a one-neuron sign/step ``model`` with the perceptron rule; stop early once no sample is wrong.

    ``y`` holds class labels 0/1. The history's ``loss`` is the fraction of misclassified samples
    and ``accuracy`` its complement; status "reached_loss" means every sample is classified correctly.
    """
    if len(model.layers) != 1 or model.output_dim != 1 or model.output_activation.name not in ("sign", "step"):
        raise ValueError("the perceptron rule trains a single sign or step neuron: Dense(1, 'sign' or 'step')")
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError("learning_rate must be a positive number")
    X = model._as_input(X)
    T, labels = model.encode_targets(np.asarray(y).astype(np.int64))
    layer = model.layers[0]
    rng = np.random.default_rng(model.seed if seed is None else seed)
    history = History()
    for _ in range(int(epochs)):
        for i in rng.permutation(X.shape[0]):
            h = layer.activation.fn(X[i] @ layer.W[0] + layer.b)  # eq. 3.2 for one sample
            error = T[i, 0] - h[0]
            if error:
                layer.W[0] += learning_rate * error * X[i]
                layer.b += learning_rate * error
        model.epoch += 1
        wrong = float(np.mean(model.predict(X)[:, 0] != T[:, 0]))
        history.epochs.append(model.epoch)
        history.loss.append(wrong)
        history.accuracy.append(1.0 - wrong)
        if wrong == 0.0:
            history.status = REACHED_LOSS
            history.message = f"every sample classified correctly after epoch {model.epoch}"
            break
    if history.status == COMPLETED:
        wrong = history.loss[-1] if history.loss else 1.0
        history.message = f"{wrong:.0%} of samples still wrong after {epochs} epochs"
    return history
