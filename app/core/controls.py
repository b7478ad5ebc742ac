"""Which control group each operation and config field belongs to: what a teacher's lock or pause forbids
(app/web/classroom.py refuses it; the page greys it out). One table, shared: the host's live fields are the
hyperparameters group's."""

from app.core.host_api import Op
from app.schemas.status import ControlGroup

FIELD_GROUPS: dict[str, ControlGroup] = {
    "learning_rate": ControlGroup.hyperparameters, "regularization": ControlGroup.hyperparameters,
    "reg_rate": ControlGroup.hyperparameters, "batch_size": ControlGroup.hyperparameters,
    "optimizer": ControlGroup.hyperparameters,
    "data": ControlGroup.data,
}
"""A config field's group; any field not named here changes the network (layers, activations, features, ...)."""

LIVE_FIELDS = frozenset(field for field, group in FIELD_GROUPS.items() if group is ControlGroup.hyperparameters)
"""Fields that change without rebuilding anything (the stream's `set`)."""

OP_GROUPS: dict[Op, ControlGroup] = {
    Op.play: ControlGroup.training, Op.step: ControlGroup.training, Op.stream_step: ControlGroup.training,
    Op.train: ControlGroup.training, Op.reset: ControlGroup.training, Op.stream_reset: ControlGroup.training,
    Op.experiment_start: ControlGroup.training, Op.set_live: ControlGroup.hyperparameters,
    Op.regenerate: ControlGroup.data, Op.set_weights: ControlGroup.network, Op.set_weight: ControlGroup.network,
    Op.load_model: ControlGroup.network,
}
"""The operations that change a session (besides `update`, whose group depends on its fields). Pausing and every
read belong to none: they stay allowed whatever is locked."""


def groups_of(op: Op, args: tuple) -> set[ControlGroup]:
    """The control groups a call of ``op`` with ``args`` uses."""
    if op == Op.update:
        changes = args[0] if args and isinstance(args[0], dict) else {}
        return {FIELD_GROUPS.get(field, ControlGroup.network) for field in changes}
    group = OP_GROUPS.get(op)
    return set() if group is None else {group}
