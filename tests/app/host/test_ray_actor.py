"""The host actor of a Ray cluster (app/host/ray_actor.py) as a plain object, without Ray: its methods on an event
loop, the SessionHost it wraps serving on its thread, the store a SQLite file of the test. What it adds to a local
host: calls on a session not in memory bring it back from its checkpoint first; frames are collected per web
process, all its viewers in one exchange; viewers lapse when their web process stops exchanging; idle, unwatched
sessions are unloaded by the actor itself."""

import asyncio

import pytest

from app.core.config import Settings
from app.core.placement import host_index
from app.host import ray_actor
from app.host.frames import decode
from app.host.ray_actor import HostActor
from tests.conftest import run_in_own_loop, wait_for

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


WAIT = 0.05  # an exchange's wait for a frame, in these tests


def want(key: str, session_id: str = SESSION, passive: bool = False) -> tuple:
    """A viewer's want as a web process sends it: (key, session id, passive, bytes per second, resolutions)."""
    return key, session_id, passive, None, 16, 4


async def frames_for(actor: HostActor, key: str, condition, session_id: str = SESSION,
                     passive: bool = False) -> list[bytes]:
    """Exchange as a web process does (its want once, then empty exchanges) until the frames that came for ``key``
    satisfy ``condition``; those frames."""
    owner, frames, wants = key.split(":")[0], [], [want(key, session_id, passive)]
    for _ in range(200):
        answer = await actor.exchange(owner, wants, [], WAIT)
        wants = []
        got = answer.get(key, [])
        assert got is not None, "the viewer was closed"
        frames += got
        if condition(frames):
            return frames
    raise AssertionError(f"{len(frames)} frames after 200 exchanges")


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


def test_frames_come_one_per_want_and_change_and_a_deleted_session_closes_its_viewer(settings):
    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        first = await frames_for(actor, "w:1", bool)
        assert [decode(frame)[0]["epoch"] for frame in first] == [0]
        assert await actor.exchange("w", [want("w:1")], [], WAIT) == {}  # wanted, but nothing changed: nothing
        await actor.call(SESSION, "train", (3,))
        frames = await frames_for(actor, "w:1", bool)  # (its want is still there)
        assert [decode(frame)[0]["epoch"] for frame in frames] == [3]
        await actor.delete(SESSION)
        for _ in range(1000):  # until the host has handled the delete
            answer = await actor.exchange("w", [], [], WAIT)
            if "w:1" in answer:
                break
        assert answer == {"w:1": None} and "w:1" not in actor.connection.viewers

    scenario(settings, body)


def test_one_exchange_brings_every_viewer_s_frames_and_a_nudge_ends_its_wait(settings):
    other = "b" * 12

    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        await actor.create(other, other, SMALL, "hash", "owner")
        await frames_for(actor, "x:3", bool)  # another web process's viewer
        got: dict[str, list] = {}
        wants = [want("w:1"), want("w:2", other), want("x:4")]  # two viewers of its own; one it may not claim
        for _ in range(200):
            answer = await actor.exchange("w", wants, [], WAIT)
            wants = []
            for key, frames in answer.items():
                got.setdefault(key, []).extend(["refused"] if frames is None else frames)
            if len(got) == 3:
                break
        assert got["x:4"] == ["refused"] and "x:4" not in actor.connection.viewers  # not its viewer
        assert len(got["w:1"]) == len(got["w:2"]) == 1  # its own viewers' frames, whichever session
        waiting = asyncio.ensure_future(actor.exchange("w", [], [], 60))  # nothing to come for a long while
        await asyncio.sleep(0)
        await actor.nudge("w")  # a new want on the web side: answer now
        assert await asyncio.wait_for(waiting, 10) == {}
        assert await actor.exchange("w", [], ["w:2"], 0) == {}
        assert set(actor.connection.viewers) == {"w:1", "x:3"}

    scenario(settings, body)


def test_viewers_whose_web_process_stopped_exchanging_lapse_and_the_rest_stay(settings):
    clock = Clock()

    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        await frames_for(actor, "a:1", bool)
        await frames_for(actor, "b:2", bool)
        clock.now += ray_actor.VIEWER_LEASE_SECONDS - 1
        await actor.exchange("b", [], [], 0)  # web process b is still there
        assert actor.drop_lapsed_viewers() == []
        clock.now += 2
        assert actor.drop_lapsed_viewers() == ["a:1"]
        assert set(actor.connection.viewers) == {"b:2"}
        await asyncio.to_thread(wait_for, lambda: "a:1" not in actor.host.viewers, "the host forgot the viewer")

    scenario(settings, body, clock)


def test_idle_sessions_are_unloaded_by_the_actor_but_not_while_someone_watches(settings):
    clock = Clock()
    other = "o" * 12

    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        await actor.create(other, other, SMALL, "hash", "owner")
        await frames_for(actor, "w:1", bool)  # SESSION is watched
        await frames_for(actor, "w:2", bool, session_id=other, passive=True)  # a teacher's tile keeps nothing alive
        clock.now += 61
        await actor.exchange("w", [], [], 0)  # (their leases renewed)
        assert actor.idle_sessions() == [other]
        await actor.call(SESSION, "describe", ())
        clock.now += 30
        await actor.exchange("w", [], [], 0)
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
            await asyncio.sleep(0)  # it runs up to its first wait: counted by then
            assert actor._heavy == {"a" * 12: 1}
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
            await asyncio.to_thread(wait_for, lambda: set(actor.host.sessions) == mine, "its sessions back")
            assert set(actor.host.sessions) == mine  # nobody called: it brought them back itself
        finally:
            await actor.stop()

    run_in_own_loop(first_life())
    run_in_own_loop(second_life())


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


def test_a_session_deleted_between_exchanges_is_reported_and_a_stopping_host_says_restarting(settings):
    async def body(actor):
        await actor.create(SESSION, SESSION, SMALL, "hash", "owner")
        await frames_for(actor, "w:1", bool)
        await actor.delete(SESSION)
        # closed while no exchange ran:
        await asyncio.to_thread(wait_for, lambda: actor.connection.viewers["w:1"].closed, "the viewer closed")
        assert await actor.exchange("w", [], [], 0) == {"w:1": None}
        assert "w:1" not in actor.connection.viewers
        await actor.create(OTHER, OTHER, SMALL, "hash", "owner")
        await frames_for(actor, "w:2", bool, session_id=OTHER)
        waiting = asyncio.ensure_future(actor.exchange("w", [want("w:2", OTHER)], [], 60))
        await asyncio.sleep(0)
        await actor.stop()  # (an upgrade): its pages must reconnect, not hear that their sessions ended
        assert await asyncio.wait_for(waiting, 10) == ray_actor.RESTARTING

    OTHER = "o" * 12
    scenario(settings, body)
