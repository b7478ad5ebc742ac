"""A class's snapshots and gallery (docs/classroom.md "Snapshots and the gallery"), for the classroom
(app/web/classroom.py): a student's network captured at a moment, with a whole frame to show it large and its
export document to load it again."""

import logging

from app.core.errors import LimitReached, NotFound, SessionError, SessionNotFound
from app.core.host_api import Op
from app.schemas.session import SessionConfig
from app.store.classes import ClassRow
from app.store.snapshots import SnapshotStore
from app.web.sessions import SessionRecord

log = logging.getLogger("nnplay.classroom")
SNAPSHOT_RESOLUTION, SNAPSHOT_NEURON_RESOLUTION = 100, 24  # a snapshot's picture: shown large in the gallery


class Gallery:
    """Takes, lists, shows and loads the snapshots of every class."""

    def __init__(self, classroom):
        self.classroom = classroom
        self.store = SnapshotStore(classroom.sessions.store.engine, classroom.sessions.store.clock)

    async def take(self, row: ClassRow, student_id: str, by_teacher: bool = True) -> dict:
        """Capture a student's network now: its document (to load it again), metrics and a large picture."""
        student = await self.classroom.stored(self.classroom.store.student, student_id)
        if student is None or student.class_id != row.id or student.removed:
            raise NotFound("class.student_not_found", student_id=student_id)
        record = await self.classroom.sessions.bring_back(student.session_id)
        ops = self.classroom.sessions.ops(record)
        metrics = (await ops.describe())["metrics"]
        document = await ops.export()
        picture = await ops.picture(SNAPSHOT_RESOLUTION, SNAPSHOT_NEURON_RESOLUTION,
                                    self.classroom.settings.max_frame_values)
        return await self.classroom.stored(self.store.take, row.id, student.id, student.nickname, by_teacher, metrics,
                                        document, picture)

    async def submit(self, record: SessionRecord) -> dict:
        """A student submits their network to the class's gallery (the teacher chooses what is shown)."""
        row = self.classroom.cached(record.class_id) if record.class_id else None
        if row is None:
            raise NotFound("class.not_in_class")
        return await self.take(row, record.student_id, by_teacher=False)

    async def get(self, row: ClassRow, snapshot_id: str) -> dict:
        found = await self.classroom.stored(self.store.find, row.id, snapshot_id)
        if found is None:
            raise NotFound("class.snapshot_not_found", snapshot_id=snapshot_id)
        return found

    async def of_class(self, row: ClassRow) -> list[dict]:
        """The class's snapshots, oldest first (``chosen`` ones make the gallery)."""
        return await self.classroom.stored(self.store.of_class, row.id)

    async def choose(self, row: ClassRow, snapshot_id: str, chosen: bool) -> dict:
        """Show a snapshot in the gallery, or take it out; its listing."""
        await self.get(row, snapshot_id)
        await self.classroom.stored(self.store.choose, row.id, snapshot_id, chosen)
        found = await self.get(row, snapshot_id)
        return {key: value for key, value in found.items() if key not in ("document", "picture")}

    async def delete(self, row: ClassRow, snapshot_id: str) -> None:
        await self.get(row, snapshot_id)
        await self.classroom.stored(self.store.delete, row.id, snapshot_id)

    async def load(self, row: ClassRow, snapshot_id: str, student_ids: list[str] | None) -> list[str]:
        """Put a snapshot's network (its config and weights) into every student's playground, or the chosen ones';
        the students it reached."""
        document = (await self.get(row, snapshot_id))["document"]
        config = SessionConfig.model_validate(document["config"]).model_dump(mode="json")
        reached = []
        for student in await self.classroom.students_of(row, student_ids):
            try:
                record = await self.classroom.sessions.bring_back(student.session_id)
                await self.classroom.sessions.call(record, Op.update, config, as_teacher=True)
                await self.classroom.sessions.call(record, Op.load_model, document["model"], as_teacher=True)
            except (SessionNotFound, SessionError, LimitReached) as exc:
                log.warning("loading snapshot %s into student %s failed: %s", snapshot_id, student.id, exc)
                continue
            reached.append(student.id)
        return reached
