"""The backprop lesson's walk-through (section 3.3, Fig. 3-27): its steps in the chapter's order, and how far
the learner of each session has stepped through it, so that a task can ask them to have gone through to the
update (the page reports each step it shows; pressing Check alone records nothing)."""

import threading
import weakref

from app.host.session import Session

# One row per kind of step: (kind, equations, which layers: "none", "forward" 1..L, "hidden" L-1..1, "params" L..1).
_PLAN = (
    ("input", "3.4", "none"),
    ("forward", "3.4-3.6", "forward"),
    ("loss", "3.13-3.14", "none"),
    ("output_grad", "3.15-3.16", "none"),
    ("output_delta", "3.17-3.18", "none"),
    ("hidden", None, "hidden"),  # two steps per hidden layer, below
    ("params", "3.24-3.27", "params"),
    ("update", "3.11", "none"),
)
_HIDDEN = (("hidden_grad", "3.20-3.21"), ("hidden_delta", "3.22-3.23"))

# The furthest step each session's learner has seen, per sample (input, target); forgotten with the session. Only
# the latest MAX_SAMPLES samples of a session are kept, so that asking about ever new samples uses no more memory.
_REACHED: "weakref.WeakKeyDictionary[Session, dict[tuple, int]]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()  # the table is shared by every session of this host (each op holds only its own lock)
MAX_SAMPLES = 16


def steps(layers: int) -> list[dict]:
    """The walk-through of a network with ``layers`` layers (the output one included): kind, equations, layer."""
    out: list[dict] = []
    for kind, eq, span in _PLAN:
        if span == "none":
            out.append({"kind": kind, "eq": eq, "layer": layers if kind == "output_delta" else None})
        elif span == "forward":
            out += [{"kind": kind, "eq": eq, "layer": k} for k in range(1, layers + 1)]
        elif span == "params":
            out += [{"kind": kind, "eq": eq, "layer": k} for k in range(layers, 0, -1)]
        else:  # back through the hidden layers: dl/dh(k) then delta(k), as Fig. 3-27 draws it
            out += [{"kind": hk, "eq": heq, "layer": k} for k in range(layers - 1, 0, -1) for hk, heq in _HIDDEN]
    return out


def _key(row, target) -> tuple:
    return tuple(float(v) for v in row), float(target)


def record(session: Session, row, target, step: int) -> int:
    """Note that the learner was shown step ``step`` for this sample; the furthest step seen so far."""
    key = _key(row, target)
    with _LOCK:
        seen = _REACHED.setdefault(session, {})
        furthest = max(seen.pop(key, -1), step)
        seen[key] = furthest  # now the latest
        while len(seen) > MAX_SAMPLES:
            del seen[next(iter(seen))]
        return furthest


def reached(session: Session, row, target) -> int | None:
    """The furthest step the learner was shown for this sample (from 0), or None if none."""
    with _LOCK:
        return _REACHED.get(session, {}).get(_key(row, target))
