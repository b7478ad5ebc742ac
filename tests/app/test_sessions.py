"""Sessions over REST: create, read, change, reset, regenerate, delete, and who may do it."""

import asyncio
import contextlib
import time

import pytest

from app.core.errors import LimitReached
from app.schemas.session import SessionConfig
from app.store.tables import sessions as sessions_table
from app.web.sessions import SessionManager
from tests.conftest import run_in_own_loop

XOR = {"data": {"name": "xor", "n_points": 200, "noise": 0.0}, "hidden_layers": [4, 2], "learning_rate": 0.03}


def test_create_returns_id_token_config_and_metrics(client, new_session):
    sid, headers, body = new_session(**XOR)
    assert len(body["token"]) >= 24 and body["id"] != body["token"]
    assert body["config"]["hidden_layers"] == [4, 2] and body["task"] == "classification"
    assert body["metrics"]["epoch"] == 0 and body["metrics"]["n_params"] == (2 * 4 + 4) + (4 * 2 + 2) + (2 + 1)
    read = client.get(f"/api/sessions/{sid}", headers=headers).json()
    assert read["config"] == body["config"] and "token" not in read


def test_defaults_are_tensorflow_playgrounds_opening_page(client, new_session):
    _, _, body = new_session()
    config = body["config"]
    assert config["data"]["name"] == "circle" and config["features"] == ["x1", "x2"]
    assert config["hidden_layers"] == [4, 2] and config["activation"] == "tanh"
    assert config["learning_rate"] == 0.03 and config["batch_size"] == 10


def test_token_is_required_and_must_be_the_sessions_own(client, new_session):
    sid, headers, _ = new_session(**XOR)
    other_sid, other_headers, _ = new_session(**XOR)
    before = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()
    calls = [("post", f"/api/sessions/{sid}/train", {"epochs": 5}), ("patch", f"/api/sessions/{sid}", {"seed": 3}),
             ("post", f"/api/sessions/{sid}/reset", None), ("put", f"/api/sessions/{sid}/weights", {"layers": []}),
             ("delete", f"/api/sessions/{sid}", None), ("get", f"/api/sessions/{sid}/weights", None)]
    for method, url, body in calls:
        kwargs = {"json": body} if body is not None else {}
        assert client.request(method, url, **kwargs).status_code == 401, url
        assert client.request(method, url, headers=other_headers, **kwargs).status_code == 403, url
    assert client.get(f"/api/sessions/{sid}/weights", headers=headers).json() == before  # nothing changed
    assert client.get(f"/api/sessions/{sid}", headers=headers).json()["metrics"]["epoch"] == 0
    assert client.get(f"/api/sessions/{other_sid}", headers=headers).status_code == 403


def test_unknown_session_is_404(client):
    response = client.get("/api/sessions/AAAAAAAAAAAA", headers={"Authorization": "Bearer x"})  # a well-formed id
    assert response.status_code == 404 and "no session" in response.json()["detail"]


def test_learning_rate_changes_live_and_shape_changes_rebuild(client, new_session):
    sid, headers, _ = new_session(**XOR)
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 5}, headers=headers)
    live = client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1, "regularization": "l2", "reg_rate": 0.001},
                        headers=headers).json()
    assert live["config"]["learning_rate"] == 0.1 and live["metrics"]["epoch"] == 5  # no reset
    rebuilt = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3]}, headers=headers).json()
    assert rebuilt["metrics"]["epoch"] == 0 and rebuilt["metrics"]["n_params"] == (2 * 3 + 3) + (3 + 1)
    assert rebuilt["config"]["learning_rate"] == 0.1  # earlier changes kept


def test_data_change_keeps_the_network_when_it_still_fits(client, new_session):
    sid, headers, _ = new_session(**XOR)
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 3}, headers=headers)
    weights = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()
    body = client.patch(f"/api/sessions/{sid}", json={"data": {"noise": 0.3}}, headers=headers).json()
    assert body["config"]["data"]["noise"] == 0.3 and body["config"]["data"]["name"] == "xor"
    assert client.get(f"/api/sessions/{sid}/weights", headers=headers).json() == weights
    regenerated = client.post(f"/api/sessions/{sid}/regenerate", headers=headers).json()
    assert regenerated["config"]["data"]["seed"] == 1 and regenerated["metrics"]["epoch"] == 3


