"""A host's CPU, shared fairly between principals: one piece of heavy work at a time, the next one granted to
the principal that has used the least lately.

A host is one process (one core, one GIL): two heavy things at once only make both slower. So every CPU-heavy
piece of work (a training slice, a stream frame, a REST training call, a sweep, an experiment) runs inside a
*turn* of its principal, the one on whose behalf it runs: today a session (its token); once classes exist, a
student or a teacher. Turns are granted one at a time, to the waiting principal whose recent use (the seconds
its turns lasted, halved every ``half_life`` seconds) is the smallest. Long work calls :func:`checkpoint` between
steps (epochs, frames), which gives the CPU up to a waiting principal that has used less, and ends the work if
it was cancelled (its session deleted) or its deadline has passed.

So a learner who asks for a frame ten times a second waits at most for one step of whatever else runs (an
epoch, one frame), however many heavy calls others make; and they share what is left equally.
"""

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

log = logging.getLogger("nnplay.host")
HALF_LIFE_SECONDS = 2.0
YIELD_EVERY_SECONDS = 0.002  # a turn shorter than this gives way to nobody: checking costs more than it saves


class Cancelled(Exception):
    """The work's session was deleted (or its job cancelled) while it ran or waited."""


class PastDeadline(Exception):
    """The work's deadline passed while it ran or waited for its turn."""


@dataclass(frozen=True, eq=False)  # compared by identity: each piece of work is its own
class Work:
    """On whose behalf work runs, until when at most, and how to tell that it is no longer wanted."""

    principal: str  # whose use it is charged to and ordered by
    deadline: float | None = None  # on the FairShare's clock; None: no deadline (the trainer's slices)
    is_cancelled: Callable[[], bool] = lambda: False
    # Whether it holds something another turn of its principal may wait for (its session's lock): then it
    # must not give way, or that turn would wait for it while it waits for the turn.
    holds_lock: Callable[[], bool] = lambda: False
    # Whose sessions' locks it may take, when that is not ``principal`` (a principal's frames, budgeted apart).
    owner: str | None = None
    weight: float = 1.0  # each second it holds the CPU counts this many: work that may well wait counts more

    @property
    def lock_owner(self) -> str:
        """The principal whose sessions' locks this work may take."""
        return self.owner or self.principal

    def check(self, now: float) -> None:
        """Raise Cancelled or PastDeadline if the work should stop."""
        if self.is_cancelled():
            raise Cancelled()
        if self.deadline is not None and now >= self.deadline:
            raise PastDeadline()


_held = threading.local()  # this thread's (FairShare, Work) while it holds a turn


@dataclass(eq=False)
class _Waiter:
    """Work waiting for a turn; the turn is handed to it (``granted``) and it alone is woken."""

    ticket: int
    work: Work  # for ``choices``: which principal it was granted for, once granted
    wakeup: threading.Condition
    resuming: bool  # it gave way while holding its session's lock: it goes before its principal's other work
    granted: bool = False
    # Work for whichever of these (key charged, principal whose locks it takes, weight) is least used when its
    # turn comes.
    choices: Callable[[], list[tuple[str, str, float]]] | None = None


