"""The host actor of a Ray cluster (app/host/ray_actor.py) as a plain object, without Ray: its methods on an event
loop, the SessionHost it wraps serving on its thread, the store a SQLite file of the test. What it adds to a local
host: calls on a session not in memory bring it back from its checkpoint first; frames are pulled; viewers lapse
when their web node stops renewing them; idle, unwatched sessions are unloaded by the actor itself."""

import asyncio
import time

import pytest

from app.core.config import Settings
from app.core.placement import host_index
from app.host import ray_actor
from app.host.frames import decode
from app.host.ray_actor import HostActor
from tests.conftest import run_in_own_loop

SMALL = {"data": {"name": "xor", "n_points": 40, "noise": 0.0}, "hidden_layers": [3], "batch_size": 40}
SESSION = "s" * 12


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(tmp_path):
    return Settings(workers=0, data_dir=tmp_path, session_idle_seconds=60).model_dump(mode="json")


def scenario(settings: dict, body, clock: Clock | None = None, hosts: int = 1):
    """Run ``body(actor)`` on a fresh loop with a new actor (host 0 of ``hosts``); its host is stopped after."""

    async def run():
        actor = HostActor(settings, 0, clock or Clock(), hosts=hosts)
        try:
            return await body(actor)
        finally:
            await actor.stop()

    return run_in_own_loop(run())


async def pull_until(actor: HostActor, viewer_id: int, condition, passive: bool = False,
                     session_id: str = SESSION) -> list[bytes]:
    """Pull (as a web node does) until the frames pulled so far satisfy ``condition``."""
    frames: list[bytes] = []
    for _ in range(50):
        got = await actor.pull(viewer_id, session_id, passive, None, 16, 4)
        assert got is not None, "the viewer was closed"
        frames += got
        if condition(frames):
            return frames
    raise AssertionError(f"{len(frames)} frames after 50 pulls")


def test_a_created_session_is_stored_before_the_answer_and_its_calls_run(settings):
    async def body(actor):
        ok, described = await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        assert ok and described["id"] == SESSION
        assert actor.host.store.find(SESSION) is not None  # written before the answer: any web node finds it
        ok, result = await actor.call(SESSION, "train", (5,))
        assert ok and result["epochs_run"] == 5
        ok, error = await actor.call("n" * 12, "describe", ())
        assert not ok and error[1] == "session.not_found"  # an error is an answer, not an exception

    scenario(settings, body)


def test_a_call_on_a_session_not_in_memory_brings_it_back_from_its_checkpoint_first(settings):
    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        await actor.call(SESSION, "train", (7,))
        ok, written = await actor.unload(SESSION)
        assert ok and written and SESSION not in actor.host.sessions
        ok, described = await actor.call(SESSION, "describe", ())  # as after this actor was restarted
        assert ok and described["metrics"]["epoch"] == 7 and SESSION in actor.host.sessions

    scenario(settings, body)


def test_a_deleted_session_is_not_brought_back(settings):
    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        await actor.delete(SESSION)
        ok, error = await actor.call(SESSION, "describe", ())
        assert not ok and error[1] == "session.not_found"

    scenario(settings, body)


def test_frames_are_pulled_one_change_at_a_time_and_a_deleted_session_closes_its_viewer(settings):
    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        first = await pull_until(actor, 1, bool)
        assert [decode(frame)[0]["epoch"] for frame in first] == [0]
        assert await actor.pull(1, SESSION, False, None, 16, 4) == []  # nothing changed: nothing new (after a wait)
        await actor.call(SESSION, "train", (3,))
        frames = await pull_until(actor, 1, bool)
        assert decode(frames[-1])[0]["epoch"] == 3
        await actor.delete(SESSION)
        for _ in range(1000):  # each pull waits PULL_SECONDS at most: until the host has handled the delete
            got = await actor.pull(1, SESSION, False, None, 16, 4)
            if got is None:
                break
            assert got == []
        assert got is None

    ray_actor.PULL_SECONDS, before = 0.05, ray_actor.PULL_SECONDS  # the empty pull's wait
    try:
        scenario(settings, body)
    finally:
        ray_actor.PULL_SECONDS = before


def test_viewers_whose_web_node_stopped_renewing_them_lapse_and_the_rest_stay(settings):
    clock = Clock()

    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        await pull_until(actor, 1, bool)
        await pull_until(actor, 2, bool)
        clock.now += ray_actor.VIEWER_LEASE_SECONDS - 1
        await actor.renew([2])
        assert actor.drop_lapsed_viewers() == []
        clock.now += 2
        assert actor.drop_lapsed_viewers() == [1]
        assert set(actor.connection.viewers) == {2}
        await asyncio.sleep(0)
        assert await asyncio.to_thread(lambda: wait_unwatched(actor, 1))

    scenario(settings, body, clock)


