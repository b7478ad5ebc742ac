"""Worker threads that take queued calls one principal at a time, in turn.

A thread pool's queue is first come, first served: a user who sends a hundred calls at once puts them all in
front of the next user's one. Here each principal has its own queue and the workers serve the principals in
turn (round robin), so a call waits for at most one call of each other principal, however many they sent.
"""

import logging
import threading
import traceback
from collections import OrderedDict, deque
from collections.abc import Callable

log = logging.getLogger("nnplay.host")


class FairPool:
    """Up to ``workers`` threads (started as calls come) serving per-principal queues in turn."""

    def __init__(self, workers: int, name: str):
        self.workers, self.name = workers, name
        self._queues: OrderedDict[str, deque] = OrderedDict()  # principals with calls waiting, next turn first
        self._changed = threading.Condition()
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self._idle = 0

    def submit(self, principal: str, fn: Callable, *args) -> None:
        """Queue ``fn(*args)`` behind ``principal``'s earlier calls."""
        with self._changed:
            if self._stopping:
                return
            self._queues.setdefault(principal, deque()).append((fn, args))
            queued = sum(len(calls) for calls in self._queues.values())
            if queued > self._idle and len(self._threads) < self.workers:  # idle ones may be spoken for already
                thread = threading.Thread(target=self._work, name=f"{self.name}-{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                thread.start()
            self._changed.notify()

    @property
    def queued(self) -> int:
        """How many calls wait for a worker."""
        with self._changed:
            return sum(len(calls) for calls in self._queues.values())

    def _next(self) -> tuple[Callable, tuple] | None:
        with self._changed:
            while not self._queues and not self._stopping:
                self._idle += 1
                self._changed.wait()
                self._idle -= 1
            if self._stopping:
                return None
            principal, calls = self._queues.popitem(last=False)
            call = calls.popleft()
            if calls:
                self._queues[principal] = calls  # its next call waits for everyone else's turn
            return call

    def _work(self) -> None:
        while (call := self._next()) is not None:
            fn, args = call
            try:
                fn(*args)
            except Exception:  # a call reports its own errors; this is a bug, and the worker must live on
                log.error("a host call failed:\n%s", traceback.format_exc())

    def shutdown(self, wait: bool = False) -> None:
        """Drop the calls still queued and end the workers after their current call."""
        with self._changed:
            self._stopping = True
            self._queues.clear()
            self._changed.notify_all()
        if wait:
            for thread in list(self._threads):
                thread.join()