class FairShare:
    """One host's CPU: turns granted one at a time, least recent use first.

    The turn is handed over explicitly: whoever frees the CPU picks the next waiter and wakes that one only,
    so a hundred waiters cost nothing while they wait.
    """

    def __init__(self, half_life: float = HALF_LIFE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.half_life = half_life
        self.clock = clock  # seconds; injected by tests
        self._lock = threading.Lock()
        self._holder: Work | None = None
        self._since = 0.0  # when the holder's turn (or its last charge) began
        self._waiting: list[_Waiter] = []
        self._tickets = itertools.count()
        self._use: dict[str, tuple[float, float]] = {}  # principal -> (seconds used, as of when)
        self._together: tuple[tuple[str, ...], float] | None = None  # the holder works for these: charged to them

    # ----- use ---------------------------------------------------------------------------------------
    def use(self, principal: str) -> float:
        """The principal's recent use in seconds (each second of the past counts half per ``half_life``)."""
        with self._lock:
            return self._use_now(principal, self.clock())

    def _use_now(self, principal: str, now: float) -> float:
        seconds, at = self._use.get(principal, (0.0, now))
        return seconds * 0.5 ** ((now - at) / self.half_life)

    def _join(self, principal: str, now: float) -> None:
        """A principal new to this CPU (or back after its use decayed away) starts level with the least used of
        those holding it or waiting for it, as Linux's fair scheduler starts a new task at the smallest runtime
        of its queue: at 0, a crowd arriving together would go before everyone already there until it had used
        as much."""
        if principal not in self._use:
            active = {waiter.work.principal for waiter in self._waiting if waiter.choices is None}
            if self._holder is not None:
                active.add(self._holder.principal)
            floor = min((self._use_now(p, now) for p in active if p in self._use), default=0.0)
            self._use[principal] = (floor, now)

    def _charge(self, now: float) -> None:
        principal = self._holder.principal
        keys, weight = self._together or ((principal,), self._holder.weight)
        used = (now - self._since) * weight / len(keys)
        for key in keys:
            self._use[key] = (self._use_now(key, now) + used, now)
        self._since = now
        if len(self._use) > 4 * (len(self._waiting) + 64):  # forget principals whose use has decayed away
            self._use = {p: u for p, u in self._use.items() if self._use_now(p, now) > 1e-3 or p in keys}

    def charge_together(self, work: Work, keys: list[str] | None, weight: float = 1.0) -> None:
        """From now on, the turn ``work`` holds works for all of ``keys`` at once (sessions trained together in
        one stacked step): its time is charged to each of them equally, ``weight`` times. None: from now on to
        ``work``'s own principal again. What came before is charged as it was."""
        with self._lock:
            if self._holder is not work:
                return
            now = self.clock()
            self._charge(now)
            for key in keys or ():
                self._join(key, now)
            self._together = (tuple(keys), weight) if keys else None

    def least_used(self, principals: list[str]) -> int:
        """The index of the principal in ``principals`` with the smallest recent use (the first of equals)."""
        with self._lock:
            now = self.clock()
            for principal in principals:
                self._join(principal, now)
            return min(range(len(principals)), key=lambda i: self._use_now(principals[i], now))

    # ----- turns -------------------------------------------------------------------------------------
    @contextmanager
    def turn(self, work: Work) -> Iterator[None]:
        """Hold the CPU for ``work`` (waiting for it fairly); raises Cancelled or PastDeadline instead if the
        work stops being wanted while it waits. Inside a turn on the same thread, nested work runs in it."""
        if getattr(_held, "turn", None) is not None:
            yield
            return
        with self._lock:
            self._wait_for_turn(work, stoppable=True, resuming=False)
        _held.turn = (self, work)
        try:
            yield
        finally:
            _held.turn = None
            with self._lock:
                if self._holder is work:  # not when it gave way and then stopped waiting (Cancelled, PastDeadline)
                    self._charge(self.clock())
                    self._holder = None
                    self._grant()

    def _next(self, other_than: str | None = None) -> tuple[_Waiter, str, str, float] | None:
        """The waiter whose turn is next, the key it would be charged to, whose locks it may take (none of
        ``other_than``'s: the caller holds one of them), and its weight."""
        now = self.clock()
        # Work that gave way while holding its session's lock goes before its own principal's other work,
        # which may need that lock.
        resuming = {waiter.work.lock_owner for waiter in self._waiting if waiter.resuming}
        best, best_key = None, None
        for waiter in self._waiting:
            if waiter.choices is not None:
                excluded = resuming | {other_than}
                try:
                    offered = waiter.choices()
                except Exception:  # a bug there must not stop every hand-off of this CPU
                    log.exception("choosing the trainer's next session failed")
                    offered = []
                choices = [choice for choice in offered if choice[1] not in excluded]
                for key, _, _ in choices:
                    self._join(key, now)
                chosen = min(choices, key=lambda choice: self._use_now(choice[0], now), default=None)
                if chosen is None:
                    continue  # nothing of its is due (or may run) now
                principal, owner, weight = chosen
            else:
                principal, owner, weight = waiter.work.principal, waiter.work.lock_owner, waiter.work.weight
                if owner == other_than or (owner in resuming and not waiter.resuming):
                    continue
            order = (self._use_now(principal, now), waiter.ticket)
            if best_key is None or order < best_key:
                best, best_key = (waiter, principal, owner, weight), order
        return best

    def _grant(self) -> None:
        """If the CPU is free, hand it to the next waiter and wake that one (holding ``self._lock``)."""
        if self._holder is not None:
            return
        chosen = self._next()
        if chosen is None:
            return
        waiter, principal, owner, weight = chosen
        self._waiting.remove(waiter)
        if waiter.choices is not None:
            waiter.work = replace(waiter.work, principal=principal, owner=owner, weight=weight)
        waiter.granted = True
        self._holder, self._since, self._together = waiter.work, self.clock(), None
        waiter.wakeup.notify()

    @contextmanager
    def turn_for_least_used(self, choices: Callable[[], list[tuple[str, str, float]]],
                            is_cancelled: Callable[[], bool]) -> Iterator[str]:
        """A turn for whichever of ``choices()`` ((key it is charged to, principal whose locks it may take, weight);
        asked again whenever a turn is handed on) has used the least when it comes: the key it was granted for.
        For the trainer, which serves whichever session is due, so that it never waits in line for one while
        another, less used, is due."""
        if getattr(_held, "turn", None) is not None:
            raise RuntimeError("turn_for_least_used inside a turn")
        with self._lock:
            work = self._wait_for_turn(Work("", None, is_cancelled), True, False, choices)
        _held.turn = (self, work)
        try:
            yield work.principal
        finally:
            _held.turn = None
            with self._lock:
                if self._holder is work:
                    self._charge(self.clock())
                    self._holder = None
                    self._grant()

    def _wait_for_turn(self, work: Work, stoppable: bool, resuming: bool,
                       choices: Callable[[], list[tuple[str, str, float]]] | None = None) -> Work:
        """Queue ``work`` and wait until the turn is handed to it (holding ``self._lock``, so that work giving
        way is back in the queue before the turn it gave up is handed on); the work that holds it."""
        waiter = _Waiter(next(self._tickets), work, threading.Condition(self._lock), resuming, choices=choices)
        if choices is None:
            self._join(work.principal, self.clock())
        self._waiting.append(waiter)
        try:
            self._grant()
            while not waiter.granted:
                now = self.clock()
                if stoppable:
                    work.check(now)
                # Woken when the turn is handed to it, and by wake(); a deadline that can stop it needs no one to
                # wake it (one that cannot must not make it spin).
                timeout = max(0.0, work.deadline - now) if stoppable and work.deadline is not None else None
                waiter.wakeup.wait(timeout)
            if stoppable:
                work.check(self.clock())  # it may have been cancelled just before the turn came
        except BaseException:  # stopped (or a callback failed): leave nothing queued or held behind
            if waiter.granted:
                self._holder = None
            else:
                self._waiting.remove(waiter)
            self._grant()
            raise
        return waiter.work

    def yield_if_due(self, work: Work, stoppable: bool = True) -> None:
        """Give the CPU to a waiting principal that has used less than ``work``'s (or to its own principal's
        other work), then wait for it again. Work that holds its session's lock gives way to other principals
        only, and goes before its own principal's other work when it resumes: that work may need the lock."""
        with self._lock:
            if self._holder is not work or self.clock() - self._since < YIELD_EVERY_SECONDS:
                return
            now = self.clock()
            self._charge(now)
            locked = work.holds_lock()
            waiting = self._next(other_than=work.lock_owner if locked else None)
            # Give way to one that has used less, or to the principal's own other work (its stream's frames
            # during its long call), so that its pieces of work take turns too.
            if waiting is None or (self._use_now(waiting[1], now) >= self._use_now(work.principal, now)
                                   and waiting[2] != work.lock_owner):
                return
            self._holder = None
            self._wait_for_turn(work, stoppable, resuming=locked)

    def should_give_way(self, work: Work) -> bool:
        """Whether ``work``, holding the CPU, would give way at a checkpoint now (for work that would rather end
        its turn early than wait in the middle of it)."""
        with self._lock:
            if self._holder is not work:
                return False
            now = self.clock()
            waiting = self._next(other_than=work.lock_owner)
            return waiting is not None and self._use_now(waiting[1], now) < \
                self._use_now(work.principal, now) + now - self._since

    def wake(self) -> None:
        """Make every waiter look again at whether its work is still wanted (after a session was deleted or a job
        cancelled), and hand a free CPU on."""
        with self._lock:
            for waiter in self._waiting:
                waiter.wakeup.notify()
            self._grant()

    def nudge(self) -> None:
        """Hand a free CPU on: work chosen among principals (the trainer's) may have become possible."""
        with self._lock:
            self._grant()

    @property
    def queued(self) -> int:
        """How many pieces of work wait for a turn."""
        with self._lock:
            return len(self._waiting)

    @property
    def busy(self) -> bool:
        """Whether some work holds the CPU or waits for it."""
        with self._lock:
            return self._holder is not None or bool(self._waiting)


def holding() -> bool:
    """Whether this thread holds its turn right now (not while it waits to resume after giving way)."""
    held = getattr(_held, "turn", None)
    if held is None:
        return False
    share, work = held
    with share._lock:
        return share._holder is work


def current() -> Work | None:
    """The work this thread holds a turn for, if any."""
    held = getattr(_held, "turn", None)
    return None if held is None else held[1]


def checkpoint() -> None:
    """Between two steps of long work: stop it (Cancelled, PastDeadline) if it is no longer wanted, and let a
    principal that has used less go first. Outside a turn (e.g. a unit test calling an op), nothing happens."""
    held = getattr(_held, "turn", None)
    if held is None:
        return
    share, work = held
    work.check(share.clock())
    share.yield_if_due(work)


def yield_point() -> None:
    """Inside a step (an epoch between two of its mini-batches, a grid between two layers): let a principal
    that has used less go first, then go on. Its deadline does not stop the step; its cancellation does
    (Cancelled: its session was deleted, so what the step would leave half done is never seen). Outside a turn,
    nothing happens."""
    held = getattr(_held, "turn", None)
    if held is not None:
        share, work = held
        if work.is_cancelled():
            raise Cancelled()
        share.yield_if_due(work, stoppable=False)
