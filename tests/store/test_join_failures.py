"""The join throttle's shared count (app/store/join_failures.py), on SQLite and PostgreSQL: what every web node of a
cluster reads, so that a school's wrong codes count once whichever node they reach."""

from sqlalchemy import func, select

from app.store import database
from app.store.join_failures import JoinFailureStore
from app.store.tables import join_failures


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_codes_count_per_address_within_the_window_and_old_ones_go(database_url, engines):
    engine = engines(database_url)
    database.upgrade(engine)
    clock = Clock()
    node_a, node_b = JoinFailureStore(engine, clock), JoinFailureStore(engines(database_url), clock)
    for _ in range(3):
        node_a.add("10.0.0.1", 60)
    node_b.add("10.0.0.1", 60)
    node_b.add("10.0.0.2", 60)
    assert node_a.count_since("10.0.0.1", 60) == node_b.count_since("10.0.0.1", 60) == 4
    assert node_a.count_since("10.0.0.2", 60) == 1
    clock.now += 61
    assert node_b.count_since("10.0.0.1", 60) == 0  # a minute later they count no more
    node_a.add("10.0.0.3", 60)  # and the next failure anywhere purges them
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(join_failures)).scalar_one() == 1
