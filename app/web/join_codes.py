"""Join codes: short, easy to read aloud and to type, and a throttle on wrong guesses."""

import secrets
import time
from collections import deque
from collections.abc import Callable

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: a class reads codes off a projector
LENGTH = 6  # 32**6 = 10**9 codes: with the throttle below, guessing one takes years
THROTTLE_SECONDS = 60.0


def new_code() -> str:
    """A random code, e.g. ``K7QP4M`` (shown as ``K7Q-P4M``)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalized(typed: str) -> str:
    """What a student typed, as a code: upper case, without spaces, dashes or dots."""
    return "".join(ch for ch in typed.upper() if ch not in " -_.")


def shown(code: str) -> str:
    """The code as it is shown: ``K7Q-P4M``."""
    return f"{code[:3]}-{code[3:]}"


class WrongCodes:
    """Wrong codes per address in the last minute; an address over the limit is refused until a minute has passed
    since its last wrong code within the limit's window."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}

    def blocked(self, address: str) -> bool:
        """Whether ``address`` has tried too many wrong codes lately."""
        times = self._recent(address)
        return len(times) >= self.per_minute

    def failed(self, address: str) -> None:
        """``address`` tried a wrong code now."""
        self._recent(address).append(self.clock())
        if len(self._seen) > 10_000:  # forget the quietest addresses first
            for stale in [a for a, t in self._seen.items() if not t][:5_000]:
                del self._seen[stale]

    def _recent(self, address: str) -> deque[float]:
        times = self._seen.setdefault(address, deque())
        cutoff = self.clock() - THROTTLE_SECONDS
        while times and times[0] < cutoff:
            times.popleft()
        return times
