"""Stored snapshots of students' networks: a class's gallery."""

import json
import secrets
from collections.abc import Callable

from sqlalchemy import Engine, delete, insert, select, update

from app.store.tables import snapshots

LISTED = (snapshots.c.id, snapshots.c.student_id, snapshots.c.nickname, snapshots.c.by_teacher, snapshots.c.chosen,
          snapshots.c.epoch, snapshots.c.metrics, snapshots.c.taken_at)


def _listed(row) -> dict:
    return {"id": row.id, "student_id": row.student_id, "nickname": row.nickname, "by_teacher": bool(row.by_teacher),
            "chosen": bool(row.chosen), "epoch": row.epoch, "metrics": json.loads(row.metrics),
            "taken_at": row.taken_at}


class SnapshotStore:
    """The snapshots table. Blocking: call from a worker thread."""

    def __init__(self, engine: Engine, clock: Callable[[], float]):
        self.engine = engine
        self.clock = clock

    def take(self, class_id: str, student_id: str, nickname: str, by_teacher: bool, metrics: dict, document: dict,
             picture: bytes) -> dict:
        """Store a snapshot (chosen for the gallery when the teacher takes it); its listing."""
        row = {"id": secrets.token_urlsafe(9), "class_id": class_id, "student_id": student_id, "nickname": nickname,
               "by_teacher": int(by_teacher), "chosen": int(by_teacher), "epoch": int(metrics.get("epoch") or 0),
               "metrics": json.dumps(metrics), "document": json.dumps(document), "picture": picture,
               "taken_at": self.clock()}
        with self.engine.begin() as connection:
            connection.execute(insert(snapshots).values(**row))
        return {**row, "by_teacher": by_teacher, "chosen": by_teacher, "metrics": metrics, "document": None,
                "picture": None}

    def of_class(self, class_id: str) -> list[dict]:
        """The class's snapshots, oldest first, without their documents and pictures."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(*LISTED).where(snapshots.c.class_id == class_id)
                                      .order_by(snapshots.c.taken_at, snapshots.c.id)).all()
        return [_listed(row) for row in rows]

    def find(self, class_id: str, snapshot_id: str) -> dict | None:
        """One snapshot with its document and picture, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(snapshots).where(snapshots.c.class_id == class_id,
                                                             snapshots.c.id == snapshot_id)).first()
        if row is None:
            return None
        return {**_listed(row), "document": json.loads(row.document), "picture": bytes(row.picture)}

    def choose(self, class_id: str, snapshot_id: str, chosen: bool) -> bool:
        with self.engine.begin() as connection:
            return connection.execute(update(snapshots).where(
                snapshots.c.class_id == class_id, snapshots.c.id == snapshot_id).values(chosen=int(chosen))
            ).rowcount == 1

    def delete(self, class_id: str, snapshot_id: str) -> bool:
        with self.engine.begin() as connection:
            return connection.execute(delete(snapshots).where(
                snapshots.c.class_id == class_id, snapshots.c.id == snapshot_id)).rowcount == 1
