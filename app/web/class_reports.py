"""After class: a CSV of the students and a ZIP of their networks (docs/classroom.md "After class")."""

import csv
import io
import json
import logging
import zipfile
from datetime import UTC, datetime

from app.core.errors import LimitReached, SessionNotFound
from app.store import history
from app.store.classes import ClassRow

log = logging.getLogger("nnplay.classroom")


async def report_csv(classroom, row: ClassRow) -> str:
    """A CSV of the students: nickname, when they joined, how long their page was open, status, epoch, their latest
    and best losses and accuracies (from their networks' stored history, and the live metrics of those in memory),
    and their results in the class's current challenge."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["nickname", "student_id", "joined_at_utc", "active_minutes", "status", "epoch", "train_loss",
                     "test_loss", "best_test_loss", "train_accuracy", "test_accuracy", "best_test_accuracy",
                     "challenge_passed", "challenge_first_passed_utc", "challenge_best_test_loss",
                     "challenge_fewest_params"])
    results = await classroom.challenges.results_by_student(row)
    for student in await classroom.stored(classroom.store.students, row.id):
        described = await classroom.student_status(student)
        stored = await classroom.stored(classroom.sessions.store.load, student.session_id)
        past = history.decoded(stored.history) if stored is not None else {k: [] for k in history.HISTORY_KEYS}
        latest = described["metrics"] or {key: (past[key][-1] if past[key] else None) for key in past}
        test_losses = [v for v in [*past["test_loss"], latest.get("test_loss")] if v is not None]
        test_accuracies = [v for v in [*past["test_accuracy"], latest.get("test_accuracy")] if v is not None]
        joined = datetime.fromtimestamp(student.joined_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        result = results.get(student.id)
        won = result and result["first_passed_at"]
        writer.writerow([student.nickname, student.id, joined, f"{student.active_seconds / 60:.1f}",
                         described["status"], described["epoch"],
                         _number(latest.get("train_loss")), _number(latest.get("test_loss")),
                         _number(min(test_losses, default=None)), _number(latest.get("train_accuracy")),
                         _number(latest.get("test_accuracy")), _number(max(test_accuracies, default=None)),
                         "" if result is None else ("yes" if result["passed"] else "no"),
                         datetime.fromtimestamp(won, UTC).strftime("%Y-%m-%d %H:%M:%S") if won else "",
                         "" if result is None else _number(result["test_loss"]),
                         "" if result is None or not result["passed"] else result["n_params"]])
    return out.getvalue()

async def models_zip(classroom, row: ClassRow) -> bytes:
    """Every student's network as the export document (GET /api/sessions/{id}/model), in one ZIP archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, student in enumerate(await classroom.stored(classroom.store.students, row.id), 1):
            try:
                record = await classroom.sessions.bring_back(student.session_id)
                document = await classroom.sessions.ops(record).export()
            except (SessionNotFound, LimitReached) as exc:
                log.warning("the network of student %s was left out of the archive: %s", student.id, exc)
                continue
            safe = "".join(ch if ch.isalnum() else "_" for ch in student.nickname)[:24]
            archive.writestr(f"{number:03d}-{safe}-{student.id}.json", json.dumps(document))
    return out.getvalue()


def _number(value) -> str:
    """A metric for the CSV: empty when there is none, else up to 6 significant digits."""
    return "" if value is None else f"{value:.6g}"
