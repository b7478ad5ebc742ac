"""The web node's side of a host actor (app/web/ray_hosts.py RayHostClient) against the real HostActor, without
Ray: a stand-in handle runs the actor's methods as tasks on the same event loop and hands back what Ray's
ObjectRefs offer (``future()`` and ``await``). Frames reach their viewer one per ``want``, in order, none lost,
several viewers' frames in few exchanges; a viewer is forgotten on the host with the next exchange; a dead actor
becomes ``session.restarting`` for calls and the end of its streams, told to whoever owns the host."""

import asyncio
import concurrent.futures

import pytest
import ray.exceptions

from app.core.config import Settings
from app.core.errors import HostUnavailable, SessionNotFound
from app.host.frames import decode
from app.host.ray_actor import HostActor
from app.web.ray_hosts import RayHostClient
from tests.conftest import run_in_own_loop

SMALL = {"data": {"name": "xor", "n_points": 40, "noise": 0.0}, "hidden_layers": [3], "batch_size": 40}
SESSION = "a" * 12


class Reference:
    """What a Ray ObjectRef offers the client: ``future()`` and ``await``."""

    def __init__(self, future: concurrent.futures.Future):
        self._future = future

    def future(self) -> concurrent.futures.Future:
        return self._future

    def __await__(self):
        return asyncio.wrap_future(self._future).__await__()


class Handle:
    """Stands in for a Ray actor handle: ``handle.method.remote(*args)`` runs the actor's method as a task; once
    ``dead``, every call fails as Ray's do when an actor died."""

    def __init__(self, actor: HostActor):
        self.actor, self.dead, self.calls = actor, False, []

    def __getattr__(self, name: str):
        handle = self

        class Method:
            @staticmethod
            def remote(*args):
                handle.calls.append((name, args))
                future: concurrent.futures.Future = concurrent.futures.Future()
                if handle.dead:
                    future.set_exception(ray.exceptions.ActorDiedError())
                    return Reference(future)

                async def run():
                    try:
                        result = await getattr(handle.actor, name)(*args)
                    except Exception as exc:  # noqa: BLE001 - as Ray would carry it
                        if not future.done():
                            future.set_exception(exc)
                    else:
                        if not future.done():  # (its caller may have given up)
                            future.set_result(result)

                asyncio.get_running_loop().create_task(run())
                return Reference(future)

        return Method()


def scenario(tmp_path, body):
    settings = Settings(workers=0, data_dir=tmp_path)

    async def run():
        actor = HostActor(settings.model_dump(mode="json"), 0)
        handle = Handle(actor)
        deaths = []
        client = RayHostClient(settings, 0, handle, on_death=deaths.append)
        client.start()
        try:
            await body(client, handle, deaths)
        finally:
            client.stop()
            await actor.stop()

    run_in_own_loop(run())


async def watched(client: RayHostClient) -> tuple[asyncio.Queue, asyncio.Event]:
    """A new session with viewer 1 on it: the queue its frames arrive in, and the event set when it is closed."""
    await client.create(SESSION, SESSION, SMALL, "hash", "owner")
    frames: asyncio.Queue = asyncio.Queue()
    closed = asyncio.Event()
    client.watch(1, SESSION, frames.put_nowait, closed.set)
    return frames, closed


def test_frames_come_one_per_want_in_order_and_the_viewer_is_forgotten_with_the_next_exchange(tmp_path):
    async def body(client, handle, deaths):
        frames, closed = await watched(client)
        client.want(1, 16, 4)
        first = decode(await asyncio.wait_for(frames.get(), 20))[0]
        assert first["epoch"] == 0
        await client.call(SESSION, "train", 3)
        client.want(1, 16, 4)
        assert decode(await asyncio.wait_for(frames.get(), 20))[0]["epoch"] == 3
        assert frames.empty()  # one frame per want
        client.unwatch(1)
        for _ in range(500):  # its unwatch reaches the host
            if not handle.actor.connection.viewers:
                break
            await asyncio.sleep(0.01)
        assert not handle.actor.connection.viewers and not closed.is_set() and not deaths

    scenario(tmp_path, body)


def test_a_deleted_session_closes_its_viewer_and_its_calls_say_not_found(tmp_path):
    async def body(client, handle, deaths):
        frames, closed = await watched(client)
        client.want(1, 16, 4)
        await asyncio.wait_for(frames.get(), 20)
        client.want(1, 16, 4)  # waits for a change that never comes
        client.delete(SESSION)
        await asyncio.wait_for(closed.wait(), 20)
        with pytest.raises(SessionNotFound):
            await client.call(SESSION, "describe")
        assert not deaths

    scenario(tmp_path, body)


def test_a_dead_actor_is_told_and_its_calls_and_streams_say_restarting(tmp_path):
    async def body(client, handle, deaths):
        await client.create(SESSION, SESSION, SMALL, "hash", "owner")
        closed = asyncio.Event()
        client.watch(1, SESSION, lambda frame: None, closed.set)
        owner = client._owner
        handle.dead = True
        client.want(1, 16, 4)
        await asyncio.wait_for(closed.wait(), 20)
        assert client._owner != owner  # what the host may still hold of the old viewers lapses there
        answered = []
        with pytest.raises(HostUnavailable) as failed:
            await client.call(SESSION, "train", 1, when_answered=lambda: answered.append(True))
        assert failed.value.code == "session.restarting" and failed.value.params == {"session_id": SESSION}
        assert answered == [True]  # (the web node's count of heavy calls under way goes down)
        assert deaths and all(host is client for host in deaths)

    scenario(tmp_path, body)


def test_a_cluster_web_node_refuses_to_start_on_a_store_other_nodes_cannot_reach(tmp_path):
    from app.web.sessions import SessionManager

    manager = SessionManager(Settings(hosts="ray", data_dir=tmp_path))

    async def start():
        manager.start()

    with pytest.raises(RuntimeError, match="NNPLAY_DATABASE_URL"):
        run_in_own_loop(start())
    assert manager.hosts == []  # nothing joined, nothing started


def test_many_viewers_wants_travel_in_one_exchange(tmp_path):
    viewers = 12

    async def body(client, handle, deaths):
        sessions = [f"{chr(ord('a') + n)}" * 12 for n in range(viewers)]
        for session_id in sessions:
            await client.create(session_id, session_id, SMALL, "hash", "owner")
        arrived: asyncio.Queue = asyncio.Queue()
        for n, session_id in enumerate(sessions):
            client.watch(n, session_id, lambda frame, n=n: arrived.put_nowait(n), lambda: None)
        before = len(handle.calls)
        for n in range(viewers):
            client.want(n, 16, 4)
        got = {await asyncio.wait_for(arrived.get(), 20) for _ in range(viewers)}
        assert got == set(range(viewers))
        exchanges = [args for name, args in handle.calls[before:] if name == "exchange"]
        assert len(exchanges[0][1]) == viewers  # every want in the first call (they were one call each before)

    scenario(tmp_path, body)
