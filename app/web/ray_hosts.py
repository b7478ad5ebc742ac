"""The web node's side of the host actors on a Ray cluster (``NNPLAY_HOSTS=ray``, docs/deploy.md).

``connect`` joins the cluster at RAY_ADDRESS and makes sure its host actors exist (named, detached, restarted by
Ray when they die: any web node may be the first to start, and each finds the others' actors by name).
``RayHostClient`` offers exactly what ``HostClient`` offers (app/web/host_link.py), so the session manager, the
stream relays and the class dashboard use either alike:
- calls are actor method calls awaited on the event loop; the actor answers ``(ok, value)`` as a local host
  does, and a Ray failure (the actor died and is being restarted) becomes 503 ``session.restarting``;
- frames are pulled, all of this process's viewers on one host together: one ``exchange`` call at a time carries
  their new wants out and every frame made for them since back (app/host/ray_actor.py), so that a frame costs a
  share of a call, not a call (docs/performance.md "Issue 14"); a viewer gets a frame only when it asked and the
  session changed, so a slow viewer gets fewer, newer frames and nothing queues; every frame the host made for a
  viewer reaches it, in order (frames are deltas of the viewer's last);
- viewer ids are this node's own numbers plus a random prefix, unique among the web nodes sharing a host.

Ray is imported only here, and only in ray mode: the local mode needs nothing of it.
"""

import asyncio
import concurrent.futures
import logging
import math
import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.config import Settings
from app.core.errors import HostUnavailable, LimitReached, SessionNotFound, transported
from app.core.host_api import Op
from app.core.placement import HOST_NAME, RAY_NAMESPACE, host_index
from app.host.ray_actor import RESTARTING
from app.web.host_client import ONE_BLAS_THREAD, REQUEST_TIMEOUT_SECONDS

log = logging.getLogger("nnplay.ray")
RENEW_SECONDS = 5.0
"""With nothing to ask, an exchange still goes this often: it renews the viewers' leases (the host drops a viewer
after VIEWER_LEASE_SECONDS, 15 s)."""
EXCHANGE_WAIT_SECONDS = 1.0
"""How long an exchange waits on the host for a frame while viewers wait (a new want nudges it to answer first)."""
NUDGE_SECONDS = 0.015
"""A new want waits this long at most for the exchange under way to end by itself before it is nudged to."""
ASK_AGAIN_SECONDS = 2.0
"""A want unanswered this long is sent again (a frame the host failed to make is not tried again unasked)."""
CONNECT_SECONDS = 120
"""How long a starting web node waits for the first host actor to say how many hosts there are (it may be
restarting after a node loss)."""
MAX_CONCURRENCY = 4096
"""Calls one host actor runs at once: an exchange per web process, plus calls (Ray's default for async actors: 1000)."""


@dataclass
class RayViewer:
    """One stream's viewer of a session on a host actor, in this web process."""

    key: str  # its id on the host: unique among web processes
    session_id: str
    on_frame: Callable[[bytes], None]
    on_closed: Callable[[], None]
    passive: bool
    bytes_per_second: float | None
    output_resolution: int = 64
    neuron_resolution: int = 20
    frames: deque = field(default_factory=deque)  # collected, not yet wanted
    wanting: bool = False
    asked_at: float | None = None  # when its want went to the host (None: not since its last frame or new sizes)


