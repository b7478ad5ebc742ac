"""The SessionManager: which sessions exist, who may use them, where they live, and how many there may be.

The sessions themselves live in session hosts (app/host/): worker processes, one per core, or a
thread of this process when ``workers`` is 0. The manager keeps only each session's record (id, token,
owner, principal, host, last use), so that checking a token or a limit never waits for a busy host.

Who is who. The *principal* of a session is the one on whose behalf its work runs, the key of every cap, queue
and budget: a class's student, or else the session itself. Its caps are counted here, across all hosts: at most
``max_heavy_calls`` heavy calls (app/core/host_api.py HEAVY_OPS) under way at once; in the hosts its work takes
fair turns (app/host/fair_share.py). The *owner*, the client's network address (after the trusted-proxy rule),
is used for one thing only: how many sessions anonymous clients at one address may create.

On a Ray cluster (``hosts="ray"``, app/web/ray_hosts.py) the hosts are actors that every web node shares: a
session's host is a hash of its id (app/core/placement.py), the host actor itself unloads idle sessions and brings
back those it lost, and the records here are only this node's cache of the store's rows.

A local host that dies (its process killed or crashed) takes its sessions with it. The manager then drops their
records at once, so that limits count only live sessions, remembers their ids as lost (the newest
LOST_REMEMBERED of them), so that a later call or stream on one is told ``session.lost`` rather than "not
found", and starts a replacement host off the event loop, which takes new sessions as soon as it runs.
"""

import asyncio
import contextlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from app.core.config import Settings
from app.core.errors import Forbidden, HostUnavailable, LimitReached, NotAuthenticated, SessionNotFound
from app.core.host_api import HEAVY_OPS, Op
from app.core.placement import host_index
from app.schemas.session import SessionConfig
from app.store import database
from app.store.sessions import SessionRow, SessionStore, token_hash
from app.web.host_client import HostClient
from app.web.host_link import HostLink
from app.web.session_record import SessionPolicy, SessionProxy, SessionRecord

log = logging.getLogger("nnplay.sessions")
SESSION_ID_BYTES = 9
SESSION_ID_PATTERN = "[A-Za-z0-9_-]{12}"
"""A session id: secrets.token_urlsafe(SESSION_ID_BYTES), 12 URL-safe characters. Routes match only these, so
that /api/sessions/import can never be read as a session's id."""
LOST_REMEMBERED = 10_000
"""How many ids of sessions lost with a dead host are remembered (the newest), to answer ``session.lost``
instead of ``session.not_found``: about 160 bytes each, so at most a couple of MB."""
RESTART_DELAY_SECONDS = 1.0
"""A host that dies within this long of its start is replaced only after this long, so that a host that
cannot start at all costs one attempt per this many seconds, not a busy loop."""


