"""Playing sessions of one shape, trained together: one stacked step (engine/stacked.py) for all of them.

A class often plays many networks of one shape at once (the teacher pushed one preset). Trained one by one, a
small network's step is almost all fixed cost per NumPy call; stacked, a step of 30 costs a few times one. So
when the host's trainer gives a playing session a slice, the other playing sessions with an equal
:meth:`Session.stack_key` that are at the same point of their epoch train in the same slice, and the time is
charged to all of their principals equally (app/host/fair_share.py ``charge_together``).

Each member trains exactly as it would alone (same steps, same sample order, same numbers: the engine's
equivalence), so grouping changes nothing a learner can see but the speed. A group's ``StackedTrainer`` is
kept from one slice to the next while its members stay the same and nothing else changed any of them (their
versions are as the last slice left them); any other change (a member joins, leaves, pauses, is edited) builds
it again from the models, which hold every member's whole state after each slice.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from app.host.session import Session
from app.schemas.status import SessionStatus
from engine.stacked import StackedTrainer
from engine.training import COMPLETED, DIVERGED, PAUSED, History

STALE_AFTER_SLICES = 1000


@dataclass
class Group:
    """A stacked trainer and what it was built from: the members (in order) and their versions since."""

    trainer: StackedTrainer
    members: tuple[Session, ...]
    versions: tuple[int, ...]
    step_seconds: float = 0.0  # a stacked step's time, as last measured (0: not yet)
    used: int = 0  # the slice count when it last trained
    built: int = 1  # how many times its trainer was stacked from the models (1: kept ever since)


class StackedPlay:
    """The host's groups of playing sessions that train together: the trainer's thread trains them; the host's
    message loop may :meth:`forget` a deleted session at any time (hence the lock)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._groups: dict[tuple[str, ...], Group] = {}  # by the members' ids
        self._lock = threading.Lock()  # forget() comes from the host's message loop, the rest from the trainer
        self._grouped: set[str] = set()  # ids of the sessions the last slice of their group trained
        self._slices = 0

    def is_grouped(self, session: Session) -> bool:
        """Whether ``session`` trained in a group in its group's last slice (its frames then need no slice of
        their own: the group's slices make them new)."""
        return session.id in self._grouped

    def forget(self, session: Session) -> None:
        """``session`` trains alone, or was deleted, from now on: no group keeps it (nor its data) any longer."""
        with self._lock:
            self._grouped.discard(session.id)
            for ids in [ids for ids, group in self._groups.items() if session in group.members]:
                del self._groups[ids]

    def mates(self, session: Session, candidates) -> tuple[list[Session], bool]:
        """The sessions of ``candidates`` (``session`` first) that can train with it now: equal stack keys, all
        playing, at the same point of their epochs (only ``session`` if none can); and whether some other
        playing session has its key but stands elsewhere in its epoch (``session`` should then end its slices
        at the end of an epoch, where the group's slices end, to join them). Read without their locks:
        :meth:`locked` checks again."""
        key = session.stack_key()
        position = _position(session)
        mates, elsewhere = [session], False
        for other in candidates:
            if other is not session and _plays(other) and other.stack_key() == key:
                if _position(other) == position:
                    mates.append(other)
                else:
                    elsewhere = True
        return mates, elsewhere

    @contextmanager
    def locked(self, sessions: list[Session]) -> Iterator[list[Session]]:
        """The sessions of ``sessions`` (from :meth:`mates`) whose locks are free, that still play and still fit
        the first one (a call may have changed them since), their locks held while the block runs; none if the
        first's lock is held. Never waits for a lock: the trainer must not."""
        taken: list[Session] = []
        try:
            for i, session in enumerate(sessions):
                if not session.lock.acquire(blocking=False):
                    if i == 0:
                        break
                    continue
                taken.append(session)
                if not _plays(session) or (i and (session.stack_key() != taken[0].stack_key()
                                                  or _position(session) != _position(taken[0]))):
                    taken.pop().lock.release()
                    if i == 0:
                        break
            yield taken
        finally:
            for session in taken:
                session.lock.release()

    def train(self, taken: list[Session], seconds: float) -> None:
        """One stacked slice of about ``seconds`` for ``taken`` (from :meth:`locked`, at least two, locks held),
        recorded in each. It ends at the end of an epoch when an epoch fits in what is left of it, so that the
        members stay at the start of an epoch, where others can join them."""
        taken = sorted(taken, key=lambda session: session.id)  # one order whichever was chosen: it can be kept
        group = self._group_for(taken)
        histories = self._train(group, seconds)
        group.trainer.write_back()
        for session, history in zip(taken, histories, strict=True):
            session.took_stacked(history)
        group.versions = tuple(session.version for session in taken)
        with self._lock:
            self._grouped.update(session.id for session in taken if not session.closed)

    def _group_for(self, members: list[Session]) -> Group:
        """The kept group of exactly these members if none of them changed since its last slice, else a new one."""
        self._slices += 1
        ids = tuple(session.id for session in members)
        with self._lock:
            group = self._groups.get(ids)
        if group is None or group.versions != tuple(session.version for session in members):
            parts = [session.stacked_part() for session in members]
            trainer = StackedTrainer.from_models([model for model, _, _ in parts], [data for _, data, _ in parts],
                                                 members[0].config.batch_size,
                                                 validation=[test for _, _, test in parts])
            group = Group(trainer, tuple(members), (), group.step_seconds if group is not None else 0.0, 0,
                          group.built + 1 if group is not None else 1)
        group.used = self._slices
        with self._lock:
            if not any(session.closed for session in members):  # a member deleted meanwhile: not kept
                self._groups[ids] = group
            # Groups unused for a while (their members regrouped, paused or left) hold copies nobody trains.
            for stale in [k for k, g in self._groups.items() if self._slices - g.used > STALE_AFTER_SLICES]:
                del self._groups[stale]
        return group

    def _train(self, group: Group, seconds: float) -> list[History]:
        """Stacked steps for ``seconds``: whole epochs while one fits in the time left, else single steps; a new
        group's first step alone, to measure what a step costs."""
        trainer = group.trainer
        histories = [History() for _ in range(trainer.S)]
        deadline = self.clock() + seconds
        trained = False
        while True:
            now = self.clock()
            left_in_epoch = trainer.steps_to_epoch_end
            if not group.step_seconds:
                steps = 1
            elif group.step_seconds * left_in_epoch > deadline - now:
                if trainer.at_epoch_start and trained:
                    return histories  # end at the start of an epoch, where sessions can join the group
                steps = max(1, int((deadline - now) / group.step_seconds))  # an epoch longer than a slice
            else:
                steps = left_in_epoch
            ran = trainer.train_batches(steps)
            trained = True
            spent = self.clock() - now
            if spent > 0:
                group.step_seconds = spent / steps
            for total, more in zip(histories, ran, strict=True):
                _extend(total, more)
            if all(trainer.done) or self.clock() >= deadline:
                return histories


def _plays(session: Session) -> bool:
    return not session.closed and session.status == SessionStatus.playing


def _position(session: Session) -> int | None:
    """The row its epoch paused at (None at the start of an epoch)."""
    in_progress = session.model.epoch_in_progress
    return None if in_progress is None else in_progress[1]


def _extend(total: History, more: History) -> None:
    """``total`` followed by ``more`` (two calls of one member's training in one slice)."""
    for name in ("epochs", "loss", "accuracy", "val_loss", "val_accuracy"):
        getattr(total, name).extend(getattr(more, name))
    if total.status in (COMPLETED, PAUSED) or more.status == DIVERGED:
        total.status, total.message = more.status, more.message