def test_reset_gives_the_same_initial_weights_every_time(client, new_session):
    sid, headers, _ = new_session(**XOR)
    initial = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 20}, headers=headers)
    assert client.get(f"/api/sessions/{sid}/weights", headers=headers).json() != initial
    body = client.post(f"/api/sessions/{sid}/reset", headers=headers).json()
    assert body["metrics"]["epoch"] == 0
    assert client.get(f"/api/sessions/{sid}/weights", headers=headers).json() == initial
    assert client.get(f"/api/sessions/{sid}/history", headers=headers).json()["epoch"] == []


def test_one_dimensional_data_keeps_only_features_that_apply(new_session):
    _, _, body = new_session(data={"name": "sine", "n_points": 100}, features=["x1", "x2", "sin(x1)"])
    assert body["features"] == ["x1", "sin(x1)"] and body["task"] == "regression"


def test_multi_class_session_gets_a_softmax_output(client, new_session):
    sid, headers, body = new_session(data={"name": "blobs", "n_points": 120, "params": {"n_classes": 5}})
    assert body["n_classes"] == 5
    layers = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()["layers"]
    assert layers[-1]["units"] == 5 and layers[-1]["activation"] == "softmax"


def test_custom_points_and_csv(client, new_session):
    _, _, body = new_session(data={"name": "custom", "train_ratio": 1.0,
                                   "points": {"X": [[0, 0], [1, 1], [2, 0], [0, 2]], "y": [0, 1, 1, 0]}})
    assert body["task"] == "classification"
    response = client.post("/api/sessions", json={"data": {"name": "custom", "csv": "x1,x2,label\n0,0,0\n1,oops,1"}})
    assert response.status_code == 422 and "line 3" in response.json()["detail"]


def test_delete_ends_the_session(client, new_session):
    sid, headers, _ = new_session(**XOR)
    assert client.delete(f"/api/sessions/{sid}", headers=headers).status_code == 204
    assert client.get(f"/api/sessions/{sid}", headers=headers).status_code == 404


def test_session_limits_per_client_and_in_total(client, new_session, settings):
    for _ in range(settings.max_sessions_per_client):
        new_session()
    response = client.post("/api/sessions", json={})
    assert response.status_code == 429 and "delete one first" in response.json()["detail"]


def test_idle_sessions_leave_memory_and_come_back_from_the_store(client, new_session):
    manager = client.app.state.sessions
    now = [1000.0]
    manager.clock = lambda: now[0]  # a clock the test moves: idleness never depends on the real time
    sid, headers, _ = new_session()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 3}, headers=headers)
    now[0] += client.app.state.settings.session_idle_seconds - 1
    assert manager.evict_idle() == []
    assert client.get(f"/api/sessions/{sid}", headers=headers).status_code == 200  # a use resets the idle time
    now[0] += client.app.state.settings.session_idle_seconds + 1
    assert manager.evict_idle() == [sid]
    assert sid not in manager.records  # out of memory: no longer counted against the live limits
    back = client.get(f"/api/sessions/{sid}", headers=headers)
    assert back.status_code == 200 and back.json()["metrics"]["epoch"] == 3  # from its checkpoint
    assert sid in manager.records


def test_expired_sessions_are_removed_from_the_store(client, new_session):
    manager = client.app.state.sessions
    kept_id, _, _ = new_session()  # in memory, so in use: never expired, whatever its row says
    sid, headers, _ = new_session()
    now = manager.clock() + client.app.state.settings.session_idle_seconds + 1
    manager.clock = lambda: now
    manager.records[kept_id].touched = now
    assert manager.evict_idle() == [sid]
    client.portal.call(manager.unloads_done)  # its last checkpoint written
    deadline = time.monotonic() + 20
    while manager.store.find(kept_id) is None:  # the other's first checkpoint, written by its host's writer
        assert time.monotonic() < deadline, "the checkpoint was never written"
        time.sleep(0.01)
    wall = manager.store.clock()
    manager.store.clock = lambda: wall + client.app.state.settings.retention_days * 86_400 + 60
    assert client.portal.call(manager.purge_expired) == 1
    assert manager.store.find(sid) is None and manager.store.find(kept_id) is not None
    assert client.get(f"/api/sessions/{sid}", headers=headers).json()["code"] == "session.not_found"