class SessionManager:
    """Creates, finds, authorizes, routes, deletes and evicts sessions."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time):
        self.settings = settings
        self.clock = clock  # seconds; injected by tests so that idleness never depends on the real time
        self.store = SessionStore(database.connect(settings), wall_clock)
        self._restoring: dict[str, asyncio.Future] = {}  # session id -> its restore under way
        self._unloading: dict[str, asyncio.Future] = {}  # session id -> its last checkpoint being written
        self._listeners: dict[str, set[Callable[[dict], None]]] = {}  # session id -> its streams' messages
        self.policy: SessionPolicy | None = None  # a class's pause and locks (app/web/classroom.py)
        self.records: dict[str, SessionRecord] = {}
        self.lost: OrderedDict[str, None] = OrderedDict()  # ids of sessions lost with their host, oldest first
        self.deleted: OrderedDict[str, None] = OrderedDict()  # ids deleted lately, oldest first (LOST_REMEMBERED)
        self._lock = threading.Lock()
        self._stopped = False
        self._replacing: set[asyncio.Task] = set()
        self._starting: set[HostLink] = set()  # replacements being started (in a thread)
        self.heavy_calls: dict[str, int] = {}  # principal -> heavy calls under way, over all hosts
        self._creating: set[str] = set()  # sessions being created through this process
        self.on_cluster = settings.hosts == "ray"
        # On a cluster the hosts are found when the server starts (app/web/ray_hosts.py connect).
        self.hosts: list[HostLink] = [] if self.on_cluster else [self._new_host()
                                                                   for _ in range(max(1, settings.workers))]

    def _new_host(self) -> HostClient:
        return HostClient(self.settings, in_process=self.settings.workers == 0, on_death=self._host_died)

    def start(self) -> None:
        """Bring the store's schema up to date, then start the hosts (from the running event loop, before it
        serves anything: nothing waits for it). On a Ray cluster: join it and find (or create) its host actors."""
        database.upgrade(self.store.engine)
        self._loop = asyncio.get_running_loop()
        if self.on_cluster:
            self.hosts = self._join_cluster()
        for host in self.hosts:
            host.start()

    def _join_cluster(self) -> list[HostLink]:
        from app.web import ray_hosts  # Ray only in ray mode

        return ray_hosts.join(self.settings, self.store.engine.url.get_backend_name(), self._host_died)

    def place(self, session_id: str) -> HostLink:
        """The host for a session: on a cluster, its own (by its id); here, the least loaded live one."""
        if self.on_cluster:
            return self.hosts[host_index(session_id, len(self.hosts))]
        alive = [host for host in self.hosts if host.alive]
        if not alive:
            raise HostUnavailable()
        return min(alive, key=lambda h: h.sessions)

    def stop(self) -> None:
        """Stop the hosts (each checkpoints its sessions first: all at once, then waited for); every session
        leaves memory."""
        self._stopped = True
        for task in list(self._replacing):
            task.cancel()
        stopping = [host for host in self.hosts if host not in self._starting]  # a starting one dies with us
        for host in stopping:
            host.ask_to_stop()
        for host in stopping:
            host.stop()

    # ----- a host that died ------------------------------------------------------------------------
    def _host_died(self, host: HostLink) -> None:
        """Called on the event loop when ``host`` ended without being asked to: forget its sessions, remember
        them as lost, and put a replacement in its place (before the host's waiting calls fail and its streams
        close, so that they can tell their clients that the session was lost). A host actor of a cluster is
        restarted by Ray, and brings its sessions back from their checkpoints as they are next used."""
        with self._lock:
            gone = [sid for sid, record in self.records.items() if record.host is host]
            for sid in gone:
                del self.records[sid]
                self.lost[sid] = None
            while len(self.lost) > LOST_REMEMBERED:
                self.lost.popitem(last=False)
        if self.on_cluster:
            return
        log.error("a session host stopped unexpectedly; %d sessions lost, starting a new host", len(gone))
        if self._stopped or host not in self.hosts:
            return
        replacement = self._new_host()  # takes no sessions until it runs (it is not alive before)
        self.hosts[self.hosts.index(host)] = replacement
        self._starting.add(replacement)
        task = asyncio.get_running_loop().create_task(self._replace(host, replacement))
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def _replace(self, dead: HostLink, replacement: HostLink) -> None:
        """Start ``replacement`` off the event loop (spawning a process takes a moment), after reaping ``dead``."""
        try:
            await asyncio.to_thread(dead.stop)  # reap the dead process (or end one that hangs), close our end
            if time.monotonic() - (dead.started_at or 0) < RESTART_DELAY_SECONDS:
                await asyncio.sleep(RESTART_DELAY_SECONDS)
            loop = asyncio.get_running_loop()
            while True:
                try:
                    await asyncio.to_thread(replacement.start, loop)
                    break
                except Exception:
                    log.exception("starting a session host failed; trying again")
                    await asyncio.sleep(RESTART_DELAY_SECONDS)
        finally:
            self._starting.discard(replacement)
        if self._stopped:  # the server stopped while this host started
            await asyncio.to_thread(replacement.stop)
        else:
            log.warning("a new session host is running")

    def was_lost(self, session_id: str) -> bool:
        """Whether ``session_id`` was lost with a host that died (as far as the newest lost ids go)."""
        return session_id in self.lost

    def __len__(self) -> int:
        return len(self.records)

    async def stored(self, read: Callable, *args):
        """A blocking store read or write, off the event loop; 503 ``store.unavailable`` if the database fails."""
        try:
            return await asyncio.to_thread(read, *args)
        except SQLAlchemyError as exc:
            log.error("the store failed: %s", exc)
            raise HostUnavailable("store.unavailable", reason=type(exc).__name__) from None

    async def create(self, config: SessionConfig, owner: str, student: tuple[str, str] | None = None) -> dict:
        """A new session for client ``owner`` on the least loaded host, stored; its description and token. A
        student's session (``student``: (class id, student id)) is capped by its class, not by address: a
        school is one address."""
        self.evict_idle()
        stored, _ = await self.stored(self.store.count)
        if stored >= self.settings.max_stored_sessions:
            raise LimitReached("limit.stored_sessions", most=self.settings.max_stored_sessions)
        if student is None:
            owned, _ = await self.stored(self.store.count, owner)
            if owned >= self.settings.max_stored_sessions_per_client:
                raise LimitReached("limit.stored_client_sessions", count=owned)
        if student is None and self.on_cluster:  # live: used within the idle time (hosts unload the others)
            since = self.store.clock() - self.settings.session_idle_seconds
            live, _ = await self.stored(self.store.count, owner, since)  # + this node's creates under way, below
        class_id, student_id = student or (None, None)
        with self._lock:  # (on a cluster the hosts and the store count: the records here are one node's)
            if not self.on_cluster and len(self.records) >= self.settings.max_sessions:
                raise LimitReached("limit.server_sessions", most=self.settings.max_sessions)
            mine = sum(1 for r in self.records.values() if r.owner == owner and r.class_id is None
                       and (not self.on_cluster or r.id in self._creating))
            if student is None and self.on_cluster:
                mine += live
            if student is None and mine >= self.settings.max_sessions_per_client:
                raise LimitReached("limit.client_sessions", count=mine)
            token, session_id = secrets.token_urlsafe(24), secrets.token_urlsafe(SESSION_ID_BYTES)
            record = SessionRecord(session_id, token_hash(token), owner, self.place(session_id), touched=self.clock(),
                                   class_id=class_id, student_id=student_id)
            self.records[record.id] = record  # reserved now, so that concurrent creates count it
            record.host.sessions += 1
            self._creating.add(record.id)  # (on a cluster the store counts it once its row is written)
        try:
            described = await record.host.create(record.id, record.principal, config.model_dump(),
                                                 record.token_hash, owner, class_id)
        except BaseException:
            self.delete(record.id)  # also on the host, in case it built the session after we gave up
            raise
        finally:
            self._creating.discard(record.id)
        return {**described, "token": token}

    async def import_document(self, config: SessionConfig, model: dict, owner: str) -> dict:
        """A new session for ``owner`` from an exported document's config and model: its description and
        token. If anything fails after the session was reserved (a model that does not fit, a host that
        stopped, a cancelled request), the session is deleted, so it never counts against the client."""
        created = await self.create(config, owner)
        record = self.records.get(created["id"])
        if record is None:  # its host died right after creating it
            raise SessionNotFound("session.lost", session_id=created["id"])
        try:
            await self.ops(record).load_model(model)
            described = await self.ops(record).describe()
        except BaseException:
            self.delete(record.id)
            raise
        return {**described, "token": created["token"]}

    async def find(self, session_id: str, token: str | None, restore: bool = True) -> SessionRecord:
        """The record of ``session_id`` if ``token`` is its token, brought back from the store onto a host if
        it is not in memory (idle, or the server restarted); raises otherwise. Marks it as used. With
        ``restore`` False (to delete it), a stored session is not brought back: its record has no host."""

        def token_fits(row: SessionRow) -> None:
            if not token:
                raise NotAuthenticated()
            if not secrets.compare_digest(token_hash(token).encode(), row.token_hash.encode()):
                raise Forbidden()

        record = await self.bring_back(session_id, token_fits, restore)
        return record if record.host is None else self.authorize(session_id, token)

    async def bring_back(self, session_id: str, check: Callable[[SessionRow], None] | None = None,
                         restore: bool = True) -> SessionRecord:
        """The record of a session in memory, brought back from the store if need be (after ``check`` of its
        row, which may refuse). For ``find``, and for a class's teacher (app/web/classroom.py), who holds no
        student's token. SessionNotFound if it is neither in memory nor stored.

        One restore at a time per session, on one host: whoever asks while it is restored or written on its way
        out of memory waits for that, then looks again (every await can change what is in memory)."""
        while True:
            record = self.records.get(session_id)
            if record is not None:
                return record
            under_way = self._restoring.get(session_id) or self._unloading.get(session_id)
            if under_way is not None:
                with contextlib.suppress(Exception):  # the one who started it gets its error; we look again
                    await asyncio.shield(under_way)
                continue
            if session_id in self.deleted:
                raise SessionNotFound(session_id=session_id)
            row = await self.stored(self.store.find, session_id)
            if session_id in self.deleted:
                raise SessionNotFound(session_id=session_id)
            if session_id in self.records or session_id in self._restoring or session_id in self._unloading:
                continue  # it came back (or started to) while the store answered
            if row is None:
                raise SessionNotFound("session.lost" if session_id in self.lost else None, session_id=session_id)
            if check is not None:
                check(row)
            if not restore:
                return SessionRecord(session_id, row.token_hash, row.owner, None, touched=self.clock())
            restoring = self._restoring[session_id] = asyncio.get_running_loop().create_future()
            try:
                await self._restore(row)
                restoring.set_result(None)
            except BaseException as exc:
                restoring.set_exception(exc)
                restoring.exception()  # retrieved: no warning if no one else waited
                raise
            finally:
                del self._restoring[session_id]

    async def _restore(self, row: SessionRow) -> None:
        """Restore on the least loaded live host (on a cluster: its own, which may hold it already); the record
        appears once the host has the session, so no call reaches a host that does not have it yet."""
        session_id, owner = row.id, row.owner
        with self._lock:  # the same live limits as a new session (restores under way count too)
            if not self.on_cluster and len(self.records) + len(self._restoring) > self.settings.max_sessions:
                raise LimitReached("limit.server_sessions", most=self.settings.max_sessions)
            mine = sum(1 for r in self.records.values() if r.owner == owner and r.class_id is None)
            # (On a cluster the session may be live on its host already, for another web node: its host's share
            # of max_sessions is the cap that holds there.)
            if not self.on_cluster and row.class_id is None and mine >= self.settings.max_sessions_per_client:
                raise LimitReached("limit.client_sessions", count=mine)
            host = self.place(session_id)
            host.sessions += 1
        record = SessionRecord(session_id, row.token_hash, owner, host, touched=self.clock(), class_id=row.class_id,
                               student_id=row.principal if row.class_id else None)
        try:
            await host.restore(session_id)
        except BaseException:
            host.sessions -= 1
            # It may be in the host's memory even so (the answer came too late, or the request was cancelled):
            # take it out again, checkpoint and all, before anyone restores it elsewhere. (A cluster's session has
            # one host, which other web nodes may be using it on.)
            if not self.on_cluster:
                self._start_unload(record)
            raise
        with self._lock:
            self.records[session_id] = record
        self.lost.pop(session_id, None)  # it came back
        log.info("session %s restored from the store", session_id)

    async def live(self, session_ids: list[str]) -> dict[str, int]:
        """Those of ``session_ids`` in a host's memory now, each with how many streams watch it (not a teacher's);
        their records are in ``records`` after. On a cluster this asks their hosts (other web nodes' sessions
        included) and makes the records here; nothing is restored that was not in memory."""
        if not self.on_cluster:
            return {sid: self.records[sid].viewers for sid in session_ids if sid in self.records}
        from app.web import ray_hosts  # Ray only in ray mode

        return await ray_hosts.live(self, session_ids)

    def authorize(self, session_id: str, token: str | None) -> SessionRecord:
        """The record of ``session_id`` in memory if ``token`` is its token; raises otherwise. Marks it as used.
        (``find`` also brings stored sessions back.)"""
        record = self.records.get(session_id)
        if record is None:
            if session_id in self.lost:
                raise SessionNotFound("session.lost", session_id=session_id)
            raise SessionNotFound(session_id=session_id)
        if not token:
            raise NotAuthenticated()
        if not secrets.compare_digest(token_hash(token).encode(), record.token_hash.encode()):
            raise Forbidden()
        record.touched = self.clock()
        return record

    def ops(self, record: SessionRecord) -> "SessionProxy":
        """The operations of ``record``'s session (app/core/host_api.py's SessionOps), run where it lives:
        ``await manager.ops(record).weights()``."""
        return SessionProxy(self, record)

    async def call(self, record: SessionRecord, op: Op, *args, as_teacher: bool = False) -> object:
        """Run operation ``op`` on the session where it lives (``session.restarting`` if its host died
        meanwhile); routes use ``ops(record)``, which names ``op`` and its arguments. A heavy op counts against its
        principal's cap while it is under way. A student's call is checked against their class's pause and locks
        first (``policy``), unless their teacher makes it."""
        if self.policy is not None and not as_teacher:
            self.policy.check(record, op, args)
        principal = record.principal
        answered = None
        if op in HEAVY_OPS:
            if self.heavy_calls.get(principal, 0) >= self.settings.max_heavy_calls:
                raise LimitReached("limit.heavy_calls", most=self.settings.max_heavy_calls)
            self.heavy_calls[principal] = self.heavy_calls.get(principal, 0) + 1

            def answered() -> None:  # when the host answers, not when the caller stops waiting (it runs on)
                left = self.heavy_calls.pop(principal) - 1
                if left:
                    self.heavy_calls[principal] = left
        try:
            return await record.host.call(record.id, op, *args, when_answered=answered)
        except HostUnavailable:
            if record.id in self.lost:  # the next call brings it back from its checkpoint, if it has one
                raise HostUnavailable("session.restarting", session_id=record.id) from None
            raise

    def _forget(self, session_id: str) -> SessionRecord | None:
        with self._lock:
            record = self.records.pop(session_id, None)
            if record is not None:
                record.host.sessions -= 1
        return record

    async def remove(self, session_id: str) -> None:
        """End a session and delete its stored data (also one that is only stored, even unreadable)."""
        self._remember_deleted(session_id)
        in_memory = session_id in self.records
        if in_memory or self.on_cluster:
            self.delete(session_id)  # its host deletes the stored data, after any checkpoint it still holds
        if not in_memory or self.on_cluster:  # (on a cluster: gone before the answer, whichever node answers)
            await self.stored(self.store.delete, session_id)

    def forget_deleted(self, session_id: str) -> None:
        """Its stored data was deleted (with its class): out of memory too, and never brought back."""
        self._remember_deleted(session_id)
        self.delete(session_id)

    # ----- what a session's streams are told besides frames (app/web/stream_relay.py) -------------------------
    def listen(self, session_id: str, tell: Callable[[dict], None]) -> None:
        """``tell(message)`` for every message ``notify`` sends to this session's streams."""
        self._listeners.setdefault(session_id, set()).add(tell)

    def unlisten(self, session_id: str, tell: Callable[[dict], None]) -> None:
        listeners = self._listeners.get(session_id)
        if listeners is not None:
            listeners.discard(tell)
            if not listeners:
                del self._listeners[session_id]

    def is_listened(self, session_id: str) -> bool:
        """Whether a stream of the session is open on this web node."""
        return bool(self._listeners.get(session_id))

    def notify(self, session_id: str, message: dict | None) -> None:
        """Send ``message`` (JSON) to every open stream of the session (its class paused, a control locked...)."""
        if message is not None:
            for tell in list(self._listeners.get(session_id, ())):
                tell(message)

    def class_info(self, record: SessionRecord) -> dict | None:
        """What a student's stream says of their class (``policy.info``), or None."""
        return self.policy.info(record) if self.policy is not None else None

    def stream_ended(self, record: SessionRecord, seconds: float) -> None:
        """One of the session's own streams was open ``seconds`` more (it ended, or a minute passed): a student's
        time active (``policy``)."""
        if self.policy is not None:
            self.policy.stream_ended(record, seconds)

    def _remember_deleted(self, session_id: str) -> None:
        """Its row may outlive the answer to the DELETE for a moment (its host's writer removes it): no ``find``
        may bring it back meanwhile, on another host."""
        self.deleted[session_id] = None
        while len(self.deleted) > LOST_REMEMBERED:
            self.deleted.popitem(last=False)

    def delete(self, session_id: str) -> None:
        """End a session; its streams are closed (on a cluster, on every web node: its host closes them)."""
        record = self._forget(session_id)
        host = record.host if record is not None else self.place(session_id) if self.on_cluster else None
        if host is not None:
            try:
                host.delete(session_id)
            except HostUnavailable:
                pass  # a stopped host has lost its sessions already

    def evict_idle(self) -> list[str]:
        """Move sessions untouched for longer than the idle limit (and not being watched) out of memory: their
        hosts write their checkpoints, and they stay in the store until used again, deleted or expired. Until
        a checkpoint is written, ``find`` waits for it rather than read an older one."""
        limit = self.clock() - self.settings.session_idle_seconds
        stale = [sid for sid, r in list(self.records.items()) if r.touched < limit and not r.viewers]
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        for sid in stale:
            record = self._forget(sid)
            if record is not None and not self.on_cluster:  # a cluster's host unloads its idle sessions itself
                if on_loop:  # at once: no find may run in between and read an older checkpoint
                    self._start_unload(record)
                else:  # (tests call it from their own thread) in order with what the loop runs next
                    self._loop.call_soon_threadsafe(self._start_unload, record)
        return stale

    async def unloads_done(self) -> None:
        """Wait until the sessions leaving memory have left (their checkpoints written, or kept)."""
        while self._unloading:
            await asyncio.gather(*self._unloading.values(), return_exceptions=True)

    def _start_unload(self, record: SessionRecord) -> None:
        self._unloading[record.id] = asyncio.ensure_future(self._unload(record))

    async def _unload(self, record: SessionRecord) -> None:
        """Out of memory once its checkpoint is written. If it could not be written (the store is failing), the
        session stays in memory, where it is still safe, and the next round tries again."""
        try:
            if not await record.host.unload(record.id):
                log.error("session %s stays in memory: its checkpoint could not be written", record.id)
                with self._lock:
                    if record.id not in self.records and record.host.alive:
                        self.records[record.id] = record
                        record.host.sessions += 1
        except HostUnavailable:
            pass  # a stopped host wrote its checkpoints as it stopped
        finally:
            self._unloading.pop(record.id, None)

    async def purge_expired(self) -> int:
        """Remove stored sessions unused for ``retention_days`` (not those in memory: they are in use); how many."""
        cutoff = self.store.clock() - self.settings.retention_days * 86_400
        in_use = set(self.records) | set(self._restoring) | set(self._unloading)
        return await self.stored(self.store.purge_unused_since, cutoff, in_use)

