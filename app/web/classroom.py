"""The classroom: a teacher creates a class, students join it with a short code, and the teacher sees and steers
everyone's network (docs/classroom.md).

``Classroom`` is the one object that changes classes and their students. It keeps each class's row in memory
(read from the store once) so that checking a lock on every student call costs a dictionary lookup, and it
writes every change to the store (app/store/classes.py) before it answers, so a restart loses nothing.

Who is who: a class's teacher holds its *teacher token* (only its SHA-256 is stored); a student holds their
session's token, and is their sessions' principal (every cap and fair share is theirs, never their network
address: a school is one address). Students' sessions are ordinary sessions: every session endpoint and the
stream work with them, and the class's pause and locks are applied where sessions are called
(``SessionManager.policy``: ``check`` refuses what a lock forbids, ``info`` tells a student's stream about it).
"""

import asyncio
import logging
import secrets
import time
from collections.abc import Callable

from app.core import config_limits
from app.core.config import Settings
from app.core.controls import groups_of
from app.core.errors import (
    Forbidden,
    HostUnavailable,
    LimitReached,
    Locked,
    NotAuthenticated,
    NotFound,
    SessionError,
    SessionNotFound,
)
from app.core.host_api import Op
from app.schemas.classes import ClassCreate, ClassStart, PushRequest
from app.schemas.session import SessionConfig
from app.schemas.status import ControlGroup, JoinCodeState, SessionStatus, StudentStatus
from app.store.classes import ClassRow, ClassStore, StudentRow
from app.store.join_failures import JoinFailureStore
from app.store.sessions import token_hash
from app.web import join_codes, lesson_catalog, nicknames
from app.web.class_challenges import ChallengeBoard
from app.web.class_gallery import Gallery
from app.web.presets import PRESETS
from app.web.sessions import SessionManager, SessionRecord

log = logging.getLogger("nnplay.classroom")
ID_BYTES = 9
CLASS_OWNER = "class:"  # a student's session is owned by its class (the stored sessions' owner column)
CLASS_SYNC_SECONDS = 1.0
"""On a cluster: how soon a change made through another web node (a pause, locks, a challenge) reaches this one."""


def teacher_cookie(class_id: str) -> str:
    """The name of the cookie that holds a class's teacher token in the teacher's browser."""
    return f"nnplay_teacher_{class_id}"