@pytest.mark.parametrize("config, message", [
    ({"hidden_layers": [1000]}, "at most 32 units"),
    ({"hidden_layers": [2] * 20}, "at most 8 hidden layers"),
    ({"hidden_layers": [0]}, "at least one unit"),
    ({"learning_rate": -1}, "learning_rate"),
    ({"learning_rate": "fast"}, "learning_rate"),
    ({"activation": "swish"}, "unknown activation"),
    ({"activation": "softmax"}, "output layer"),
    ({"features": ["x3"]}, "unknown feature"),
    ({"data": {"name": "moons"}}, "unknown dataset"),
    ({"data": {"n_points": 5000}}, "at most 1000 points"),
    ({"data": {"noise": 2}}, "noise"),
    ({"data": {"name": "blobs", "params": {"n_classes": 9}}}, "n_classes"),
    ({"data": {"name": "expression", "params": {"expression": "__import__('os')"}}}, "not allowed"),
    ({"output": "tanh", "loss": "cross_entropy"}, "cannot follow"),
    ({"activation": ["tanh"], "hidden_layers": [2, 2]}, "one activation per hidden layer"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_configs_get_a_readable_422_and_create_nothing(client, config, message):
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert len(client.app.state.sessions) == 0


def test_bad_patch_leaves_the_session_as_it_was(client, new_session):
    sid, headers, body = new_session(**XOR)
    response = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [4, 2], "output": "tanh",
                                                           "loss": "binary_cross_entropy"}, headers=headers)
    assert response.status_code == 422 and "cannot follow" in response.json()["detail"]
    assert client.get(f"/api/sessions/{sid}", headers=headers).json()["config"] == body["config"]


def test_every_preset_creates_a_session_that_trains(client, new_session, settings):
    presets = client.get("/api/catalogue").json()["presets"]
    names = {p["name"] for p in presets}
    assert {"playground", "xor_two_two_one", "spiral", "fig_3_13", "sine", "six_classes"} <= names
    for preset in presets:
        assert preset["title"]["zh"] and preset["title"]["en"]
        sid, headers, body = new_session(**preset["config"])
        result = client.post(f"/api/sessions/{sid}/train", json={"epochs": 2}, headers=headers).json()
        assert result["epochs_run"] == 2, preset["name"]
        client.delete(f"/api/sessions/{sid}", headers=headers)


def test_changing_features_rebuilds_the_network_with_them(client, new_session):
    sid, headers, _ = new_session()
    body = client.patch(f"/api/sessions/{sid}", json={"features": ["x1", "x2", "x1^2"]}, headers=headers).json()
    assert body["features"] == ["x1", "x2", "x1^2"]
    layers = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()["layers"]
    assert len(layers[0]["W"][0]) == 3


def test_switching_dataset_drops_the_old_datasets_parameters(client, new_session):
    sid, headers, _ = new_session(data={"name": "blobs", "params": {"n_classes": 5}})
    body = client.patch(f"/api/sessions/{sid}", json={"data": {"name": "circle"}}, headers=headers)
    assert body.status_code == 200 and body.json()["config"]["data"]["params"] == {}


def test_a_failed_import_leaves_no_session_counted_against_the_client(client, new_session, settings):
    sid, headers, _ = new_session()
    document = client.get(f"/api/sessions/{sid}/model", headers=headers).json()
    client.delete(f"/api/sessions/{sid}", headers=headers)
    document["model"]["layers"][0]["units"] = 5  # the model no longer matches its config: load_model refuses it
    for _ in range(settings.max_sessions_per_client + 1):
        response = client.post("/api/sessions/import", json={"document": document})
        assert response.status_code == 422 and response.json()["code"] == "document.layers"
    assert len(client.app.state.sessions) == 0
    for _ in range(settings.max_sessions_per_client):
        new_session()


def test_an_import_whose_host_fails_while_loading_is_deleted(client, new_session, settings, monkeypatch):
    from app.core.errors import HostUnavailable

    sid, headers, _ = new_session()
    document = client.get(f"/api/sessions/{sid}/model", headers=headers).json()
    client.delete(f"/api/sessions/{sid}", headers=headers)
    manager = client.app.state.sessions
    real_call = manager.call

    async def failing_load(record, op, *args):
        if op == "load_model":
            raise HostUnavailable()
        return await real_call(record, op, *args)

    monkeypatch.setattr(manager, "call", failing_load)
    response = client.post("/api/sessions/import", json={"document": document})
    assert response.status_code == 503 and response.json()["code"] == "host.unavailable"
    assert len(manager) == 0
    monkeypatch.undo()
    for _ in range(settings.max_sessions_per_client):
        new_session()


def test_heavy_calls_are_capped_per_principal_and_light_ones_are_not(settings):
    """A user's third concurrent training call is refused at once (429), while another user's is not; light
    calls are never counted; the count goes back down as calls end."""
    config = SessionConfig.model_validate({"data": {"name": "xor", "n_points": 40}, "hidden_layers": [3]})

    async def scenario():
        manager = SessionManager(settings.model_copy(update={"max_heavy_calls": 2}))
        manager.start()
        try:
            mine = manager.records[(await manager.create(config, "school"))["id"]]
            theirs = manager.records[(await manager.create(config, "school"))["id"]]
            calls = [manager.ops(mine).train(5), manager.ops(mine).step(), manager.ops(mine).train(5),
                     manager.ops(theirs).train(5), manager.ops(mine).describe()]
            outcomes = await asyncio.gather(*calls, return_exceptions=True)
            after = await manager.ops(mine).train(5)  # the first two have ended: room again
            return outcomes, after, dict(manager.heavy_calls)
        finally:
            manager.stop()

    outcomes, after, left = run_in_own_loop(scenario())
    refused = [i for i, outcome in enumerate(outcomes) if isinstance(outcome, Exception)]
    assert refused == [2]
    assert isinstance(outcomes[2], LimitReached) and outcomes[2].code == "limit.heavy_calls"
    assert outcomes[2].params == {"most": 2}
    assert outcomes[3]["epochs_run"] == 5 and outcomes[4]["metrics"]["epoch"] >= 0
    assert after["epochs_run"] == 5 and left == {}


def test_a_heavy_call_its_caller_gave_up_on_counts_until_its_host_answers(settings):
    """A stream that closes in the middle of a step does not free the step's place: it still runs in the host."""
    slow = SessionConfig.model_validate({"data": {"name": "xor", "n_points": 1000}, "hidden_layers": [8],
                                        "batch_size": 1})

    async def scenario():
        manager = SessionManager(settings.model_copy(update={"max_heavy_calls": 1}))
        manager.start()
        try:
            record = manager.records[(await manager.create(slow, "school"))["id"]]
            call = asyncio.ensure_future(manager.ops(record).train(2000))  # far longer than this test
            await asyncio.sleep(0)
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await call
            counted = dict(manager.heavy_calls)
            try:
                await manager.ops(record).step()
                refused = None
            except LimitReached as exc:
                refused = exc.code
            manager.delete(record.id)  # the host stops the call and answers it
            deadline = time.monotonic() + 20
            while manager.heavy_calls and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            return counted, refused, dict(manager.heavy_calls)
        finally:
            manager.stop()

    counted, refused, after = run_in_own_loop(scenario())
    assert list(counted.values()) == [1] and refused == "limit.heavy_calls" and after == {}


def test_a_corrupt_stored_session_is_reported_and_the_others_come_back(client, new_session):
    manager = client.app.state.sessions
    broken_id, broken_headers, _ = new_session()
    good_id, good_headers, _ = new_session()
    for sid, headers in ((broken_id, broken_headers), (good_id, good_headers)):
        assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 2}, headers=headers).status_code == 200
    now = manager.clock() + client.app.state.settings.session_idle_seconds + 1
    manager.clock = lambda: now
    assert sorted(manager.evict_idle()) == sorted([broken_id, good_id])
    client.portal.call(manager.unloads_done)  # their last checkpoints written
    with manager.store.engine.begin() as connection:
        connection.execute(sessions_table.update().where(sessions_table.c.id == broken_id).values(state=b"garbage"))
    broken = client.get(f"/api/sessions/{broken_id}", headers=broken_headers)
    assert broken.status_code == 404 and broken.json()["code"] == "session.unreadable", broken.text
    assert broken.json()["params"]["session_id"] == broken_id
    good = client.get(f"/api/sessions/{good_id}", headers=good_headers)
    assert good.status_code == 200 and good.json()["metrics"]["epoch"] == 2 and good.json()["restored_epoch"] == 2


def test_a_stored_session_is_deleted_without_being_brought_back_even_unreadable(client, new_session):
    manager = client.app.state.sessions
    sid, headers, _ = new_session()
    now = manager.clock() + client.app.state.settings.session_idle_seconds + 1
    manager.clock = lambda: now
    assert manager.evict_idle() == [sid]
    client.portal.call(manager.unloads_done)
    with manager.store.engine.begin() as connection:
        connection.execute(sessions_table.update().where(sessions_table.c.id == sid).values(state=b"garbage"))
    assert client.delete(f"/api/sessions/{sid}", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.delete(f"/api/sessions/{sid}", headers=headers).status_code == 204
    assert sid not in manager.records and manager.store.find(sid) is None
    assert client.get(f"/api/sessions/{sid}", headers=headers).json()["code"] == "session.not_found"
