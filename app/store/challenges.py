"""Stored challenges of classes and their students' best results."""

import json
import secrets
from collections.abc import Callable

from sqlalchemy import Engine, insert, select, update

from app.store.tables import challenge_results, challenges


class ChallengeStore:
    """The challenges and challenge_results tables. Blocking: call from a worker thread."""

    def __init__(self, engine: Engine, clock: Callable[[], float]):
        self.engine = engine
        self.clock = clock  # wall-clock seconds; injected by tests

    def create(self, class_id: str, spec: dict) -> dict:
        """A new challenge for the class (it becomes the class's current one); it, with its id."""
        challenge = {"id": secrets.token_urlsafe(9), "class_id": class_id, "spec": spec, "revealed": False,
                     "created_at": self.clock()}
        with self.engine.begin() as connection:
            connection.execute(insert(challenges).values(
                id=challenge["id"], class_id=class_id, spec=json.dumps(spec), revealed=0,
                created_at=challenge["created_at"]))
        return challenge

    def current(self, class_id: str) -> dict | None:
        """The class's newest challenge, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(challenges).where(challenges.c.class_id == class_id)
                                     .order_by(challenges.c.created_at.desc(), challenges.c.id).limit(1)).first()
        return None if row is None else {"id": row.id, "class_id": row.class_id, "spec": json.loads(row.spec),
                                         "revealed": bool(row.revealed), "created_at": row.created_at}

    def reveal(self, challenge_id: str, revealed: bool) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(challenges).where(challenges.c.id == challenge_id).values(revealed=int(revealed)))

    def record(self, challenge_id: str, student_id: str, result: dict) -> dict:
        """Keep a student's result: the best test loss and accuracy so far of networks that keep the rules
        (``eligible``), and when the goal was first met; the stored result."""
        now = self.clock()
        with self.engine.begin() as connection:
            old = connection.execute(select(challenge_results).where(
                challenge_results.c.challenge_id == challenge_id,
                challenge_results.c.student_id == student_id)).first()
            counts = result.get("eligible", True)  # a network that breaks the rules does not count
            best_loss = _best(min, old.test_loss if old else None, result["test_loss"] if counts else None)
            best_accuracy = _best(max, old.test_accuracy if old else None, result["test_accuracy"] if counts else None)
            passed = bool(result["passed"]) or bool(old and old.passed)
            first = old.first_passed_at if old and old.first_passed_at is not None else (now if passed else None)
            if result["passed"] and (old is None or not old.passed or result["n_params"] < old.n_params):
                params = result["n_params"]  # the fewest parameters of a network that met the goal
            else:
                params = old.n_params if old is not None else result["n_params"]
            values = {"test_loss": best_loss, "test_accuracy": best_accuracy, "n_params": params,
                      "passed": int(passed), "first_passed_at": first, "checked_at": now}
            if old is None:
                connection.execute(insert(challenge_results).values(challenge_id=challenge_id, student_id=student_id,
                                                                    **values))
            else:
                connection.execute(update(challenge_results).where(
                    challenge_results.c.challenge_id == challenge_id,
                    challenge_results.c.student_id == student_id).values(**values))
        return {"student_id": student_id, **values, "passed": passed}

    def results(self, challenge_id: str) -> list[dict]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(challenge_results).where(
                challenge_results.c.challenge_id == challenge_id)).all()
        return [{"student_id": row.student_id, "test_loss": row.test_loss, "test_accuracy": row.test_accuracy,
                 "n_params": row.n_params, "passed": bool(row.passed), "first_passed_at": row.first_passed_at,
                 "checked_at": row.checked_at} for row in rows]


def _best(pick, old, new):
    values = [value for value in (old, new) if value is not None]
    return pick(values) if values else None