class Classroom:
    """Creates classes, lets students in, and carries out what their teacher asks."""

    def __init__(self, settings: Settings, sessions: SessionManager, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.sessions = sessions
        self.store = ClassStore(sessions.store.engine, sessions.store.clock)
        self.wrong_codes = join_codes.WrongCodes(settings.join_failures_per_minute, clock)
        # On a cluster a school's typos reach every web node: they are counted in the store, where all see them.
        self.shared_wrong_codes = JoinFailureStore(self.store.engine, self.store.clock) if sessions.on_cluster else None
        self._classes: dict[str, ClassRow] = {}  # read from the store once; changed here only
        self.challenges = ChallengeBoard(self)
        self.gallery = Gallery(self)
        self._lock = asyncio.Lock()  # one change of classes at a time (joins count places, codes must be unique)
        self._syncing: asyncio.Task | None = None
        sessions.policy = self

    async def stored(self, action, *args):
        """A blocking store call, off the event loop (503 store.unavailable if the database fails)."""
        return await self.sessions.stored(action, *args)

    # ----- the class ------------------------------------------------------------------------------
    async def create(self, spec: ClassCreate) -> dict:
        """A new class; its id, join code, teacher token and links."""
        key = self.settings.teacher_key
        if key and not secrets.compare_digest((spec.teacher_key or "").encode(), key.encode()):
            raise Forbidden("class.teacher_key")
        if spec.max_students > self.settings.max_students_per_class:
            raise SessionError("limit.class_size", most=self.settings.max_students_per_class)
        config_limits.checked(self._start_config(spec.start), self.settings)  # refused now, not at the first join
        token = secrets.token_urlsafe(24)
        async with self._lock:
            count = await self.stored(self.store.count)
            if count >= self.settings.max_classes:
                raise LimitReached("limit.classes", most=self.settings.max_classes)
            row = ClassRow(secrets.token_urlsafe(ID_BYTES), spec.name, spec.language,
                           spec.start.model_dump(exclude_none=True, mode="json"), [str(g) for g in spec.locked],
                           spec.max_students, token_hash(token), await self._free_code(), JoinCodeState.open,
                           paused=False)
            row = await self.stored(self.store.create, row)
            self._classes[row.id] = row
        return {"id": row.id, "name": row.name, "join_code": join_codes.shown(row.join_code), "teacher_token": token,
                "join_url": f"/join?code={row.join_code}", "dashboard_url": f"/classes/{row.id}/enter#{token}"}

    async def _free_code(self) -> str:
        while True:
            code = join_codes.new_code()
            if not await self.stored(self.store.code_taken, code):
                return code

    async def teacher(self, class_id: str, token: str | None) -> ClassRow:
        """The class, if ``token`` is its teacher's: 404 without such a class, 401 without a token, 403 with
        another (a student's included)."""
        row = await self._class(class_id)
        if not token:
            raise NotAuthenticated()
        if not secrets.compare_digest(token_hash(token).encode(), row.teacher_token_hash.encode()):
            stored = await self.stored(self.store.find, class_id)  # replaced meanwhile (`nnplay class-link`)?
            if stored is None or not secrets.compare_digest(token_hash(token).encode(),
                                                            stored.teacher_token_hash.encode()):
                raise Forbidden("class.teacher_only")
            row = self._classes[class_id] = row.changed(teacher_token_hash=stored.teacher_token_hash)
        return row

    def cached(self, class_id: str | None) -> ClassRow | None:
        """The class as it is now, if it exists (every class is in memory from the start)."""
        return self._classes.get(class_id) if class_id else None

    async def _class(self, class_id: str) -> ClassRow:
        row = self._classes.get(class_id)
        if row is None:
            row = await self.stored(self.store.find, class_id)
            if row is None:
                raise NotFound("class.not_found", class_id=class_id)
            self._classes[class_id] = row
        return row

    async def _change(self, row: ClassRow, **fields) -> ClassRow:
        changed = row.changed(**fields, used_at=self.store.clock())  # (the store writes its own clock's, later)
        await self.stored(self.store.save, changed)
        self._classes[row.id] = changed
        return changed

    def summary(self, row: ClassRow) -> dict:
        """The class without its students: name, code, pause, locks, size, start."""
        return {"id": row.id, "name": row.name, "language": row.language,
                "join_code": join_codes.shown(row.join_code) if row.join_code else None,
                "code_state": row.code_state, "paused": row.paused, "locked": row.locked,
                "max_students": row.max_students, "start": row.start}

    async def roster(self, row: ClassRow) -> list[dict]:
        """The class's students with their stored epochs (the dashboard stream adds how each one stands)."""
        return await self.stored(self.store.roster, row.id)

    async def describe(self, row: ClassRow) -> dict:
        """The class with its students and each one's latest metrics."""
        students = await self.stored(self.store.students, row.id)
        await self.sessions.live([student.session_id for student in students])  # (on a cluster: any web node's)
        described = await asyncio.gather(*(self.student_status(student) for student in students))
        counts = {status: 0 for status in StudentStatus}
        for student in described:
            counts[student["status"]] += 1
        return {**self.summary(row), "students": described, "counts": counts}

    async def student_status(self, student: StudentRow) -> dict:
        entry = {"id": student.id, "nickname": student.nickname, "session_id": student.session_id}
        record = self.sessions.records.get(student.session_id)
        if record is None:
            stored = await self.stored(self.sessions.store.find, student.session_id)
            return {**entry, "status": StudentStatus.offline, "metrics": None, "epoch": stored.epoch if stored else 0}
        try:
            metrics = (await self.sessions.ops(record).describe())["metrics"]
        except SessionNotFound:
            return {**entry, "status": StudentStatus.offline, "metrics": None, "epoch": 0}
        status = {SessionStatus.playing: StudentStatus.playing, SessionStatus.diverged: StudentStatus.diverged}.get(
            metrics["status"], StudentStatus.paused)
        return {**entry, "status": status, "metrics": metrics, "epoch": metrics["epoch"]}

    async def delete(self, row: ClassRow) -> None:
        """The class, its students and all their work, gone."""
        session_ids = await self.stored(self.store.delete, row.id)
        self._classes.pop(row.id, None)
        self.challenges.forget(row.id)
        for session_id in session_ids:
            self.sessions.forget_deleted(session_id)

    # ----- joining --------------------------------------------------------------------------------
    async def join(self, code: str, name: str, address: str, rejoin=None) -> dict:
        """Let a student in with the class's code (or back in, from the same browser); their session."""
        if await self._join_blocked(address):
            raise LimitReached("limit.join_attempts")
        typed = join_codes.normalized(code)
        row = await self.stored(self.store.by_code, typed) if typed else None
        if row is None:
            if self.shared_wrong_codes is None:
                self.wrong_codes.failed(address)
            else:
                await self.stored(self.shared_wrong_codes.add, address, join_codes.THROTTLE_SECONDS)
            raise NotFound("class.code_wrong", typed=code[:32])
        row = self._classes.get(row.id, row)
        if rejoin is not None:
            return await self._rejoin(row, rejoin)
        if row.code_state != JoinCodeState.open:
            raise Forbidden("class.code_closed")
        try:
            wanted = nicknames.cleaned(name) or nicknames.made_up(row.language)
        except nicknames.NameRefused:
            raise SessionError("class.name_refused") from None
        async with self._lock:
            students = await self.stored(self.store.students, row.id)
            if len(students) >= row.max_students:
                raise LimitReached("class.full", most=row.max_students)
            nickname = nicknames.unique(wanted, {s.nickname for s in students})
            student_id = secrets.token_urlsafe(ID_BYTES)
            config = self._start_config(ClassStart.model_validate(row.start))
            created = await self.sessions.create(config, CLASS_OWNER + row.id, student=(row.id, student_id))
            try:  # (counted again with the insert: other web nodes of a cluster let students in too)
                added = await self.stored(self.store.add_student, StudentRow(student_id, row.id, nickname,
                                                                             created["id"]), row.max_students)
            except BaseException:
                self.sessions.delete(created["id"])
                raise
            if added is None:
                await self.sessions.remove(created["id"])
                raise LimitReached("class.full", most=row.max_students)
        return {"class_id": row.id, "class_name": row.name, "student_id": student_id, "nickname": nickname,
                "session": created}

    async def _join_blocked(self, address: str) -> bool:
        """Whether ``address`` has tried too many wrong codes lately (on any web node of a cluster)."""
        if self.shared_wrong_codes is None:
            return self.wrong_codes.blocked(address)
        tried = await self.stored(self.shared_wrong_codes.count_since, address, join_codes.THROTTLE_SECONDS)
        return tried >= self.settings.join_failures_per_minute

    async def _rejoin(self, row: ClassRow, rejoin) -> dict:
        student = await self.stored(self.store.student, rejoin.student_id)
        if student is None or student.class_id != row.id or student.removed:
            raise NotFound("class.rejoin")
        record = await self.sessions.find(student.session_id, rejoin.token)  # 403 with another token
        described = await self.sessions.ops(record).describe()
        return {"class_id": row.id, "class_name": row.name, "student_id": student.id, "nickname": student.nickname,
                "session": {**described, "token": rejoin.token}}

    def _start_config(self, start: ClassStart) -> SessionConfig:
        """The config a start (or a push) gives: a preset's, a lesson's starting network, or the config itself."""
        if start.config is not None:
            return start.config
        if start.preset is not None:
            preset = next((p for p in PRESETS if p["name"] == start.preset), None)
            if preset is None:
                raise SessionError("config.unknown_preset", name=start.preset,
                                   known=", ".join(p["name"] for p in PRESETS))
            return SessionConfig.model_validate(preset["config"])
        if start.lesson is not None:
            lesson = lesson_catalog.DESCRIBED.get(start.lesson)
            if lesson is None:  # a bad value in the body: 422, as an unknown preset
                raise SessionError("config.unknown_lesson", name=start.lesson,
                                   known=", ".join(lesson_catalog.DESCRIBED))
            return lesson.config
        return SessionConfig()

    # ----- steering -------------------------------------------------------------------------------
    async def set_paused(self, row: ClassRow, paused: bool) -> ClassRow:
        """Pause (training stops, controls lock, students are told why) or resume the whole class."""
        row = await self._change(row, paused=paused)
        students = await self.stored(self.store.students, row.id)
        await self.sessions.live([student.session_id for student in students])  # (on a cluster: any web node's)
        for student in students:
            record = self.sessions.records.get(student.session_id)
            if record is None:
                continue
            if paused:
                try:
                    await self.sessions.ops(record).pause()
                except SessionNotFound:
                    continue
            self.sessions.notify(record.id, self.info(record))
        return row

    async def set_locked(self, row: ClassRow, locked: list[ControlGroup]) -> ClassRow:
        """Lock or unlock controls for every student (live: their pages are told)."""
        row = await self._change(row, locked=sorted({str(group) for group in locked}))
        for student in await self.stored(self.store.students, row.id):
            if student.session_id in self.sessions.records:
                self.sessions.notify(student.session_id, self.info(self.sessions.records[student.session_id]))
        return row

    async def push(self, row: ClassRow, request: PushRequest) -> list[str]:
        """Give the chosen students (default: all) a preset, a lesson's network or a config: their networks start
        again from it. The students it reached."""
        config = config_limits.checked(self._start_config(request), self.settings).model_dump(mode="json")
        reached = []
        for student in await self.students_of(row, request.students):
            try:
                record = await self.sessions.bring_back(student.session_id)
                await self.sessions.call(record, Op.update, config, as_teacher=True)
            except (SessionNotFound, SessionError) as exc:
                log.warning("push to student %s failed: %s", student.id, exc)
                continue
            reached.append(student.id)
        return reached

    async def code(self, row: ClassRow, action: str) -> ClassRow:
        """Pause, open, rotate (a new code, the old one stops working) or end the join code."""
        async with self._lock:
            if action == "pause":
                return await self._change(row, code_state=JoinCodeState.paused)
            if action == "open":
                if row.join_code is None:
                    return await self._change(row, code_state=JoinCodeState.open, join_code=await self._free_code())
                return await self._change(row, code_state=JoinCodeState.open)
            if action == "rotate":
                return await self._change(row, code_state=JoinCodeState.open, join_code=await self._free_code())
            return await self._change(row, code_state=JoinCodeState.ended, join_code=None)

    async def remove_student(self, row: ClassRow, student_id: str) -> None:
        """The student leaves the class; their session and its data are deleted."""
        student = await self.stored(self.store.student, student_id)
        if student is None or student.class_id != row.id:
            raise NotFound("class.student_not_found", student_id=student_id)
        await self.stored(self.store.remove_student, student_id)
        await self.sessions.remove(student.session_id)

    async def watched_by_teacher(self, session_id: str, token: str | None, cookies: dict) -> SessionRecord | None:
        """A student's session, brought back if need be, when ``token`` (or the teacher cookie among ``cookies``)
        is its class's teacher's: the teacher watches it read-only. None otherwise (nothing is restored)."""
        record = self.sessions.records.get(session_id)
        if record is not None:
            class_id = record.class_id
        else:
            row = await self.stored(self.sessions.store.find, session_id)
            class_id = row.class_id if row is not None else None
        taught = self._classes.get(class_id) if class_id else None
        candidate = token or cookies.get(teacher_cookie(class_id or ""))
        if taught is None or not candidate:
            return None
        if not secrets.compare_digest(token_hash(candidate).encode(), taught.teacher_token_hash.encode()):
            return None
        return await self.sessions.bring_back(session_id)

    async def students_of(self, row: ClassRow, student_ids: list[str] | None) -> list[StudentRow]:
        """The class's students, or those of ``student_ids`` (NotFound names one that is not in the class)."""
        students = await self.stored(self.store.students, row.id)
        if student_ids is None:
            return students
        unknown = set(student_ids) - {s.id for s in students}
        if unknown:
            raise NotFound("class.student_not_found", student_id=sorted(unknown)[0])
        return [s for s in students if s.id in set(student_ids)]

    async def tell_students(self, row: ClassRow) -> None:
        """Every live student's stream hears the class's state again (pause, locks, challenge, leaderboard)."""
        for student in await self.stored(self.store.students, row.id):
            record = self.sessions.records.get(student.session_id)
            if record is not None:
                self.sessions.notify(record.id, self.info(record))

    # ----- a lost link ----------------------------------------------------------------------------
    async def recover(self, class_id: str, teacher_key: str) -> dict:
        """A new teacher token for a class whose dashboard link was lost, for whoever holds the server's teacher key
        (the old token stops working); 403 if the server has none, or another."""
        key = self.settings.teacher_key
        if not key or not secrets.compare_digest(teacher_key.encode(), key.encode()):
            raise Forbidden("class.teacher_key")
        row = await self._class(class_id)
        return await self.new_teacher_token(row)

    async def new_teacher_token(self, row: ClassRow) -> dict:
        """Replace the class's teacher token; the new one and its dashboard link."""
        token = secrets.token_urlsafe(24)
        await self._change(row, teacher_token_hash=token_hash(token))
        return {"teacher_token": token, "dashboard_url": f"/classes/{row.id}/enter#{token}"}

    # ----- the policy the session manager applies (SessionManager.policy) ---------------------------
    def check(self, record: SessionRecord, op: Op, args: tuple) -> None:
        """Refuse a student's call that the class's pause or locks forbid (423)."""
        row = self._classes.get(record.class_id) if record.class_id else None
        if row is None:
            return
        groups = groups_of(op, args)
        if not groups:
            return
        if row.paused:
            raise Locked("class.paused")
        locked = groups & set(row.locked)
        if locked:
            raise Locked("class.locked", group=", ".join(sorted(locked)))

    def stream_ended(self, record: SessionRecord, seconds: float) -> None:
        """A student's own page closed its stream: their time active grows (written in the background)."""
        if record.student_id is not None and seconds > 0:
            task = asyncio.ensure_future(self.stored(self.store.add_active_time, record.student_id, seconds))
            task.add_done_callback(lambda done: done.cancelled() or done.exception())  # logged by stored()

    def info(self, record: SessionRecord) -> dict | None:
        """What a student's page must know of their class (its stream's hello, and a `class` message on every
        change): its name, whether it is paused, what is locked."""
        row = self._classes.get(record.class_id) if record.class_id else None
        if row is None:
            return None
        info = {"type": "class", "id": row.id, "name": row.name, "language": row.language, "paused": row.paused,
                "locked": row.locked, "challenge": self.challenges.public(row.id)}
        return info

    async def purge_expired(self) -> int:
        """Remove the classes unused for ``retention_days`` whose students' work has expired; how many."""
        cutoff = self.store.clock() - self.settings.retention_days * 86_400
        gone = await self.stored(self.store.purge_unused_since, cutoff)
        for class_id in gone:
            self._classes.pop(class_id, None)
            self.challenges.forget(class_id)
        return len(gone)

    async def start(self) -> None:
        """Read every class into memory (at most max_classes rows): their students' calls are checked there, from
        the first call after a restart. On a cluster, read them again every CLASS_SYNC_SECONDS (``sync``)."""
        for row in await self.stored(self.store.all):
            self._classes[row.id] = row
            await self.challenges.load(row)
        if self.sessions.on_cluster:
            self._syncing = asyncio.get_running_loop().create_task(self._sync_forever())

    async def _sync_forever(self) -> None:
        while True:
            await asyncio.sleep(CLASS_SYNC_SECONDS)
            try:
                await self.sync()
            except HostUnavailable:  # the store is down (stored() logged it): the next round tries again
                pass
            except Exception:
                log.exception("reading the classes again failed")

    async def sync(self) -> list[str]:
        """On a cluster, teachers and students reach different web nodes: read every class again, and tell this
        node's students' streams what another node changed (a pause, locks, a challenge); the ids changed."""
        changed: dict[str, ClassRow] = {}
        read_at = self.store.clock()
        rows = await self.stored(self.store.all)
        for row in rows:
            old = self._classes.get(row.id)
            if old is not None and row.used_at < old.used_at:
                continue  # read before a change this node made
            if old != row:
                self._classes[row.id] = row
                if old is not None and (old.paused, old.locked, old.name) != (row.paused, row.locked, row.name):
                    changed[row.id] = row
        for class_id in set(self._classes) - {row.id for row in rows}:  # deleted through another node
            if self._classes[class_id].used_at < read_at:  # (not one made here while the store answered)
                self._classes.pop(class_id, None)
                self.challenges.forget(class_id)
        streaming = {record.class_id for record in list(self.sessions.records.values())
                     if record.class_id and self.sessions.is_listened(record.id)}
        for class_id in streaming & set(self._classes):  # a challenge set or revealed through another node
            before = self.challenges.public(class_id)
            await self.challenges.load(self._classes[class_id])
            if self.challenges.public(class_id) != before:
                changed[class_id] = self._classes[class_id]
        for row in changed.values():
            await self.tell_students(row)
        return list(changed)