class RayHostClient:
    """One host actor of the cluster, seen from this web node's event loop."""

    def __init__(self, settings: Settings, index: int, handle,
                 on_death: Callable[["RayHostClient"], None] | None = None):
        self.settings = settings
        self.index = index
        self.handle = handle  # survives the actor's restarts (same name, same actor id)
        self.on_death = on_death  # called when a call or an exchange finds the actor dead (Ray restarts it)
        self.started_at: float | None = None
        self.sessions = 0  # sessions this node placed here (placement itself is by hash: app/core/placement.py)
        self.alive = True  # Ray brings a dead actor back: a host of the cluster is never given up
        self._viewers: dict[int, RayViewer] = {}
        # Viewer ids are this process's own: 64 random bits keep its keys apart from other web processes' on a host.
        self._owner = secrets.token_hex(8)
        self._gone: list[str] = []  # keys of viewers forgotten here, to forget on the host
        self._exchanging: asyncio.Task | None = None
        self._in_flight = False
        self._nudge: asyncio.TimerHandle | None = None  # a nudge due for the exchange under way

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Begin exchanging this process's viewers' wants and frames with the host (call on the event loop)."""
        self._loop = loop or asyncio.get_running_loop()
        self.started_at = time.monotonic()
        self._wake = asyncio.Event()
        self._exchanging = self._loop.create_task(self._exchange_forever())

    def ask_to_stop(self) -> None:
        """Nothing to ask: the actor serves the other web nodes on."""

    def stop(self) -> None:
        """Forget this process's viewers there (the actor lives on)."""
        if self._exchanging is not None:
            self._exchanging.cancel()
        gone = self._gone + [viewer.key for viewer in self._viewers.values()]
        self._viewers.clear()
        if gone:
            self._fire("exchange", self._owner, [], gone, 0)

    # ----- calls ------------------------------------------------------------------------------------------
    async def _ask(self, method: str, *args, session_id: str | None = None,
                   when_answered: Callable[[], None] | None = None) -> object:
        ray_exceptions = _ray_exceptions()
        try:
            reference = getattr(self.handle, method).remote(*args)
        except ray_exceptions.RayError as exc:
            if when_answered is not None:
                when_answered()  # it never reached the actor
            raise self._failed(exc, session_id) from None
        answer = asyncio.wrap_future(reference.future(), loop=self._loop)
        answer.add_done_callback(_retrieved)
        if when_answered is not None:  # when the actor answers, even if the caller stopped waiting (it runs on)
            answer.add_done_callback(lambda _: when_answered())
        try:
            ok, value = await asyncio.wait_for(asyncio.shield(answer), REQUEST_TIMEOUT_SECONDS)
        except TimeoutError:
            raise HostUnavailable("host.timeout") from None
        except ray_exceptions.RayError as exc:
            raise self._failed(exc, session_id) from None
        if ok:
            return value
        if value[1] == "session.restarting":  # the actor stops serving (an upgrade ends it): as if it died
            raise self._restarting(session_id, "stopping")
        raise transported(*value)

    def _failed(self, exc: Exception, session_id: str | None = None) -> HostUnavailable:
        """The error for a call that met a Ray failure; a dead actor is told to whoever owns this host."""
        if isinstance(exc, _ray_exceptions().RayActorError):
            return self._restarting(session_id, type(exc).__name__)
        log.error("a call to host actor %d failed: %r", self.index, exc)
        return HostUnavailable()

    def _restarting(self, session_id: str | None, why: str) -> HostUnavailable:
        log.warning("host actor %d is unavailable (%s): Ray restarts it", self.index, why)
        if self.on_death is not None:
            self.on_death(self)
        return HostUnavailable("session.restarting", session_id=session_id) if session_id else HostUnavailable()

    def _fire(self, method: str, *args) -> None:
        """A call nobody waits for (its failure is nobody's business: the actor is being restarted)."""
        try:
            getattr(self.handle, method).remote(*args).future().add_done_callback(_retrieved)
        except _ray_exceptions().RayError:
            pass

    async def create(self, session_id: str, principal: str, config: dict, token_hash: str, owner: str,
                     class_id: str | None = None) -> dict:
        """Build a session on this host and store it; its description (once its row is written)."""
        return await self._ask("create", session_id, principal, config, token_hash, owner, class_id,
                               session_id=session_id)

    async def restore(self, session_id: str) -> dict:
        """The session in the host's memory, from its checkpoint if need be; its description."""
        return await self._ask("restore", session_id, session_id=session_id)

    async def call(self, session_id: str, op: Op, *args, when_answered: Callable[[], None] | None = None) -> object:
        """Run operation ``op`` on a session there; its result, or its error raised here."""
        return await self._ask("call", session_id, str(op), args, session_id=session_id, when_answered=when_answered)

    async def unload(self, session_id: str) -> bool:
        """Checkpoint a session and drop it from the host's memory; whether the checkpoint was written."""
        return await self._ask("unload", session_id, session_id=session_id)

    async def writer_status(self) -> dict:
        """The host's checkpoint writer: waiting, written, failing_seconds, last_error."""
        return await self._ask("writer_status")

    async def loaded(self, session_ids: list[str]) -> dict[str, int]:
        """Those of ``session_ids`` in the host's memory, each with its (non-passive) viewers on every web node;
        none if the host does not answer."""
        try:
            return await asyncio.wait_for(self.handle.loaded.remote(session_ids), REQUEST_TIMEOUT_SECONDS)
        except (TimeoutError, _ray_exceptions().RayError):
            return {}

    async def where(self) -> dict:
        """Where the actor runs: its index, pid, node label, sessions and viewers."""
        return await asyncio.wait_for(self.handle.where.remote(), REQUEST_TIMEOUT_SECONDS)

    def delete(self, session_id: str) -> None:
        """Drop a session and its stored data; its viewers get closed."""
        self._fire("delete", session_id)

    # ----- viewers ----------------------------------------------------------------------------------------
    def watch(self, viewer_id: int, session_id: str, on_frame: Callable[[bytes], None],
              on_closed: Callable[[], None], passive: bool = False, bytes_per_second: float | None = None) -> None:
        """Register a viewer; its frames arrive through ``on_frame`` on the event loop (its first want registers it
        with the host)."""
        key = f"{self._owner}:{viewer_id}"
        self._viewers[viewer_id] = RayViewer(key, session_id, on_frame, on_closed, passive, bytes_per_second)

    def want(self, viewer_id: int, output_resolution: int, neuron_resolution: int) -> None:
        """The viewer is ready for its next frame (sent when the session has changed)."""
        viewer = self._viewers.get(viewer_id)
        if viewer is None:
            return
        if (viewer.output_resolution, viewer.neuron_resolution) != (output_resolution, neuron_resolution):
            viewer.output_resolution, viewer.neuron_resolution = output_resolution, neuron_resolution
            viewer.asked_at = None  # asked again, at the new sizes
        viewer.wanting = True
        if viewer.frames:
            self._deliver(viewer)
            return
        self._wake.set()
        if self._in_flight and self._nudge is None and viewer.asked_at is None:
            # The exchange under way may wait for other viewers' frames: unless it answers within NUDGE_SECONDS
            # anyway (under load it does, and no call is spent), it is told to answer, so that the next brings this.
            self._nudge = self._loop.call_later(NUDGE_SECONDS, self._fire, "nudge", self._owner)

    def unwatch(self, viewer_id: int) -> None:
        """Forget a viewer (on the host with the next exchange, after any under way: calls may run out of order)."""
        viewer = self._viewers.pop(viewer_id, None)
        if viewer is not None:
            self._gone.append(viewer.key)
            self._wake.set()

    async def _exchange_forever(self) -> None:
        while True:
            try:
                await self._exchange()
            except Exception:  # the next round tries again: a bug here must not end every stream's frames
                log.exception("exchanging frames with host actor %d failed", self.index)
                await asyncio.sleep(1.0)

    async def _exchange(self) -> None:
        """One exchange with the host: this process's new wants and forgotten viewers out, frames back; or, with
        nothing to ask, a wait for a want (at most RENEW_SECONDS: then an exchange renews the viewers' leases)."""
        now = self._loop.time()
        waiting = [viewer for viewer in self._viewers.values() if viewer.wanting and not viewer.frames]
        wants = [viewer for viewer in waiting
                 if viewer.asked_at is None or now - viewer.asked_at > ASK_AGAIN_SECONDS]
        if not wants and not self._gone and not waiting:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), RENEW_SECONDS)
                return  # something to ask: the next round builds it
            except TimeoutError:
                if not self._viewers:
                    return
        gone, self._gone = self._gone, []
        for viewer in wants:
            viewer.asked_at = now
        asked = [(v.key, v.session_id, v.passive, v.bytes_per_second, v.output_resolution, v.neuron_resolution)
                 for v in wants]
        self._in_flight = True
        try:
            answer = await asyncio.wait_for(
                self.handle.exchange.remote(self._owner, asked, gone, EXCHANGE_WAIT_SECONDS if waiting else 0.0),
                REQUEST_TIMEOUT_SECONDS)
        except (TimeoutError, _ray_exceptions().RayError) as exc:
            self._lost(f"an exchange failed: {type(exc).__name__}")
            await asyncio.sleep(1.0)
            return
        finally:
            self._in_flight = False
            if self._nudge is not None:
                self._nudge.cancel()
                self._nudge = None
        if answer == RESTARTING:  # the host stops serving (an upgrade ends it)
            self._lost("stopping")
            return
        for key, frames in answer.items():
            viewer_id = int(key.rsplit(":", 1)[1])
            viewer = self._viewers.get(viewer_id)
            if viewer is None or viewer.key != key:
                continue
            if frames is None:  # its session was deleted
                self._close(viewer_id, viewer)
                continue
            viewer.frames.extend(frames)
            viewer.asked_at = None  # its want was answered
            self._deliver(viewer)

    def _deliver(self, viewer: RayViewer) -> None:
        if viewer.wanting and viewer.frames:
            viewer.wanting = False
            viewer.on_frame(viewer.frames.popleft())

    def _close(self, viewer_id: int, viewer: RayViewer) -> None:
        if self._viewers.get(viewer_id) is viewer:
            del self._viewers[viewer_id]
            viewer.on_closed()

    def _lost(self, why: str) -> None:
        """The host is dead, restarting, stopping, unreachable or stuck: its sessions' pages reconnect (1012) and
        watch again, under a new owner name, so that whatever the host still holds of the old one lapses there."""
        self._restarting(None, why)
        self._owner = secrets.token_hex(8)
        self._gone.clear()
        for viewer_id, viewer in list(self._viewers.items()):
            self._close(viewer_id, viewer)


