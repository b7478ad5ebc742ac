"""The web process's side of a session host: async calls, frame delivery, and starting/stopping the host.

A reader thread receives everything the host sends and hands it to the event loop: results resolve
the awaiting call's future, frames go to the viewer's callback. Calls from the loop only write to the
connection, under a lock. When the host's end of the connection closes without our asking it to stop (its
process was killed or crashed), ``on_death`` is called on the event loop before the waiting calls fail and
the viewers are closed, so that whoever owns the host can tell them the truth (app/web/sessions.py).
"""

import asyncio
import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable

from app.core.config import Settings
from app.core.errors import HostUnavailable, SessionError, transported
from app.core.host_api import Op
from app.host.host import SessionHost, run_host

STOP_TIMEOUT_SECONDS = 5
# A host is one process per core: its NumPy must not start BLAS threads of its own, which would compete with
# the other hosts for the same cores (measured: a user's frames 2.2x as often under load, docs/performance.md).
ONE_BLAS_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
REQUEST_TIMEOUT_SECONDS = 60  # longer than any operation may take (REST training stops at 20 s)


class HostClient:
    """One session host (a process, or a thread when ``in_process``), seen from the event loop."""

    def __init__(self, settings: Settings, in_process: bool = False,
                 on_death: Callable[["HostClient"], None] | None = None):
        self.settings = settings
        self.in_process = in_process
        self.on_death = on_death  # called on the event loop when the host ends without being asked to
        self.started_at: float | None = None  # time.monotonic() when it started
        self.sessions = 0  # how many sessions live here (for placing new ones)
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future] = {}
        self._late: dict[int, Callable[[], None]] = {}  # calls nobody waits for any more, still running there
        self._viewers: dict[int, tuple[Callable[[bytes], None], Callable[[], None]]] = {}
        self._send_lock = threading.Lock()
        self._worker = None
        self._reader = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._alive = False
        self._stopping = False

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Start the host and the reader thread; call from the running event loop, or from another thread
        with that ``loop`` (starting a process takes a moment, which the loop need not wait for)."""
        self._loop = loop or asyncio.get_running_loop()
        self.started_at = time.monotonic()
        if self.in_process:
            ours, theirs = multiprocessing.Pipe()
            self._worker = threading.Thread(target=SessionHost(self.settings, theirs).serve, name="nnplay-host",
                                            daemon=True)
        else:
            for name, value in ONE_BLAS_THREAD.items():  # read by the new process's NumPy as it starts
                os.environ.setdefault(name, value)
            context = multiprocessing.get_context("spawn")  # no fork of a threaded process
            ours, theirs = context.Pipe()
            self._worker = context.Process(target=run_host, args=(self.settings.model_dump(), theirs),
                                           name="nnplay-host", daemon=True)
        self._worker.start()
        if not self.in_process:
            theirs.close()
            # Training soaks up every idle cycle; the web process, which answers requests and sends frames, must
            # not wait behind it. Lowered from here, at once, so that a new host's start (its imports) already
            # runs at the lower priority and does not slow the other hosts.
            os.setpriority(os.PRIO_PROCESS, self._worker.pid,
                           os.getpriority(os.PRIO_PROCESS, 0) + self.settings.host_niceness)
        self._connection = ours
        self._alive = True
        self._reader = threading.Thread(target=self._read_forever, name="nnplay-host-reader", daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        """Whether the host still answers (a host that died takes no new sessions)."""
        return self._alive

    def ask_to_stop(self) -> None:
        """Tell the host to stop (it checkpoints its sessions first) without waiting for it: ``stop`` waits."""
        if self._worker is None or self._stopping:
            return
        self._stopping = True  # the end of the connection that follows is no death
        try:
            self._post(("stop",))
        except HostUnavailable:
            pass

    def stop(self) -> None:
        """Ask the host to stop, wait a little for it, then close our end once the reader has seen theirs close."""
        if self._worker is None:
            return
        self.ask_to_stop()
        self._worker.join(STOP_TIMEOUT_SECONDS)
        if not self.in_process and self._worker.is_alive():
            self._worker.terminate()
            self._worker.join(STOP_TIMEOUT_SECONDS)
        self._reader.join(STOP_TIMEOUT_SECONDS)
        self._alive = False
        self._connection.close()
        self._worker = None

    # ----- sending ---------------------------------------------------------------------------------
    def _post(self, message: tuple) -> None:
        if not self._alive and message[0] != "stop":
            raise HostUnavailable()
        with self._send_lock:
            try:
                self._connection.send(message)
            except (OSError, EOFError, BrokenPipeError):
                self._alive = False
                raise HostUnavailable() from None
            except RecursionError:  # a value nested thousands deep (valid JSON) cannot be pickled for the host
                raise SessionError("request.nesting") from None

    async def _request(self, message: tuple, when_answered: Callable[[], None] | None = None) -> object:
        """Send ``message`` and wait for its result. ``when_answered`` is called once the host has answered (or
        died), even if the caller stopped waiting before: a call its caller gave up on still runs there."""
        request_id = message[1]
        future = self._loop.create_future()
        self._pending[request_id] = future
        try:
            self._post(message)
            ok, value = await asyncio.wait_for(future, REQUEST_TIMEOUT_SECONDS)
        except (asyncio.CancelledError, TimeoutError) as exc:
            if when_answered is not None and self._alive:
                self._late[request_id], when_answered = when_answered, None  # the host still works on it
            if isinstance(exc, TimeoutError):
                raise HostUnavailable("host.timeout") from None
            raise
        finally:
            self._pending.pop(request_id, None)
            if when_answered is not None:
                when_answered()
        if ok:
            return value
        raise transported(*value)

    async def create(self, session_id: str, principal: str, config: dict, token_hash: str, owner: str,
                     class_id: str | None = None) -> dict:
        """Build a session on this host, its work done on behalf of ``principal``, and store it (with its
        token's hash, its owner and its class); its description."""
        return await self._request(("create", next(self._ids), session_id, principal, config, token_hash, owner,
                                    class_id))

    async def writer_status(self) -> dict:
        """The host's checkpoint writer: waiting, written, failing_seconds, last_error."""
        return await self._request(("writer_status", next(self._ids)))

    async def restore(self, session_id: str) -> dict:
        """Bring a stored session back into this host from its checkpoint; its description."""
        return await self._request(("restore", next(self._ids), session_id))

    async def call(self, session_id: str, op: Op, *args, when_answered: Callable[[], None] | None = None) -> object:
        """Run operation ``op`` (app/core/host_api.py) on a session; its result, or its error raised here.
        ``when_answered``: called once the host has answered, even after the caller stopped waiting."""
        return await self._request(("call", next(self._ids), session_id, str(op), args), when_answered)

    def delete(self, session_id: str) -> None:
        """Drop a session and its stored data; its viewers get closed."""
        self._post(("delete", session_id))

    async def unload(self, session_id: str) -> bool:
        """Checkpoint a session and drop it from memory; it stays in the store. Whether the checkpoint was
        written (the host waits for it, within a bound)."""
        return await self._request(("unload", next(self._ids), session_id))

    def watch(self, viewer_id: int, session_id: str, on_frame: Callable[[bytes], None],
              on_closed: Callable[[], None], passive: bool = False, bytes_per_second: float | None = None) -> None:
        """Register a viewer; frames it asks for arrive through ``on_frame`` on the event loop. A ``passive``
        viewer (a teacher looking on) gets frames when the session changes but does not make it train; its
        frames fit ``bytes_per_second`` (default: a stream's)."""
        self._viewers[viewer_id] = (on_frame, on_closed)
        self._post(("watch", viewer_id, session_id, passive, bytes_per_second))

    def want(self, viewer_id: int, output_resolution: int, neuron_resolution: int) -> None:
        """The viewer is ready for its next frame (sent when the session has changed)."""
        self._post(("want", viewer_id, output_resolution, neuron_resolution))

    def unwatch(self, viewer_id: int) -> None:
        """Forget a viewer."""
        self._viewers.pop(viewer_id, None)
        if self._alive:
            self._post(("unwatch", viewer_id))

    # ----- receiving (reader thread) ---------------------------------------------------------------
    def _read_forever(self) -> None:
        try:
            while True:
                try:
                    message = self._connection.recv()
                except (EOFError, OSError):
                    break
                self._loop.call_soon_threadsafe(self._deliver, message)
            self._alive = False
            self._loop.call_soon_threadsafe(self._ended)
        except RuntimeError:
            pass  # the event loop has closed: the server is shutting down

    def _deliver(self, message: tuple) -> None:
        kind = message[0]
        if kind == "result":
            future = self._pending.get(message[1])
            if future is not None and not future.done():
                future.set_result((message[2], message[3]))
            late = self._late.pop(message[1], None)
            if late is not None:
                late()
        elif kind == "frame":
            handlers = self._viewers.get(message[1])
            if handlers is not None:
                handlers[0](message[2])
        elif kind == "closed":
            handlers = self._viewers.pop(message[1], None)
            if handlers is not None:
                handlers[1]()

    def _ended(self) -> None:
        try:
            if not self._stopping and self.on_death is not None:
                self.on_death(self)
        finally:
            self._fail_all()

    def _fail_all(self) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_result((False, ("HostUnavailable", "host.unavailable", {})))
        late, self._late = list(self._late.values()), {}
        for answered in late:  # their host is gone: they will never answer
            answered()
        for _, on_closed in list(self._viewers.values()):
            on_closed()
        self._viewers.clear()
