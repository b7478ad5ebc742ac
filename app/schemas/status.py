"""The status vocabularies shared by the host and the web side: one StrEnum per concept.

Their values are the strings the JSON answers and the stream's frames carry.
"""

from enum import StrEnum


class SessionStatus(StrEnum):
    """Where a session stands (the `status` of its metrics and of every stream frame)."""

    idle = "idle"  # not training (paused, or never played)
    playing = "playing"  # the host's trainer trains it while someone watches
    diverged = "diverged"  # training stopped on a non-finite loss; a reset or a live change lets it train again


class TrainStatus(StrEnum):
    """How a training call ended (the one vocabulary for /train, /step, the session's trainer and the sweep)."""

    completed = "completed"  # ran every epoch asked for
    goal_reached = "goal_reached"  # every rule of `until` held at the end of an epoch
    time_limit = "time_limit"  # the server's time per call ran out; call again to continue
    diverged = "diverged"  # the loss stopped being a finite number; the last good weights are in place


class JobStatus(StrEnum):
    """Where a background job (the deep-versus-shallow experiment) stands."""

    running = "running"
    done = "done"
    cancelled = "cancelled"  # by the learner, or because its session was deleted
    time_limit = "time_limit"  # the server's time per job ran out
    failed = "failed"  # an error stopped it; the message says which


class JoinCodeState(StrEnum):
    """Whether a class's join code lets students in."""

    open = "open"
    paused = "paused"  # refused for now (the teacher may open it again)
    ended = "ended"  # gone for good (a new one can be made: rotate)


class StudentStatus(StrEnum):
    """A student as the teacher's dashboard shows them."""

    playing = "playing"  # their network trains (their page is open and they pressed play)
    paused = "paused"  # in memory, not training
    diverged = "diverged"  # training stopped on a non-finite loss
    offline = "offline"  # not in memory: left, or idle for long (their work is stored)
    removed = "removed"  # the teacher removed them


class ControlGroup(StrEnum):
    """What a teacher may lock for students (the server refuses what a lock forbids)."""

    training = "training"  # play, pause, step, reset, REST training
    hyperparameters = "hyperparameters"  # learning rate, batch size, regularization, optimizer
    network = "network"  # layers, neurons, activations, features, output, hand-set weights, imports
    data = "data"  # the data set, its noise, points, split, new data