async def live(manager, session_ids: list[str]) -> dict[str, int]:
    """SessionManager.live on a cluster: those of ``session_ids`` in their hosts' memory (one call per host concerned,
    all at once), each with its viewers on every web node; their records made in ``manager``."""
    by_host: dict[int, list[str]] = {}
    for session_id in session_ids:
        by_host.setdefault(host_index(session_id, len(manager.hosts)), []).append(session_id)
    answers = await asyncio.gather(*(manager.hosts[index].loaded(ids) for index, ids in by_host.items()))
    live = {}
    for session_id, viewers in (item for answer in answers for item in answer.items()):
        try:
            await manager.bring_back(session_id)  # in its host's memory: only its row is read, the record made here
        except (SessionNotFound, HostUnavailable, LimitReached):
            continue
        live[session_id] = viewers
    return live


def join(settings: Settings, store_backend: str, on_death: Callable[[RayHostClient], None]) -> list[RayHostClient]:
    """``connect``, for a web node starting: refused without a store every node reaches; on a thread of its own
    (ray.init on the main thread would take over SIGTERM, uvicorn's graceful stop)."""
    if store_backend == "sqlite":
        raise RuntimeError("NNPLAY_HOSTS=ray needs a store every node reaches: set NNPLAY_DATABASE_URL to a "
                           "PostgreSQL database (docs/deploy.md)")
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="nnplay-ray-connect") as pool:
        return pool.submit(connect, settings, on_death).result()


