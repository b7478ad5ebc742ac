"""A session host as a Ray actor (``NNPLAY_HOSTS=ray``, docs/deploy.md): today's SessionHost, unchanged, behind
async methods that any web node of the cluster may call.

The SessionHost serves one duplex connection (app/host/host.py). Here ``ActorConnection`` stands in for the Pipe:
a method posts its message into the host's inbox and awaits the future that the host's answer resolves; frames go
to the viewer's slot, from which its web process collects them with the frames of all its other viewers here in
one call (``exchange``: one call per web process and host at a time, not one per frame, which cost a millisecond
of CPU each, docs/performance.md "Issue 14"). A viewer still gets a frame only when it asked for one and the
session changed, so a slow viewer gets fewer, newer frames and nothing queues (the pull model of local hosts).

What a host actor does that the web process does for local hosts, because web nodes come and go and several of
them may use one session:
- it owns its sessions for life: a session's host is a hash of its id (app/core/placement.py), so a session is
  never in two hosts' memory, and a call on a session that is not in memory (evicted, or this actor was
  restarted after a crash) brings it back from its checkpoint here first;
- as it starts (after a crash, on whichever node Ray put it) it brings back, paused, its sessions used within
  ``session_idle_seconds``: those it held when it died, so that a class's dashboard shows them again at once;
- it unloads idle sessions itself (no calls, no viewers for ``session_idle_seconds``);
- viewers hold a lease renewed by their web process's exchanges: a web node that dies leaves viewers that lapse,
  so its sessions stop training for nobody;
- it applies the caps that web nodes cannot count alone: live sessions (``max_sessions`` over all hosts, an equal
  share each) and heavy calls under way per principal (``max_heavy_calls``: a principal's sessions, one session or
  one student's, live on one host).

``__init__`` never raises: a Ray actor whose constructor raises is dead for good whatever its ``max_restarts``
(ray-project/ray#46746); SessionHost already starts when the store cannot be reached (its writer retries).
Results cross to the web node as the host's own ``(ok, value)`` pairs, never as exceptions, which Ray would wrap.
"""

import asyncio
import concurrent.futures
import contextlib
import itertools
import logging
import math
import os
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable

from app.core.config import Settings
from app.core.errors import HostUnavailable, LimitReached
from app.core.host_api import HEAVY_OPS
from app.core.placement import host_index
from app.host.host import SessionHost

log = logging.getLogger("nnplay.host.ray")
COALESCE_SECONDS = 0.01
"""After the first frame of an exchange, how long it waits for more (made for the same web process's other viewers)
before it answers: a few milliseconds of latency for several frames per call."""
VIEWER_LEASE_SECONDS = 15.0
"""A viewer whose web process has not exchanged for this long is dropped: the web process is gone."""
HOUSEKEEPING_SECONDS = 5.0
"""How often leases and idle sessions are looked at."""
STOPPED = (False, ("HostUnavailable", "session.restarting", {}))
RESTARTING = "restarting"
"""An exchange's answer when this host stops serving (an upgrade kills it, or it failed to start): its pages
reconnect."""


