"""Wrong join codes per address in the store, so that every web node of a cluster counts the same ones."""

from collections.abc import Callable

from sqlalchemy import Engine, delete, func, insert, select

from app.store.tables import join_failures


class JoinFailureStore:
    """The join_failures table. Blocking: call from a worker thread."""

    def __init__(self, engine: Engine, clock: Callable[[], float]):
        self.engine = engine
        self.clock = clock  # wall-clock seconds, as every node of the cluster reads them

    def count_since(self, address: str, seconds: float) -> int:
        """Wrong codes ``address`` tried in the last ``seconds``."""
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(join_failures).where(
                join_failures.c.address == address, join_failures.c.at >= self.clock() - seconds)).scalar_one()

    def add(self, address: str, keep_seconds: float) -> None:
        """``address`` tried a wrong code now; rows older than ``keep_seconds`` go (they count no more)."""
        now = self.clock()
        with self.engine.begin() as connection:
            connection.execute(insert(join_failures).values(address=address, at=now))
            connection.execute(delete(join_failures).where(join_failures.c.at < now - keep_seconds))
