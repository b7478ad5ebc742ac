"""The expensive part of a frame (the snapshot: grids and weights) is taken once per session, version and
view, and shared by the session's viewers; each viewer's encoder still keeps its own deltas and budget."""

import numpy as np
import pytest

from app.host import snapshot
from app.host.frames import FrameEncoder, decode
from app.host.host import SessionHost, Viewer
from app.host.session import Session
from app.schemas.session import SessionConfig

SMALL = {"data": {"name": "xor", "n_points": 40, "noise": 0.0}, "hidden_layers": [3, 2], "batch_size": 40}
SID = "s" * 12
TAKE = snapshot.take  # uncounted, for the frames the tests compare with


class Connection:
    """The web process's end as the host sees it: records what the host sends."""

    def __init__(self):
        self.sent: list[tuple] = []

    def send(self, message: tuple) -> None:
        self.sent.append(message)

    def frames(self) -> dict[int, list[bytes]]:
        out: dict[int, list[bytes]] = {}
        for message in self.sent:
            if message[0] == "frame":
                out.setdefault(message[1], []).append(message[2])
        return out


@pytest.fixture
def takes(monkeypatch):
    """Count snapshot.take calls by view."""
    calls: list[tuple[int, int]] = []

    def counted(session, output_resolution, neuron_resolution):
        calls.append((output_resolution, neuron_resolution))
        return TAKE(session, output_resolution, neuron_resolution)

    monkeypatch.setattr(snapshot, "take", counted)
    return calls


@pytest.fixture
def host(settings):
    host = SessionHost(settings, Connection())  # not serving: the tests take the trainer's turns themselves
    host.sessions[SID] = Session(SID, "principal", SessionConfig.model_validate(SMALL), settings, host.share)
    return host


def watch(host, viewers: dict[int, tuple[int, int]]) -> None:
    for viewer_id in viewers:
        host._dispatch(("watch", viewer_id, SID, False, None))


def want(host, viewers: dict[int, tuple[int, int]]) -> None:
    """Each viewer asks for a frame, and the trainer serves it before the next one asks."""
    for viewer_id, (output_resolution, neuron_resolution) in viewers.items():
        host._dispatch(("want", viewer_id, output_resolution, neuron_resolution))
        turns = 0
        while host.trainer.take_turn():
            turns += 1
            assert turns < 10, "a paused session stays due"


def alone(session: Session, output_resolution: int, neuron_resolution: int, settings) -> bytes:
    """The frame a single, new viewer gets at this view (a fresh encoder and a snapshot of its own)."""
    return FrameEncoder(settings.stream_bytes_per_second).encode(
        TAKE(session, output_resolution, neuron_resolution))


def assert_same_frame(frame: bytes, expected: bytes) -> None:
    header, weights, maps = decode(frame)
    want_header, want_weights, want_maps = decode(expected)
    assert header == want_header
    np.testing.assert_array_equal(weights, want_weights)
    assert maps.keys() == want_maps.keys() and maps
    for key in maps:
        np.testing.assert_array_equal(maps[key], want_maps[key])
    assert frame == expected


def test_viewers_at_one_view_share_one_snapshot_per_version(host, takes, settings):
    session = host.sessions[SID]
    viewers = {viewer_id: (48, 12) for viewer_id in range(settings.max_viewers_per_session)}
    watch(host, viewers)
    want(host, viewers)  # each "want" is served on its own pass, one after the other
    assert takes == [(48, 12)]
    frames = host.connection.frames()
    assert sorted(frames) == sorted(viewers) and all(len(sent) == 1 for sent in frames.values())
    expected = alone(session, 48, 12, settings)
    for sent in frames.values():
        assert_same_frame(sent[0], expected)

    session.step()  # a new version: one new snapshot for all of them
    want(host, viewers)
    assert takes == [(48, 12)] * 2
    frames = host.connection.frames()
    assert all(len(sent) == 2 for sent in frames.values())
    headers = {decode(sent[1])[0]["version"] for sent in frames.values()}
    assert headers == {session.version}
    want(host, viewers)  # nothing changed: no frame and no snapshot
    assert takes == [(48, 12)] * 2 and all(len(sent) == 2 for sent in host.connection.frames().values())


