"""Which networks can train in one stacked step (engine/stacked.py): the key every member of a group shares."""

from typing import NamedTuple

from engine.network import Sequential


class GroupKey(NamedTuple):
    """Everything that must be equal for networks to train in one stacked step."""

    layers: tuple[tuple[int, int, str], ...]  # (inputs, units, activation) of every layer
    loss: str
    optimizer: str
    regularizer: str  # "none", "l1" or "l2"; the reg rate is each member's own
    batch_size: int  # the effective batch: the number of training points for full batch
    dtype: str
    n_train: int


def group_key(model: Sequential, batch_size: int | None, n_train: int) -> GroupKey:
    """The stacking key of a compiled model trained with ``batch_size`` (None: full batch) on ``n_train`` points.

    Models with equal keys can be stacked by :meth:`StackedTrainer.from_models`; learning rate, reg rate,
    optimizer hyper-parameters (momentum, Adam's betas and epsilon), weights, optimizer state, data, seed and
    validation data may all differ.
    """
    model._require_compiled()
    n_train = int(n_train)
    batch = n_train if batch_size is None else min(int(batch_size), n_train)
    return GroupKey(
        tuple((layer.input_dim, layer.units, layer.activation.name) for layer in model.layers),
        model.loss.name,
        model.optimizer.name,
        "none" if model.regularizer is None else model.regularizer.name,
        batch,
        model.dtype.name,
        n_train,
    )
