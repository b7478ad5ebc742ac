"""Stored classes and their students (app/web/classroom.py keeps them; the sessions table keeps their work)."""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import Engine, delete, func, insert, select, update

from app.store.tables import challenge_results, challenges, classes, sessions, snapshots, students


@dataclass(frozen=True)
class ClassRow:
    """A class as stored: who teaches it (the hash of the teacher's token), how students join, what is locked."""

    id: str
    name: str
    language: str
    start: dict  # {"preset": name} | {"lesson": id} | {"config": {...}}
    locked: list[str]  # the control groups students may not use
    max_students: int
    teacher_token_hash: str
    join_code: str | None
    code_state: str  # a JoinCodeState
    paused: bool
    created_at: float = 0.0
    used_at: float = 0.0

    def changed(self, **fields) -> "ClassRow":
        return replace(self, **fields)


@dataclass(frozen=True)
class StudentRow:
    """A student of a class: a nickname and their session (no account, no address)."""

    id: str
    class_id: str
    nickname: str
    session_id: str
    joined_at: float = 0.0
    removed: bool = False
    active_seconds: float = 0.0


def _class_of(row) -> ClassRow:
    return ClassRow(row.id, row.name, row.language, json.loads(row.start), json.loads(row.locked), row.max_students,
                    row.teacher_token_hash, row.join_code, row.code_state, bool(row.paused), row.created_at,
                    row.used_at)


def _student_of(row) -> StudentRow:
    return StudentRow(row.id, row.class_id, row.nickname, row.session_id, row.joined_at, bool(row.removed),
                      row.active_seconds)