class Arrivals:
    """Wakes one web process's exchange when a frame for any of its viewers arrives (from a host thread)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.event = asyncio.Event()

    def wake(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:
            pass  # the actor's loop has closed: nobody exchanges any more


class ViewerSlot:
    """Frames the host sent for one viewer, until its web process collects them (``HostActor.exchange``)."""

    def __init__(self, owner: str, session_id: str, passive: bool, arrivals: Arrivals, now: float):
        self.owner = owner  # the web process it belongs to
        self.session_id = session_id
        self.passive = passive  # a teacher's tile: it keeps no session in memory
        self.arrivals = arrivals
        self.frames: deque[bytes] = deque()
        self.closed = False
        self.heard_at = now

    def put(self, frame: bytes | None) -> None:
        """From a host thread: a frame (None: the session was deleted)."""
        if frame is None:
            self.closed = True
        else:
            self.frames.append(frame)
        self.arrivals.wake()


class ActorConnection:
    """The SessionHost's connection inside an actor: ``recv``/``send``/``close`` as a Pipe end offers them."""

    def __init__(self):
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._answers: dict[int, concurrent.futures.Future] = {}
        self._ids = itertools.count(1)
        self.viewers: dict[str, ViewerSlot] = {}  # by viewer key: "<web process's random prefix>:<its id>"
        self.closed = False

    # the host's side (its threads)
    def recv(self) -> tuple:
        message = self._inbox.get()
        if message is None:
            raise EOFError
        return message

    def send(self, message: tuple) -> None:
        kind = message[0]
        if kind == "result":
            answer = self._answers.pop(message[1], None)
            if answer is not None and not answer.done():
                answer.set_result((message[2], message[3]))
        elif kind == "frame":
            slot = self.viewers.get(message[1])
            if slot is not None:
                slot.put(message[2])
        elif kind == "closed":  # (the slot stays until its web process's exchange has reported it)
            slot = self.viewers.get(message[1])
            if slot is not None:
                slot.put(None)

    def close(self) -> None:
        self.closed = True
        for answer in list(self._answers.values()):
            if not answer.done():
                answer.set_result(STOPPED)
        for slot in list(self.viewers.values()):
            slot.put(None)

    # the actor's side (its event loop)
    def post(self, message: tuple) -> None:
        self._inbox.put(message)

    def request(self, kind: str, *args) -> concurrent.futures.Future | None:
        """Post ``(kind, request_id, *args)``; the future of the host's ``(ok, value)`` (None once closed)."""
        if self.closed:
            return None
        request_id = next(self._ids)
        answer = self._answers[request_id] = concurrent.futures.Future()
        if self.closed:  # closed meanwhile: close() may have passed over it
            self._answers.pop(request_id, None)
            return None
        self.post((kind, request_id, *args))
        return answer

    async def ask(self, kind: str, *args) -> tuple[bool, object]:
        """Post ``(kind, request_id, *args)`` and wait for the host's ``(ok, value)``."""
        answer = self.request(kind, *args)
        return STOPPED if answer is None else await asyncio.wrap_future(answer)