def test_one_pass_serves_every_waiting_viewer_from_one_snapshot(host, takes, settings):
    session = host.sessions[SID]
    viewers = {viewer_id: (48, 12) for viewer_id in range(5)}
    watch(host, viewers)
    for viewer_id, (output_resolution, neuron_resolution) in viewers.items():  # all wait, none served yet
        viewer = host.viewers[viewer_id]
        viewer.output_resolution, viewer.neuron_resolution, viewer.waiting = output_resolution, neuron_resolution, True
    host._serve_viewers(session)
    assert takes == [(48, 12)]
    expected = alone(session, 48, 12, settings)
    for sent in host.connection.frames().values():
        assert_same_frame(sent[0], expected)


def test_viewers_at_different_views_get_their_own_snapshots(host, takes, settings):
    session = host.sessions[SID]
    viewers = {0: (48, 12), 1: (30, 12), 2: (48, 12), 3: (30, 12), 4: (48, 20)}
    watch(host, viewers)
    want(host, viewers)
    assert sorted(takes) == sorted({(48, 12), (30, 12), (48, 20)})
    frames = host.connection.frames()
    for viewer_id, view in viewers.items():
        assert_same_frame(frames[viewer_id][0], alone(session, *view, settings))
        header, _, maps = decode(frames[viewer_id][0])
        assert header["shapes"]["output"] == [view[0], view[0]]
        assert header["shapes"]["neuron"] == [view[1], view[1]]


def test_each_viewer_keeps_its_own_deltas(host, takes, settings):
    """A viewer that joins late gets every heatmap, though the others only got what changed."""
    session = host.sessions[SID]
    watch(host, {0: None})
    want(host, {0: (48, 12)})
    session.step()
    want(host, {0: (48, 12)})
    watch(host, {1: None})
    want(host, {1: (48, 12)})
    assert len(takes) == 2  # the late viewer shared the second version's snapshot
    frames = host.connection.frames()
    assert_same_frame(frames[1][0], alone(session, 48, 12, settings))
    assert len(decode(frames[0][1])[2]) <= len(decode(frames[1][0])[2])
    assert "structure" not in decode(frames[0][1])[0] and "structure" in decode(frames[1][0])[0]


def test_the_cache_is_bounded_and_keeps_only_the_latest_version(host, takes, settings):
    session = host.sessions[SID]
    watch(host, {0: None})
    for resolution in range(10, 10 + 2 * settings.max_viewers_per_session):  # one viewer, many views
        want(host, {0: (resolution, 12)})
    shots = host.shots[SID]
    assert len(shots.by_view) == settings.max_viewers_per_session
    assert len(takes) == 2 * settings.max_viewers_per_session
    session.step()
    want(host, {0: (48, 12)})
    assert shots.version == session.version and list(shots.by_view) == [(48, 12)]


def test_deleting_the_session_or_its_last_viewer_leaving_empties_the_cache(host, takes, settings):
    watch(host, {0: None, 1: None})
    want(host, {0: (48, 12), 1: (30, 12)})
    assert len(host.shots[SID].by_view) == 2
    host._dispatch(("unwatch", 0))
    assert SID in host.shots  # viewer 1 still watches
    host._dispatch(("unwatch", 1))
    assert SID not in host.shots
    watch(host, {2: None})
    want(host, {2: (48, 12)})
    assert SID in host.shots
    host._delete(SID)
    assert host.shots == {} and ("closed", 2) in host.connection.sent


def test_a_deleted_sessions_snapshots_are_not_kept(host, takes, settings):
    session = host.sessions[SID]
    host._delete(SID)
    host.viewers[0] = Viewer(SID, FrameEncoder(settings.stream_bytes_per_second), 48, 12, waiting=True)
    host._serve_viewers(session)  # a pass that began before the delete still serves, but keeps nothing
    assert takes == [(48, 12)] and host.shots == {}