class ClassStore:
    """The classes and students tables, through one SQLAlchemy engine. Blocking: call from a worker thread."""

    def __init__(self, engine: Engine, clock: Callable[[], float]):
        self.engine = engine
        self.clock = clock  # wall-clock seconds; injected by tests

    def create(self, row: ClassRow) -> ClassRow:
        """Store a new class; the row with its times."""
        now = self.clock()
        row = row.changed(created_at=now, used_at=now)
        with self.engine.begin() as connection:
            connection.execute(insert(classes).values(
                id=row.id, name=row.name, language=row.language, start=json.dumps(row.start),
                locked=json.dumps(row.locked), max_students=row.max_students, teacher_token_hash=row.teacher_token_hash,
                join_code=row.join_code, code_state=row.code_state, paused=int(row.paused), created_at=now,
                used_at=now))
        return row

    def find(self, class_id: str) -> ClassRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(classes).where(classes.c.id == class_id)).first()
        return None if row is None else _class_of(row)

    def all(self) -> list[ClassRow]:
        with self.engine.connect() as connection:
            return [_class_of(row) for row in connection.execute(select(classes))]

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(classes)).scalar_one()

    def by_code(self, code: str) -> ClassRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(classes).where(classes.c.join_code == code)).first()
        return None if row is None else _class_of(row)

    def code_taken(self, code: str) -> bool:
        with self.engine.connect() as connection:
            return connection.execute(select(classes.c.id).where(classes.c.join_code == code)).first() is not None

    def save(self, row: ClassRow) -> None:
        """Store the class's changed fields (code, pause, locks, start)."""
        with self.engine.begin() as connection:
            connection.execute(update(classes).where(classes.c.id == row.id).values(
                name=row.name, language=row.language, start=json.dumps(row.start), locked=json.dumps(row.locked),
                max_students=row.max_students, join_code=row.join_code, code_state=row.code_state,
                paused=int(row.paused), teacher_token_hash=row.teacher_token_hash, used_at=self.clock()))

    def delete(self, class_id: str) -> list[str]:
        """Remove a class, its students and their sessions' data, in one transaction; the session ids."""
        with self.engine.begin() as connection:
            ids = connection.execute(select(sessions.c.id).where(sessions.c.class_id == class_id)).scalars().all()
            ids = sorted(set(ids) | set(connection.execute(
                select(students.c.session_id).where(students.c.class_id == class_id)).scalars().all()))
            connection.execute(delete(sessions).where(sessions.c.class_id == class_id))
            connection.execute(delete(students).where(students.c.class_id == class_id))
            _delete_challenges(connection, [class_id])
            connection.execute(delete(classes).where(classes.c.id == class_id))
        return ids

    def add_student(self, row: StudentRow, most: int) -> StudentRow | None:
        """Store a new student (the class is used now), if the class has fewer than ``most``; None if it is full.
        The class's row is locked for the count and the insert (PostgreSQL: several web nodes let students in
        at once; SQLite writes one transaction at a time anyway)."""
        with self.engine.begin() as connection:
            connection.execute(select(classes.c.id).where(classes.c.id == row.class_id).with_for_update())
            count = connection.execute(select(func.count()).select_from(students).where(
                students.c.class_id == row.class_id, students.c.removed == 0)).scalar_one()
            if count >= most:
                return None
            row = replace(row, joined_at=self.clock())
            connection.execute(insert(students).values(id=row.id, class_id=row.class_id, nickname=row.nickname,
                                                       session_id=row.session_id, joined_at=row.joined_at, removed=0))
            connection.execute(update(classes).where(classes.c.id == row.class_id).values(used_at=row.joined_at))
        return row

    def purge_unused_since(self, cutoff: float) -> list[str]:
        """Remove the classes unchanged since before ``cutoff`` none of whose students' work is stored any more
        (it expired first); their ids."""
        with self.engine.begin() as connection:
            stale = connection.execute(select(classes.c.id).where(
                classes.c.used_at < cutoff,
                ~select(sessions.c.id).where(sessions.c.class_id == classes.c.id).exists())).scalars().all()
            if stale:
                connection.execute(delete(students).where(students.c.class_id.in_(stale)))
                _delete_challenges(connection, stale)
                connection.execute(delete(classes).where(classes.c.id.in_(stale)))
        return list(stale)

    def students(self, class_id: str, with_removed: bool = False) -> list[StudentRow]:
        """The class's students in the order they joined."""
        query = select(students).where(students.c.class_id == class_id).order_by(students.c.joined_at, students.c.id)
        if not with_removed:
            query = query.where(students.c.removed == 0)
        with self.engine.connect() as connection:
            return [_student_of(row) for row in connection.execute(query)]

    def roster(self, class_id: str) -> list[dict]:
        """The class's students (in the order they joined) with their sessions' stored epochs, in one query."""
        query = (select(students.c.id, students.c.nickname, students.c.session_id, sessions.c.epoch)
                 .select_from(students.outerjoin(sessions, sessions.c.id == students.c.session_id))
                 .where(students.c.class_id == class_id, students.c.removed == 0)
                 .order_by(students.c.joined_at, students.c.id))
        with self.engine.connect() as connection:
            return [{"id": row.id, "nickname": row.nickname, "session_id": row.session_id, "epoch": row.epoch or 0}
                    for row in connection.execute(query)]

    def student(self, student_id: str) -> StudentRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(students).where(students.c.id == student_id)).first()
        return None if row is None else _student_of(row)

    def add_active_time(self, student_id: str, seconds: float) -> None:
        """The student's page had their network's stream open ``seconds`` more."""
        with self.engine.begin() as connection:
            connection.execute(update(students).where(students.c.id == student_id).values(
                active_seconds=students.c.active_seconds + seconds))

    def remove_student(self, student_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(students).where(students.c.id == student_id).values(removed=1))


def _delete_challenges(connection, class_ids: list[str]) -> None:
    """The classes' challenges with their results, and their snapshots (in the caller's transaction)."""
    connection.execute(delete(snapshots).where(snapshots.c.class_id.in_(class_ids)))
    ids = select(challenges.c.id).where(challenges.c.class_id.in_(class_ids))
    connection.execute(delete(challenge_results).where(challenge_results.c.challenge_id.in_(ids)))
    connection.execute(delete(challenges).where(challenges.c.class_id.in_(class_ids)))