class HostActor:
    """One session host of the cluster. Wrapped with ``ray.remote`` by the web side (app/web/ray_hosts.py); a
    plain class, so that tests can run it without Ray."""

    def __init__(self, settings: dict, index: int, clock: Callable[[], float] = time.monotonic, hosts: int = 1):
        self.index = index
        self.clock = clock
        self.hosts = hosts  # of the cluster: this one holds its share of max_sessions
        self._heavy: dict[str, int] = {}  # principal -> heavy calls under way here
        self._admitting: set[str] = set()  # sessions being created or restored here (counted by _full)
        self._owners: dict[str, Arrivals] = {}  # web process (its viewer keys' prefix) -> what wakes its exchange
        self._unloading: dict[str, asyncio.Future] = {}  # session id -> its checkpoint-and-unload under way
        self.connection = ActorConnection()
        self._touched: dict[str, float] = {}  # session id -> its last call or non-passive want here
        self._housekeeping: asyncio.Task | None = None
        self.host: SessionHost | None = None
        try:
            self.settings = Settings(**settings)
            os.nice(self.settings.host_niceness)  # as local hosts: the web processes on this node come first
            sys.setswitchinterval(self.settings.gil_switch_seconds)
            self.host = SessionHost(self.settings, self.connection)
            self._serving = threading.Thread(target=self.host.serve, name="nnplay-host", daemon=True)
            self._serving.start()
            threading.Thread(target=self._bring_back_recent, name="nnplay-host-reload", daemon=True).start()
        except Exception:  # never raise here (see the module's docstring): answer every call with "restarting"
            log.exception("host actor %d could not start", index)
            self.connection.close()

    def _bring_back_recent(self) -> None:
        """Restore (paused) this host's sessions used within ``session_idle_seconds``, one after another, newest
        first, up to its share of max_sessions; on a thread of its own (store reads block)."""
        try:
            recent = self.host.store.used_since(self.host.store.clock() - self.settings.session_idle_seconds)
        except Exception:  # the store is down: they come back as they are used
            log.exception("host actor %d could not list its recent sessions", self.index)
            return
        mine = [sid for sid in recent if host_index(sid, self.hosts) == self.index]
        for session_id in mine[:math.ceil(self.settings.max_sessions / self.hosts)]:
            self._touched.setdefault(session_id, self.clock())
            answer = self.connection.request("restore", session_id)
            if answer is None:
                return  # stopping
            ok, value = answer.result()
            if not ok and value[1] == "store.unavailable":
                return  # the rest come back as they are used
        if mine:
            log.info("host actor %d brought back %d recent sessions", self.index, len(mine))

    def _started(self) -> None:
        if self._housekeeping is None:
            self._housekeeping = asyncio.get_running_loop().create_task(self._keep_house())

    def _touch(self, session_id: str) -> None:
        self._touched[session_id] = self.clock()

    # ----- sessions -------------------------------------------------------------------------------------
    async def create(self, session_id: str, principal: str, config: dict, token_hash: str, owner: str,
                     class_id: str | None = None) -> tuple[bool, object]:
        """Build and store a new session; its description. Answered once its row is written, so that any web
        node finds it as soon as its creator has the token."""
        self._started()
        self._touch(session_id)
        refused = self._refusal(session_id)
        if refused is not None:
            return refused
        self._admitting.add(session_id)
        try:
            ok, value = await self.connection.ask("create", session_id, principal, config, token_hash, owner,
                                                  class_id)
            if ok and not await asyncio.to_thread(self.host.writer.flush_one, session_id,
                                                  self.settings.max_seconds_per_call):
                self.connection.post(("delete", session_id))  # no other web node could find it: it never was
                return _refused(HostUnavailable("store.unavailable"))
            return ok, value
        finally:
            self._admitting.discard(session_id)

    async def restore(self, session_id: str) -> tuple[bool, object]:
        """The session in memory (brought back from its checkpoint if need be); its description."""
        self._started()
        self._touch(session_id)
        await self._settled(session_id)
        refused = self._refusal(session_id)
        if refused is not None:
            return refused
        self._admitting.add(session_id)
        try:
            return await self.connection.ask("restore", session_id)
        finally:
            self._admitting.discard(session_id)

    def _refusal(self, session_id: str) -> tuple[bool, tuple] | None:
        """Why this host takes no more sessions into memory, if it does not: the session is another host's (web
        nodes that disagree on the number of hosts), or this host holds its share of max_sessions."""
        if host_index(session_id, self.hosts) != self.index:
            return _refused(HostUnavailable("host.wrong", hosts=self.hosts))
        if self.host is None or session_id in self.host.sessions:
            return None
        most = self.settings.max_sessions
        if len(set(self.host.sessions) | self._admitting) >= math.ceil(most / self.hosts):
            return _refused(LimitReached("limit.server_sessions", most=most))
        return None

    async def _settled(self, session_id: str) -> None:
        """Wait until the session's unload under way, if any, has ended (its checkpoint written): then it can be
        brought back as it was left."""
        under_way = self._unloading.get(session_id)
        if under_way is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(under_way)

    async def call(self, session_id: str, op: str, args: tuple) -> tuple[bool, object]:
        """Run operation ``op`` on a session of this host, brought back from its checkpoint first if it is not in
        memory (idle, or this actor restarted)."""
        self._started()
        self._touch(session_id)
        await self._settled(session_id)
        if self.host is not None and session_id not in self.host.sessions:
            ok, value = await self.restore(session_id)
            if not ok:
                return ok, value
        if op not in HEAVY_OPS or self.host is None:
            return await self.connection.ask("call", session_id, op, args)
        session = self.host.sessions.get(session_id)
        principal = session.principal if session is not None else session_id
        under_way = self._heavy.get(principal, 0)
        if under_way >= self.settings.max_heavy_calls:  # over every web node's calls, which each counts only its own
            return _refused(LimitReached("limit.heavy_calls", most=self.settings.max_heavy_calls))
        self._heavy[principal] = under_way + 1
        try:
            return await self.connection.ask("call", session_id, op, args)
        finally:
            left = self._heavy.pop(principal) - 1
            if left:
                self._heavy[principal] = left

    async def unload(self, session_id: str) -> tuple[bool, object]:
        """Checkpoint the session and drop it from memory; whether the checkpoint was written. Calls that come
        meanwhile wait for it, then bring the session back."""
        under_way = self._unloading.get(session_id)
        if under_way is None:
            under_way = self._unloading[session_id] = asyncio.ensure_future(self.connection.ask("unload", session_id))
            under_way.add_done_callback(lambda _: self._unloading.pop(session_id, None))
        return await asyncio.shield(under_way)

    async def delete(self, session_id: str) -> None:
        """Drop a session and its stored data; its viewers are closed."""
        self._touched.pop(session_id, None)
        self.connection.post(("delete", session_id))

    async def writer_status(self) -> tuple[bool, object]:
        """The checkpoint writer's state (/api/health)."""
        return await self.connection.ask("writer_status")

    async def loaded(self, session_ids: list[str]) -> dict[str, int]:
        """Those of ``session_ids`` in this host's memory, each with its viewers from every web node (not the
        passive ones): a class's dashboard counts them as online, and as training while they play and are watched."""
        held = self.host.sessions if self.host is not None else {}
        watched: dict[str, int] = {}
        for slot in list(self.connection.viewers.values()):
            if not slot.passive and not slot.closed:
                watched[slot.session_id] = watched.get(slot.session_id, 0) + 1
        return {session_id: watched.get(session_id, 0) for session_id in session_ids if session_id in held}

    async def layout(self) -> int:
        """How many host actors the cluster had when this one was made (a web node that starts adopts it)."""
        return self.hosts

    async def where(self) -> dict:
        """Where this host runs and what it holds (/api/health, tests)."""
        import ray  # only ever called inside a Ray actor

        return {"index": self.index, "pid": os.getpid(), "sessions": len(self.host.sessions) if self.host else 0,
                "viewers": len(self.connection.viewers),
                "node": ray.get_runtime_context().get_node_labels().get("nnplay-node"),
                "restarted": ray.get_runtime_context().was_current_actor_reconstructed}

    async def stop(self) -> None:
        """Pause and checkpoint every session, write them all, and stop serving (before an upgrade kills this
        actor: docs/deploy.md). Calls after it answer ``session.restarting``."""
        if self.host is not None:
            self.connection.post(("stop",))
            await asyncio.to_thread(self._serving.join)

    # ----- frames ---------------------------------------------------------------------------------------
    async def exchange(self, owner: str, wants: list[tuple], gone: list[str],
                       wait_seconds: float) -> dict[str, list[bytes] | None] | str:
        """One web process's frames, all its viewers here at once (one call, not one per frame): take its viewers'
        new wants ``(viewer key, session id, passive, bytes per second, output resolution, neuron resolution)``,
        forget the ``gone`` ones, then wait up to ``wait_seconds`` for a frame of any of its viewers (and
        COALESCE_SECONDS more, to bring the frames made meanwhile along). Answers, by viewer key, the frames made
        for it since the last exchange (in order), or None once its session was deleted (or cannot be brought
        back); RESTARTING when this host stops serving. A viewer's first want registers it (after bringing its
        session back if need be); every exchange renews the owner's viewers' leases."""
        self._started()
        if self.connection.closed:
            return RESTARTING
        answers: dict[str, list[bytes] | None] = {}
        now = self.clock()
        for slot in list(self.connection.viewers.values()):
            if slot.owner == owner:
                slot.heard_at = now  # (first: bringing sessions back below may take a while)
        for key in gone:
            if key.startswith(owner + ":"):
                self._forget_viewer(key)
        mine = [want for want in wants if want[0].startswith(owner + ":")]
        answers.update({want[0]: None for want in wants if want not in mine})  # never another process's viewers
        # A non-passive viewer's session must be in memory (its page reconnected after this host restarted):
        # those that are not are brought back together, not one after another.
        missing = {want[1] for want in mine if not want[2] and want[0] not in self.connection.viewers
                   and self.host is not None and want[1] not in self.host.sessions}
        restored = dict(zip(missing, await asyncio.gather(*(self.restore(sid) for sid in missing)), strict=True))
        for key, session_id, passive, bytes_per_second, output_resolution, neuron_resolution in mine:
            slot = self.connection.viewers.get(key)
            if slot is not None and slot.session_id != session_id or not restored.get(session_id, (True,))[0]:
                answers[key] = None  # never another session's frames; or its session cannot come back
                continue
            if slot is None:
                slot = self.connection.viewers[key] = ViewerSlot(owner, session_id, passive, self._arrivals(owner),
                                                                 self.clock())
                self.connection.post(("watch", key, session_id, passive, bytes_per_second))
            if not passive:
                self._touch(session_id)
            if not slot.frames and not slot.closed:
                self.connection.post(("want", key, output_resolution, neuron_resolution))
        slots = {key: slot for key, slot in list(self.connection.viewers.items()) if slot.owner == owner}
        arrived = self._arrivals(owner)
        if not answers and not any(slot.frames or slot.closed for slot in slots.values()):
            arrived.event.clear()
            try:
                await asyncio.wait_for(arrived.event.wait(), wait_seconds)
            except TimeoutError:
                pass
            else:
                await asyncio.sleep(COALESCE_SECONDS)
        for key, slot in slots.items():
            frames = []
            while slot.frames:  # (host threads may append meanwhile: nothing is dropped)
                frames.append(slot.frames.popleft())
            if frames:
                answers[key] = frames
            elif slot.closed:
                answers[key] = None
                self._forget_viewer(key)
        return RESTARTING if self.connection.closed else answers

    async def nudge(self, owner: str) -> None:
        """The web process has new wants: its exchange under way answers now, so that its next one brings them."""
        self._arrivals(owner).wake()

    def _arrivals(self, owner: str) -> "Arrivals":
        arrivals = self._owners.get(owner)
        if arrivals is None:
            arrivals = self._owners[owner] = Arrivals(asyncio.get_running_loop())
        return arrivals

    def _forget_viewer(self, key: str) -> None:
        if self.connection.viewers.pop(key, None) is not None:
            self.connection.post(("unwatch", key))

    # ----- housekeeping ---------------------------------------------------------------------------------
    async def _keep_house(self) -> None:
        while True:
            await asyncio.sleep(HOUSEKEEPING_SECONDS)
            try:
                self.drop_lapsed_viewers()
                for session_id in self.idle_sessions():
                    asyncio.get_running_loop().create_task(self.unload(session_id))
            except Exception:  # housekeeping goes on whatever one round met
                log.exception("housekeeping of host actor %d failed", self.index)

    def drop_lapsed_viewers(self) -> list[str]:
        """Forget viewers not heard from for VIEWER_LEASE_SECONDS (their web node died); their ids."""
        limit = self.clock() - VIEWER_LEASE_SECONDS
        lapsed = [vid for vid, slot in list(self.connection.viewers.items()) if slot.heard_at < limit]
        for viewer_id in lapsed:
            self._forget_viewer(viewer_id)
        owners = {slot.owner for slot in list(self.connection.viewers.values())}
        for owner in set(self._owners) - owners:  # web processes with no viewer left here (gone, or idle)
            self._owners.pop(owner, None)
        return lapsed

    def idle_sessions(self) -> list[str]:
        """Sessions in memory that nobody used for ``session_idle_seconds`` and nobody watches (to unload)."""
        if self.host is None:
            return []
        limit = self.clock() - self.settings.session_idle_seconds
        watched = {slot.session_id for slot in list(self.connection.viewers.values())
                   if not slot.passive and not slot.closed}
        for session_id in set(self._touched) - set(self.host.sessions) - self._admitting:
            self._touched.pop(session_id, None)  # deleted, unloaded, or never here
        idle = []
        for session_id in list(self.host.sessions):
            if session_id in watched:
                continue
            if self._touched.setdefault(session_id, self.clock()) < limit:
                idle.append(session_id)
                self._touched.pop(session_id, None)
        return idle


def _refused(error: LimitReached | HostUnavailable) -> tuple[bool, tuple]:
    """A refusal as the host answers errors: (False, (class name, code, params))."""
    return False, (type(error).__name__, error.code, error.params)
