"""A class's challenge and its leaderboards (docs/classroom.md "Challenges"), for the classroom
(app/web/classroom.py). ``ChallengeBoard`` owns each class's current challenge and, while the teacher reveals it,
its leaderboards as the students see them; the checking itself is the engine's, in the session's host
(app/host/challenge.py)."""

import logging
import secrets

from app.core.errors import LimitReached, NotFound, SessionError, SessionNotFound
from app.schemas.classes import ChallengeSpec
from app.schemas.session import MAX_SEED
from app.store.challenges import ChallengeStore
from app.store.classes import ClassRow
from app.web.sessions import SessionRecord

log = logging.getLogger("nnplay.classroom")
LEADERBOARD_SHOWN = 10  # how many of the leaderboard students see


class ChallengeBoard:
    """Every class's current challenge and revealed leaderboard; results are stored as they come."""

    def __init__(self, classroom):
        self.classroom = classroom
        self.store = ChallengeStore(classroom.sessions.store.engine, classroom.sessions.store.clock)
        self._challenges: dict[str, dict] = {}  # class id -> its current challenge
        self._boards: dict[str, dict] = {}  # class id -> its leaderboards, while revealed to students

    async def load(self, row: ClassRow) -> None:
        """Read the class's current challenge (and its leaderboard, if revealed) into memory."""
        challenge = await self.classroom.stored(self.store.current, row.id)
        if challenge is None:
            self.forget(row.id)
            return
        self._challenges[row.id] = challenge
        if challenge["revealed"]:
            self._boards[row.id] = await self._leaderboards(row)
        else:  # hidden again (through another web node of a cluster)
            self._boards.pop(row.id, None)

    def forget(self, class_id: str) -> None:
        self._challenges.pop(class_id, None)
        self._boards.pop(class_id, None)

    def public(self, class_id: str) -> dict | None:
        """What students are told of the class's challenge: all but the test set's seed, and the top of the
        leaderboard while it is revealed."""
        challenge = self._challenges.get(class_id)
        if challenge is None:
            return None
        public = {key: value for key, value in challenge["spec"].items() if key != "seed"}  # the seed is secret
        board = self._boards.get(class_id)
        top = None if board is None else [
            {"nickname": e["nickname"], "test_loss": e["test_loss"], "passed": e["passed"]}
            for e in board["best_loss"][:LEADERBOARD_SHOWN]]
        return {**public, "revealed": challenge["revealed"], "leaderboard": top}

    async def _refresh_and_tell(self, row: ClassRow) -> None:
        if row.id in self._challenges and self._challenges[row.id]["revealed"]:
            self._boards[row.id] = await self._leaderboards(row)
        else:
            self._boards.pop(row.id, None)
        await self.classroom.tell_students(row)

    async def set(self, row: ClassRow, spec: ChallengeSpec) -> dict:
        """Give the class a new challenge (its test set's seed secret unless given); students are told its goal."""
        if spec.n_points > self.classroom.settings.max_points:
            raise SessionError("limit.points", most=self.classroom.settings.max_points, count=spec.n_points)
        stored = spec.model_dump(mode="json")
        if stored["seed"] is None:
            stored["seed"] = secrets.randbelow(MAX_SEED + 1)
        challenge = await self.classroom.stored(self.store.create, row.id, stored)
        self._challenges[row.id] = challenge
        await self._refresh_and_tell(row)
        return await self.view(row)

    async def _current_challenge(self, class_id: str) -> dict:
        challenge = self._challenges.get(class_id)
        if challenge is None:
            raise NotFound("class.no_challenge")
        return challenge

    async def view(self, row: ClassRow) -> dict:
        """The challenge with its three leaderboards."""
        challenge = await self._current_challenge(row.id)
        return {"spec": challenge["spec"], "revealed": challenge["revealed"], **await self._leaderboards(row)}

    async def _leaderboards(self, row: ClassRow) -> dict:
        challenge = self._challenges[row.id]
        results = await self.classroom.stored(self.store.results, challenge["id"])
        names = {s.id: s.nickname for s in await self.classroom.stored(self.classroom.store.students, row.id)}
        entries = [{**r, "nickname": names[r["student_id"]]} for r in results if r["student_id"] in names]
        passed = [e for e in entries if e["passed"]]
        return {"first": sorted(passed, key=lambda e: e["first_passed_at"]),
                "best_loss": sorted([e for e in entries if e["test_loss"] is not None], key=lambda e: e["test_loss"]),
                "fewest_params": sorted(passed, key=lambda e: (e["n_params"], e["test_loss"] or 0.0))}

    async def results_by_student(self, row: ClassRow) -> dict[str, dict]:
        """The current challenge's stored results by student id (none without a challenge)."""
        challenge = self._challenges.get(row.id)
        if challenge is None:
            return {}
        return {r["student_id"]: r for r in await self.classroom.stored(self.store.results, challenge["id"])}

    async def reveal(self, row: ClassRow, revealed: bool) -> dict:
        """Show the leaderboard to the students, or hide it again."""
        challenge = await self._current_challenge(row.id)
        await self.classroom.stored(self.store.reveal, challenge["id"], revealed)
        self._challenges[row.id] = {**challenge, "revealed": revealed}
        await self._refresh_and_tell(row)
        return await self.view(row)

    async def submit(self, record: SessionRecord) -> dict:
        """A student's network checked against their class's challenge now; their best result is kept."""
        if record.class_id is None:
            raise NotFound("class.no_challenge")
        challenge = await self._current_challenge(record.class_id)
        result = await self.classroom.sessions.ops(record).challenge_check(challenge["spec"])
        best = await self.classroom.stored(self.store.record, challenge["id"], record.student_id, result)
        if challenge["revealed"]:
            await self._refresh_and_tell(self.classroom.cached(record.class_id))
        return {**result, "best": best}

    async def check_all(self, row: ClassRow) -> dict:
        """Check every student whose network is in memory now (the teacher's "check everyone")."""
        students = await self.classroom.stored(self.classroom.store.students, row.id)
        await self.classroom.sessions.live([student.session_id for student in students])  # (any web node's)
        for student in students:
            record = self.classroom.sessions.records.get(student.session_id)
            if record is not None:
                try:
                    await self.submit(record)
                except (SessionNotFound, LimitReached) as exc:
                    log.warning("checking student %s failed: %s", student.id, exc)
        return await self.view(row)
