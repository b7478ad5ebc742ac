"""A class's last place goes to one student even when several web nodes of a cluster let students in at once
(app/store/classes.py ``add_student``: the count and the insert hold the class's row lock), on a real PostgreSQL.
(SQLite serves one web process, whose own lock orders its joins: tests/app/test_classes.py.)"""

import threading
import time

import pytest
from sqlalchemy import insert, select, text

from app.core.config import Settings
from app.store import database
from app.store.classes import ClassRow, ClassStore, StudentRow
from app.store.tables import classes, students
from tests.conftest import wait_for
from tests.postgres_cluster import fresh_database


@pytest.fixture
def store(postgres_cluster):
    engine = database.connect(Settings(database_url=fresh_database(postgres_cluster, "class_places"), workers=0))
    database.upgrade(engine)
    yield ClassStore(engine, time.time)
    engine.dispose()


def test_a_join_counts_the_places_under_the_class_s_lock(store):
    row = store.create(ClassRow("c" * 12, "3班", "zh", {}, [], 1, "hash", "ABCDEF", "open", False))
    answer: list = []
    with store.engine.begin() as other_node:  # another web node's join, between its count and its insert
        other_node.execute(select(classes.c.id).where(classes.c.id == row.id).with_for_update())
        joining = threading.Thread(target=lambda: answer.append(
            store.add_student(StudentRow("s" * 12, row.id, "Bo", "x" * 12), most=1)))
        joining.start()
        with store.engine.connect() as observer:  # until it waits for the lock, or has run past it (a failure)
            wait_for(lambda: not joining.is_alive() or observer.execute(text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar_one(), "the join waiting for the lock")
        assert joining.is_alive() and not answer, "add_student counted without waiting for the class's lock"
        other_node.execute(insert(students).values(id="t" * 12, class_id=row.id, nickname="Ann",
                                                   session_id="y" * 12, joined_at=1.0, removed=0))
    joining.join(30)
    assert answer == [None]  # it counted after the other node's student was in: the class was full
    assert [student.nickname for student in store.students(row.id)] == ["Ann"]
    assert store.add_student(StudentRow("u" * 12, row.id, "Cy", "z" * 12), most=2).nickname == "Cy"