def wait_unwatched(actor: HostActor, viewer_id: int) -> bool:
    deadline = time.monotonic() + 10
    while viewer_id in actor.host.viewers:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_idle_sessions_are_unloaded_by_the_actor_but_not_while_someone_watches(settings):
    clock = Clock()
    other = "o" * 12

    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        await actor.create(other, other, SMALL, "hash", "owner")
        await pull_until(actor, 1, bool)  # SESSION is watched (its viewer renews its lease)
        await pull_until(actor, 2, bool, passive=True, session_id=other)  # a teacher's tile keeps nothing in memory
        clock.now += 61
        await actor.renew([1, 2])
        assert actor.idle_sessions() == [other]
        await actor.call(SESSION, "describe", ())
        clock.now += 30
        await actor.renew([1, 2])
        assert actor.idle_sessions() == []  # watched, and touched since

    scenario(settings, body, clock)


def test_the_actor_holds_its_share_of_the_live_sessions_and_caps_heavy_calls_per_principal(tmp_path):
    settings = Settings(workers=0, data_dir=tmp_path, max_sessions=3, max_heavy_calls=1).model_dump(mode="json")

    async def run():
        actor = HostActor(settings, 0, Clock(), hosts=2)  # its share: 2 of 3
        try:
            assert (await actor.create("a" * 12, "a" * 12, SMALL, "hash", "owner"))[0]
            assert (await actor.create("b" * 12, "b" * 12, SMALL, "hash", "owner"))[0]
            ok, error = await actor.create("c" * 12, "c" * 12, SMALL, "hash", "owner")
            assert not ok and error[1:] == ("limit.server_sessions", {"most": 3})
            assert (await actor.restore("a" * 12))[0]  # one it holds already is no more
            # Two heavy calls of one principal at once, from two web nodes: the second is refused here.
            slow = asyncio.ensure_future(actor.call("a" * 12, "train", (5000,)))
            while not actor._heavy:
                await asyncio.sleep(0.001)
            ok, error = await actor.call("a" * 12, "train", (1,))
            assert not ok and error[1] == "limit.heavy_calls"
            assert (await actor.call("b" * 12, "train", (1,)))[0]  # another principal is not held up
            await actor.delete("a" * 12)
            await slow
            assert actor._heavy == {}
        finally:
            await actor.stop()

    run_in_own_loop(run())


def test_a_restarted_actor_brings_back_its_recent_sessions_and_only_its_own(tmp_path):
    settings = Settings(workers=0, data_dir=tmp_path).model_dump(mode="json")
    ids = [f"{letter}" * 12 for letter in "abcdefgh"]
    mine = {sid for sid in ids if host_index(sid, 2) == 1}
    assert mine and mine != set(ids)  # (both hosts have some of them)

    async def first_life():
        actors = [HostActor(settings, index, Clock(), hosts=2) for index in range(2)]
        for sid in ids:
            assert (await actors[host_index(sid, 2)].create(sid, sid, SMALL, "hash", "owner"))[0]
        for actor in actors:
            await actor.stop()  # checkpoints written: as a crash after they were

    async def second_life():
        actor = HostActor(settings, 1, Clock(), hosts=2)
        try:
            await asyncio.to_thread(wait_until, lambda: set(actor.host.sessions) == mine)
            assert set(actor.host.sessions) == mine  # nobody called: it brought them back itself
        finally:
            await actor.stop()

    run_in_own_loop(first_life())
    run_in_own_loop(second_life())


def wait_until(condition) -> None:
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, "not within 20 s"
        time.sleep(0.01)


def test_a_session_of_another_host_is_refused_and_an_unload_under_way_is_waited_for(settings):
    async def body(actor):
        ok, error = await actor.create(OTHERS, OTHERS, SMALL, "hash", "owner")
        assert not ok and error[1] == "host.wrong"  # web nodes that disagree on the number of hosts
        await actor.create(OURS, OURS, SMALL, "hash", "owner")
        await actor.call(OURS, "train", (3,))
        unloading = asyncio.ensure_future(actor.unload(OURS))
        await asyncio.sleep(0)  # the unload is under way
        ok, described = await actor.call(OURS, "describe", ())  # a student back just as it left memory
        assert ok and described["metrics"]["epoch"] == 3
        assert (await unloading)[1] is True

    OURS, OTHERS = "a" * 12, "d" * 12
    assert (host_index(OURS, 2), host_index(OTHERS, 2)) == (0, 1)
    scenario(settings, body, hosts=2)


def test_concurrent_creates_hold_the_share_of_live_sessions(tmp_path):
    settings = Settings(workers=0, data_dir=tmp_path, max_sessions=2).model_dump(mode="json")

    async def run():
        actor = HostActor(settings, 0, Clock())
        try:
            answers = await asyncio.gather(*(actor.create(f"{n}" * 12, "p", SMALL, "hash", "owner") for n in range(5)))
            assert sum(ok for ok, _ in answers) == 2
            assert {value[1] for ok, value in answers if not ok} == {"limit.server_sessions"}
        finally:
            await actor.stop()

    run_in_own_loop(run())