def _hosts_of_the_cluster(ray) -> int | None:
    """How many host actors the cluster was made with, if it has them: every web node must place sessions alike."""
    try:
        first = ray.get_actor(HOST_NAME.format(index=0), namespace=RAY_NAMESPACE)
    except ValueError:  # none yet: this web node makes them
        return None
    return ray.get(first.layout.remote(), timeout=CONNECT_SECONDS)


def _retrieved(future) -> None:
    """Mark a call's outcome as seen (no "exception was never retrieved" for calls nobody awaits)."""
    if not future.cancelled():
        future.exception()


def _ray_exceptions():
    import ray.exceptions

    return ray.exceptions


def connect(settings: Settings, on_death: Callable[[RayHostClient], None] | None = None) -> list[RayHostClient]:
    """Join the Ray cluster at RAY_ADDRESS and make sure its host actors run; a client for each. Blocking (seconds):
    call it off the event loop, and off the main thread (``ray.init`` there would take over SIGTERM)."""
    os.environ.setdefault("RAY_IGNORE_UNHANDLED_ERRORS", "1")  # failed fire-and-forget calls are expected
    try:
        import ray
    except ImportError:
        raise RuntimeError('NNPLAY_HOSTS=ray needs Ray: pip install -e ".[cluster]" (docs/deploy.md)') from None
    from app.host.ray_actor import HostActor

    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS", "auto")
        try:
            ray.init(address=address, namespace=RAY_NAMESPACE, log_to_driver=False)
        except Exception as exc:  # no cluster there, a wrong token...: one sentence, not a traceback in the log
            raise RuntimeError(f"cannot join the Ray cluster at RAY_ADDRESS={address}: {exc} "
                               "(docs/deploy.md)") from None
    nodes = [node for node in ray.nodes() if node["Alive"] and node["Resources"].get("CPU", 0) > 0]
    cores = sum(node["Resources"]["CPU"] for node in nodes)
    existing = _hosts_of_the_cluster(ray)
    if existing is not None and settings.ray_hosts not in (None, existing):
        raise RuntimeError(f"the cluster's host actors were made for {existing} hosts, NNPLAY_RAY_HOSTS says "
                           f"{settings.ray_hosts}: stop them first to change it (docs/deploy.md \"Upgrades\")")
    count = existing or settings.ray_hosts or max(1, int(cores))
    # Every host must fit on the surviving nodes when one node is lost: H actors of R CPUs on N nodes of C cores
    # need H * R <= (N - 1) * C, so R = (N - 1) / N when H = N * C. Alone on one node: the whole core.
    cpus = (len(nodes) - 1) / len(nodes) if len(nodes) > 1 else 1.0
    cpus = max(0.01, math.floor(cpus * cores / count * 100) / 100) if cores else 0.01
    actor = ray.remote(HostActor)
    options = {"namespace": RAY_NAMESPACE, "lifetime": "detached", "get_if_exists": True, "max_restarts": -1,
               "max_task_retries": 0, "max_concurrency": MAX_CONCURRENCY, "num_cpus": cpus,
               "scheduling_strategy": "SPREAD", "runtime_env": {"env_vars": ONE_BLAS_THREAD}}
    values = settings.model_dump(mode="json")
    handles = [actor.options(name=HOST_NAME.format(index=index), **options).remote(values, index, hosts=count)
               for index in range(count)]
    log.info("%d host actors on %d Ray nodes (%g CPU each)", count, len(nodes), cpus)
    return [RayHostClient(settings, index, handle, on_death) for index, handle in enumerate(handles)]
