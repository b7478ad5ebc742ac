"""Deep versus shallow at equal parameter counts, as a background job on the session's own data.

The job trains, one after another, a deep k x n network and its matching shallow 1 x m network for each
depth k, on a copy of the session's data with the session's settings and seed. It runs on its own thread
in the session's host, in fair turns of the session's principal (app/host/fair_share.py) with a checkpoint
every epoch; it reports progress, stops when cancelled, when its session is deleted or at the server's time
per job, and keeps its result in the session.
"""

import threading
import time

from app.core.errors import Conflict, NotFound, SessionError
from app.core.figure_limits import EXPERIMENT_MAX_DEPTH, EXPERIMENT_MAX_EPOCHS
from app.host import fair_share
from app.host.fair_share import Cancelled, PastDeadline, Work
from app.host.session import Session
from app.schemas.status import JobStatus
from engine import Dense, Sequential
from engine.compare import plan

CURVE_POINTS = 100


class Experiment:
    """One run of the comparison: its plan, progress, rows of results and learning curves."""

    def __init__(self, session: Session, width: int, depths: list[int], epochs: int):
        with session.lock:
            cfg, model = session.config, session.model
            self.data = (session.X_train, session.y_train, session.X_test, session.y_test)
            self.settings = {"activation": cfg.activation if isinstance(cfg.activation, str) else cfg.activation[0],
                             "inputs": model.input_dim, "output": model.layers[-1], "loss": model.loss.name,
                             "optimizer": cfg.optimizer, "learning_rate": cfg.learning_rate,
                             "batch_size": cfg.batch_size, "seed": cfg.seed, "initializer": cfg.initializer,
                             "dtype": model.dtype.name}
            self.task = session.dataset.task
        output = self.settings["output"]
        self.plan = plan(self.settings["inputs"], output.units, width, depths)
        self.epochs = epochs
        self.status, self.done_epochs, self.rows, self.message = JobStatus.running, 0, [], ""
        self.cancelled = threading.Event()
        self.started = time.monotonic()
        self.share = session.share
        self.work = Work(session.principal, self.share.clock() + session.settings.max_job_seconds,
                         lambda: self.cancelled.is_set() or session.closed)
        self.limit_seconds = session.settings.max_job_seconds
        self.thread = threading.Thread(target=self._run, name="nnplay-experiment", daemon=True)
        self.thread.start()

    @property
    def running(self) -> bool:
        """Whether it still runs (or waits for its turn)."""
        return self.status == JobStatus.running

    def _train(self, hidden: list[int]) -> dict:
        s, (X, y, X_test, y_test) = self.settings, self.data
        output = s["output"]
        layers = [Dense(units, s["activation"], input_dim=s["inputs"] if i == 0 else None)
                  for i, units in enumerate(hidden)] + [Dense(output.units, output.activation.name)]
        model = Sequential(layers, seed=s["seed"], initializer=s["initializer"], dtype=s["dtype"])
        model.compile(loss=s["loss"], optimizer=s["optimizer"], learning_rate=s["learning_rate"])

        def progress(epoch: int, logs: dict) -> bool:
            self.done_epochs += 1
            fair_share.checkpoint()  # raises when it should stop; lets others go first
            return True

        validation = (X_test, y_test) if len(X_test) else None
        history = model.fit(X, y, epochs=self.epochs, batch_size=s["batch_size"], validation_data=validation,
                            callback=progress, between_steps=fair_share.checkpoint)  # its own network
        curve = history.val_loss or history.loss
        step = max(1, len(curve) // CURVE_POINTS)
        result = model.evaluate(*(validation or (X, y)))
        return {"layers": hidden, "parameters": model.n_params, "loss": result["loss"],
                "error": None if "accuracy" not in result else 1.0 - result["accuracy"],
                "curve": {"epoch": history.epochs[::step], "loss": curve[::step]}}

    def _run(self) -> None:
        try:
            with self.share.turn(self.work):
                for row in self.plan:
                    deep = self._train(row["deep"])
                    shallow = self._train(row["shallow"])
                    self.rows.append({"depth": row["depth"], "deep": deep, "shallow": shallow})
            self.status = JobStatus.done
        except Cancelled:
            why = "cancelled by the learner" if self.cancelled.is_set() else "its session was deleted"
            self.status, self.message = JobStatus.cancelled, why
        except PastDeadline:
            self.status = JobStatus.time_limit
            self.message = f"stopped at the server's time limit of {self.limit_seconds:g} s per experiment"
        except Exception as exc:  # a failed job says why instead of vanishing
            self.status, self.message = JobStatus.failed, f"{type(exc).__name__}: {exc}"

    def report(self) -> dict:
        """Status, progress from 0 to 1, the plan and the rows finished so far."""
        total = 2 * len(self.plan) * self.epochs
        return {"status": self.status, "message": self.message, "progress": min(1.0, self.done_epochs / total),
                "task": self.task, "epochs": self.epochs, "plan": self.plan, "rows": self.rows,
                "seconds": round(time.monotonic() - self.started, 2)}


def start(session: Session, width: int, depths: list[int], epochs: int) -> dict:
    """Start the comparison on this session's data (one at a time per session). ``width``, the neurons per
    layer of the deep networks, is at most the server's max_units."""
    units = session.settings.max_units
    if (not 1 <= width <= units or not depths or any(not 1 <= k <= EXPERIMENT_MAX_DEPTH for k in depths)
            or len(depths) > EXPERIMENT_MAX_DEPTH):
        raise SessionError("experiment.plan", units=units, most=EXPERIMENT_MAX_DEPTH)
    if not 1 <= epochs <= EXPERIMENT_MAX_EPOCHS:
        raise SessionError("sweep.epochs", most=EXPERIMENT_MAX_EPOCHS)
    if session.job_running:
        raise Conflict("experiment.running")
    session.experiment = Experiment(session, width, sorted(set(depths)), epochs)
    return session.experiment.report()


def status(session: Session) -> dict:
    """The current or last experiment's report."""
    if session.experiment is None:
        raise NotFound("experiment.none")
    return session.experiment.report()


def cancel(session: Session) -> dict:
    """Ask a running experiment to stop after the current epoch."""
    current = session.experiment
    if current is not None:
        current.cancelled.set()
        current.share.wake()  # if it waits for its turn, it stops waiting
        current.thread.join(timeout=5)
    return status(session)

