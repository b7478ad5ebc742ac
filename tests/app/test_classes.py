"""The classroom's API (app/web/classroom.py): a teacher creates a class, students join by code, the teacher reads
and steers it; pauses and locks are refused by the server; everything is stored."""

import csv
import io
import json
import struct
import zipfile

import pytest
from fastapi.testclient import TestClient

from app import cli
from app.core.config import Settings, get_settings
from app.host.frames import decode
from app.main import create_app
from app.web import join_codes
from tests.app.classroom_helpers import join, make_class
from tests.conftest import wait_for


def test_a_class_is_created_with_a_code_easy_to_read_aloud(server):
    class_id, _, body = make_class(server)
    code = body["join_code"].replace("-", "")
    assert len(code) == join_codes.LENGTH and set(code) <= set(join_codes.ALPHABET)
    assert not set(code) & set("0O1I")
    assert body["join_url"] == f"/join?code={code}" and body["teacher_token"] not in body["join_url"]


def test_students_join_by_code_and_their_sessions_are_ordinary_sessions(server):
    class_id, teacher, body = make_class(server)
    code = body["join_code"]
    students = [join(server, code.lower().replace("-", " "), name) for name in ("Ann", "Ann", "")]
    names = [student["nickname"] for student, _ in students]
    assert names[0] == "Ann" and names[1] == "Ann 2" and names[2]  # a made-up one for the third
    # More students than the per-address limit (2) join from one address: a school is one address.
    for student, auth in students:
        sid = student["session"]["id"]
        trained = server.post(f"/api/sessions/{sid}/train", json={"epochs": 3}, headers=auth)
        assert trained.status_code == 200 and trained.json()["metrics"]["epoch"] == 3
    seen = server.get(f"/api/classes/{class_id}", headers=teacher).json()
    assert [s["nickname"] for s in seen["students"]] == names
    assert all(s["epoch"] == 3 and s["status"] == "paused" for s in seen["students"])
    assert seen["counts"]["paused"] == 3


def test_a_student_token_or_none_is_refused_on_the_class(server):
    class_id, _, body = make_class(server)
    _, student = join(server, body["join_code"])
    assert server.get(f"/api/classes/{class_id}", headers=student).status_code == 403
    assert server.get(f"/api/classes/{class_id}").status_code == 401
    assert server.post(f"/api/classes/{class_id}/pause", headers=student).status_code == 403
    assert server.get("/api/classes/AAAAAAAAAAAA", headers=student).json()["code"] == "class.not_found"


def test_wrong_codes_get_404_then_429_for_a_while(server):
    make_class(server)
    for _ in range(5):
        wrong = server.post("/api/classes/join", json={"code": "ZZZZZZ"})
        assert wrong.status_code == 404 and wrong.json()["code"] == "class.code_wrong"
    assert server.post("/api/classes/join", json={"code": "ZZZZZZ"}).json()["code"] == "limit.join_attempts"


def test_pause_stops_training_and_the_server_refuses_what_it_forbids(server):
    class_id, teacher, body = make_class(server)
    student, auth = join(server, body["join_code"])
    sid = student["session"]["id"]
    with server.websocket_connect(f"/api/sessions/{sid}/stream",
                                  subprotocols=["nnplay", f"token.{student['session']['token']}"]) as ws:
        hello = ws.receive_json()
        assert hello["class"] == {"type": "class", "id": class_id, "name": "3班", "language": "zh", "paused": False,
                                  "locked": [], "challenge": None}
        ws.send_json({"type": "play"})
        paused = server.post(f"/api/classes/{class_id}/pause", headers=teacher)
        assert paused.status_code == 200 and paused.json()["paused"] is True
        while True:  # frames may come first; then the class message
            message = ws.receive()
            if message.get("text"):
                told = json.loads(message["text"])
                if told.get("type") == "class":
                    break
        assert told["paused"] is True
    refused = server.post(f"/api/sessions/{sid}/train", json={"epochs": 1}, headers=auth)
    assert refused.status_code == 423 and refused.json()["code"] == "class.paused"
    assert server.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1}, headers=auth).status_code == 423
    assert server.get(f"/api/sessions/{sid}", headers=auth).json()["metrics"]["status"] == "idle"  # reads allowed
    assert server.post(f"/api/classes/{class_id}/resume", headers=teacher).json()["paused"] is False
    assert server.post(f"/api/sessions/{sid}/train", json={"epochs": 1}, headers=auth).status_code == 200


def test_locked_controls_are_refused_and_the_rest_allowed(server):
    class_id, teacher, body = make_class(server, locked=["network"])
    student, auth = join(server, body["join_code"])
    sid = student["session"]["id"]
    locked = server.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3]}, headers=auth)
    assert locked.status_code == 423 and locked.json()["code"] == "class.locked"
    assert server.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1}, headers=auth).status_code == 200
    server.put(f"/api/classes/{class_id}/locked", json={"locked": ["hyperparameters"]}, headers=teacher)
    assert server.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.2}, headers=auth).status_code == 423
    assert server.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3]}, headers=auth).status_code == 200


def test_push_gives_every_student_the_preset(server):
    class_id, teacher, body = make_class(server)
    joined = [join(server, body["join_code"]) for _ in range(2)]
    pushed = server.post(f"/api/classes/{class_id}/push", json={"preset": "spiral"}, headers=teacher)
    assert pushed.status_code == 200 and len(pushed.json()["reached"]) == 2
    for student, auth in joined:
        config = server.get(f"/api/sessions/{student['session']['id']}", headers=auth).json()["config"]
        assert config["data"]["name"] == "spiral" and config["hidden_layers"] == [8, 8]
    (first, first_auth), (second, second_auth) = joined
    pushed = server.post(f"/api/classes/{class_id}/push", headers=teacher,
                         json={"lesson": "universal-approximation", "students": [first["student_id"]]})
    assert pushed.status_code == 200 and pushed.json()["reached"] == [first["student_id"]]
    config = server.get(f"/api/sessions/{first['session']['id']}", headers=first_auth).json()["config"]
    assert config["data"]["name"] == "sine"
    config = server.get(f"/api/sessions/{second['session']['id']}", headers=second_auth).json()["config"]
    assert config["data"]["name"] == "spiral"  # not chosen: as it was
    unknown = server.post(f"/api/classes/{class_id}/push", json={"preset": "spiral", "students": ["nobody"]},
                          headers=teacher)
    assert unknown.status_code == 404 and unknown.json()["code"] == "class.student_not_found"
    locked = server.post(f"/api/classes/{class_id}/pause", headers=teacher)  # a paused class still gets pushes
    assert locked.status_code == 200
    assert len(server.post(f"/api/classes/{class_id}/push", json={"preset": "sine"}, headers=teacher).json()[
        "reached"]) == 2


def test_the_code_can_be_paused_rotated_and_ended(server):
    class_id, teacher, body = make_class(server)
    old = body["join_code"]
    server.post(f"/api/classes/{class_id}/code", json={"action": "pause"}, headers=teacher)
    assert server.post("/api/classes/join", json={"code": old}).json()["code"] == "class.code_closed"
    rotated = server.post(f"/api/classes/{class_id}/code", json={"action": "rotate"}, headers=teacher).json()
    assert rotated["join_code"] != old and rotated["code_state"] == "open"
    assert server.post("/api/classes/join", json={"code": old}).status_code == 404
    join(server, rotated["join_code"])
    ended = server.post(f"/api/classes/{class_id}/code", json={"action": "end"}, headers=teacher).json()
    assert ended["join_code"] is None and ended["code_state"] == "ended"


def test_rejoining_from_the_same_browser_returns_to_the_same_session(server):
    _, _, body = make_class(server)
    student, _ = join(server, body["join_code"], "Bo")
    again = server.post("/api/classes/join", json={"code": body["join_code"], "rejoin": {
        "student_id": student["student_id"], "token": student["session"]["token"]}})
    assert again.status_code == 201 and again.json()["session"]["id"] == student["session"]["id"]
    assert again.json()["nickname"] == "Bo"
    wrong = server.post("/api/classes/join", json={"code": body["join_code"], "rejoin": {
        "student_id": student["student_id"], "token": "not-it"}})
    assert wrong.status_code == 403


def test_a_removed_student_and_a_deleted_class_leave_nothing(server):
    class_id, teacher, body = make_class(server)
    student, auth = join(server, body["join_code"])
    kept, kept_auth = join(server, body["join_code"])
    removed = server.delete(f"/api/classes/{class_id}/students/{student['student_id']}", headers=teacher)
    assert removed.status_code == 204
    assert server.get(f"/api/sessions/{student['session']['id']}", headers=auth).status_code == 404
    assert [s["id"] for s in server.get(f"/api/classes/{class_id}", headers=teacher).json()["students"]] == [
        kept["student_id"]]
    assert server.delete(f"/api/classes/{class_id}", headers=teacher).status_code == 204
    assert server.get(f"/api/sessions/{kept['session']['id']}", headers=kept_auth).status_code == 404
    assert server.get(f"/api/classes/{class_id}", headers=teacher).status_code == 404


def test_a_class_is_full_at_its_size(server):
    _, _, body = make_class(server, max_students=2)
    join(server, body["join_code"])
    join(server, body["join_code"])
    full = server.post("/api/classes/join", json={"code": body["join_code"]})
    assert full.status_code == 429 and full.json()["code"] == "class.full"


def test_a_rude_nickname_is_refused(server):
    _, _, body = make_class(server)
    refused = server.post("/api/classes/join", json={"code": body["join_code"], "name": "big SHIT"})
    assert refused.status_code == 422 and refused.json()["code"] == "class.name_refused"


def test_a_class_survives_a_restart_with_its_students_networks_and_pause(tmp_path):
    settings = Settings(workers=0, data_dir=tmp_path, allowed_hosts=["testserver"])
    with TestClient(create_app(settings)) as client:
        class_id, teacher, body = make_class(client, locked=["data"])
        students = [join(client, body["join_code"], name) for name in ("Ann", "Bo")]
        for student, auth in students:
            client.post(f"/api/sessions/{student['session']['id']}/train", json={"epochs": 4}, headers=auth)
        client.post(f"/api/classes/{class_id}/pause", headers=teacher)
    with TestClient(create_app(settings)) as client:  # the server stopped and started again
        seen = client.get(f"/api/classes/{class_id}", headers=teacher).json()
        assert seen["paused"] is True and seen["locked"] == ["data"]
        assert [(s["nickname"], s["epoch"], s["status"]) for s in seen["students"]] == [
            ("Ann", 4, "offline"), ("Bo", 4, "offline")]
        student, auth = students[0]
        sid = student["session"]["id"]
        assert client.get(f"/api/sessions/{sid}", headers=auth).json()["metrics"]["epoch"] == 4
        refused = client.post(f"/api/sessions/{sid}/train", json={"epochs": 1}, headers=auth)
        assert refused.status_code == 423  # the pause holds after the restart, from the first call
        client.post(f"/api/classes/{class_id}/resume", headers=teacher)
        assert client.post(f"/api/sessions/{sid}/regenerate", headers=auth).json()["code"] == "class.locked"
        assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 1}, headers=auth).json()[
            "metrics"]["epoch"] == 5
        joined = client.post("/api/classes/join", json={"code": body["join_code"], "name": "Cy"})
        assert joined.status_code == 201  # the same code still lets students in


def test_the_dashboard_link_is_exchanged_for_a_cookie_that_opens_the_class(server):
    class_id, teacher, body = make_class(server)
    assert body["dashboard_url"] == f"/classes/{class_id}/enter#{body['teacher_token']}"  # a fragment: never sent
    answer = server.post(f"/api/classes/{class_id}/cookie", headers=teacher)
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert f"nnplay_teacher_{class_id}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert server.get(f"/api/classes/{class_id}").status_code == 200  # the client sends the cookie back now
    server.cookies.clear()
    assert server.get(f"/api/classes/{class_id}").status_code == 401
    assert server.post(f"/api/classes/{class_id}/cookie", headers={"Authorization": "Bearer nope"}).status_code == 403


def test_the_join_link_comes_as_a_qr_code(server):
    class_id, teacher, body = make_class(server)
    answer = server.get(f"/api/classes/{class_id}/qr.svg", headers=teacher)
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/svg+xml"
    assert answer.text.startswith("<?xml") and "<svg" in answer.text and "<path" in answer.text
    assert server.get(f"/api/classes/{class_id}/qr.svg").status_code == 401


def receive_until(ws, wanted, most: int = 500):
    """Messages from ``ws`` until ``wanted(message)`` holds (that message); text as JSON, binary as bytes."""
    for _ in range(most):
        message = ws.receive()
        if message.get("text") is not None:
            message = json.loads(message["text"])
        elif message.get("bytes") is not None:
            message = message["bytes"]
        else:
            raise AssertionError(f"the stream ended: {message}")
        if wanted(message):
            return message
    raise AssertionError("not within the messages read")


def test_the_dashboard_stream_sends_the_roster_and_live_tiles(server):
    class_id, teacher, body = make_class(server)
    (ann, ann_auth), (bo, _) = join(server, body["join_code"], "Ann"), join(server, body["join_code"], "Bo")
    token = body["teacher_token"]
    with server.websocket_connect(f"/api/classes/{class_id}/stream", subprotocols=["nnplay", f"token.{token}"]) as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello" and hello["class"]["id"] == class_id and hello["tile"]["output_resolution"]
        roster = receive_until(ws, lambda m: isinstance(m, dict) and m.get("type") == "roster")
        assert [s["nickname"] for s in roster["students"]] == ["Ann", "Bo"]
        assert roster["counts"]["paused"] == 2
        tile = receive_until(ws, lambda m: isinstance(m, bytes))
        (length,) = struct.unpack_from(">H", tile)
        student_id = tile[2:2 + length].decode()
        assert student_id in {ann["student_id"], bo["student_id"]}
        header, _, maps = decode(tile[2 + length:])  # a standard frame of that student's session
        assert header["epoch"] == 0 and "output" in header["shapes"]
        # Ann trains (her own page's stream): her tile shows it, and the roster says she plays.
        with server.websocket_connect(f"/api/sessions/{ann['session']['id']}/stream",
                                      subprotocols=["nnplay", f"token.{ann['session']['token']}"]) as own:
            own.receive_json()
            own.send_json({"type": "play"})
            newer = receive_until(ws, lambda m: isinstance(m, bytes) and ann["student_id"].encode() in m[:40]
                                  and decode(m[2 + m[1]:])[0]["epoch"] > 0)
            assert newer
            playing = receive_until(ws, lambda m: isinstance(m, dict) and m.get("type") == "roster"
                                    and m["counts"]["playing"] == 1)
            assert [s["status"] for s in playing["students"]] == ["playing", "paused"]
            own.send_json({"type": "pause"})
    assert server.get(f"/api/sessions/{ann['session']['id']}", headers=ann_auth).status_code == 200


def test_the_dashboard_stream_needs_the_teacher(server):
    class_id, _, body = make_class(server)
    student, _ = join(server, body["join_code"])
    for protocols in (["nnplay", f"token.{student['session']['token']}"], ["nnplay", "token.nope"]):
        with server.websocket_connect(f"/api/classes/{class_id}/stream", subprotocols=protocols) as ws:
            assert ws.receive_json()["code"] == "class.teacher_only"


def test_the_teacher_watches_a_student_read_only_and_it_does_not_make_it_train(server):
    class_id, teacher, body = make_class(server)
    student, auth = join(server, body["join_code"])
    sid = student["session"]["id"]
    assert server.post(f"/api/sessions/{sid}/train", json={"epochs": 2}, headers=auth).status_code == 200
    with server.websocket_connect(f"/api/sessions/{sid}/stream",
                                  subprotocols=["nnplay", f"token.{body['teacher_token']}"]) as ws:
        hello = ws.receive_json()
        assert hello["read_only"] is True and hello["session"]["metrics"]["epoch"] == 2
        ws.send_json({"type": "play"})
        refused = receive_until(ws, lambda m: isinstance(m, dict) and m.get("type") == "error")
        assert refused["code"] == "stream.read_only"
        ws.send_json({"type": "view", "output_resolution": 16, "neuron_resolution": 4})
        frame = receive_until(ws, lambda m: isinstance(m, bytes))
        assert decode(frame)[0]["epoch"] == 2
    assert server.get(f"/api/sessions/{sid}", headers=auth).json()["metrics"]["epoch"] == 2  # never trained


def test_a_class_whose_work_has_expired_is_removed(server):
    class_id, teacher, body = make_class(server)
    student, _ = join(server, body["join_code"])
    classroom, manager = server.app.state.classroom, server.app.state.sessions
    wall = classroom.store.clock()
    later = wall + server.app.state.settings.retention_days * 86_400 + 60
    classroom.store.clock = manager.store.clock = lambda: later
    # (its first checkpoint is written by its host's writer thread, a moment after the join's answer)
    wait_for(lambda: manager.store.find(student["session"]["id"]), "the student's session stored")
    assert server.portal.call(classroom.purge_expired) == 0  # its student's work is still stored
    server.app.state.sessions.records.pop(student["session"]["id"])  # out of memory: it may expire
    assert server.portal.call(manager.purge_expired) == 1
    assert server.portal.call(classroom.purge_expired) == 1
    assert server.get(f"/api/classes/{class_id}", headers=teacher).status_code == 404


def test_after_class_a_csv_of_the_students_and_a_zip_of_their_networks(server):
    class_id, teacher, body = make_class(server)
    (ann, ann_auth), _ = join(server, body["join_code"], "Ann"), join(server, body["join_code"], "Bo")
    server.post(f"/api/sessions/{ann['session']['id']}/train", json={"epochs": 5}, headers=ann_auth)
    report = server.get(f"/api/classes/{class_id}/report.csv", headers=teacher)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(report.text)))
    assert [(r["nickname"], r["epoch"]) for r in rows] == [("Ann", "5"), ("Bo", "0")]
    assert float(rows[0]["best_test_loss"]) <= float(rows[0]["test_loss"]) and rows[1]["best_test_loss"] != ""
    assert rows[0]["challenge_passed"] == "" and rows[0]["active_minutes"] == "0.0"  # no challenge, no page yet
    # Ann's page is open a while (on the manager's clock, which the test moves), and she wins a challenge.
    manager = server.app.state.sessions
    now = [manager.clock()]
    manager.clock = lambda: now[0]
    with server.websocket_connect(f"/api/sessions/{ann['session']['id']}/stream",
                                  subprotocols=["nnplay", f"token.{ann['session']['token']}"]) as ws:
        ws.receive_json()
        now[0] += 150.0
    server.put(f"/api/classes/{class_id}/challenge", headers=teacher,
               json={"title": "easy", "dataset": "circle", "goal_test_loss": 10.0, "seed": 1})
    server.post(f"/api/sessions/{ann['session']['id']}/challenge", headers=ann_auth)
    wait_for(lambda: list(csv.DictReader(io.StringIO(server.get(
        f"/api/classes/{class_id}/report.csv", headers=teacher).text)))[0]["active_minutes"] == "2.5",
        "Ann's time active written")
    rows = list(csv.DictReader(io.StringIO(server.get(f"/api/classes/{class_id}/report.csv", headers=teacher).text)))
    assert rows[0]["challenge_passed"] == "yes" and rows[0]["challenge_first_passed_utc"]
    assert rows[0]["challenge_fewest_params"] and rows[1]["challenge_passed"] == ""
    archive = server.get(f"/api/classes/{class_id}/models.zip", headers=teacher)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        names = files.namelist()
        assert len(names) == 2 and "Ann" in names[0] and "Bo" in names[1]
        document = json.loads(files.read(names[0]))
    imported = server.post("/api/sessions/import", json={"document": document})  # each can be imported again
    assert imported.status_code == 201 and imported.json()["metrics"]["epoch"] == 5
    assert server.get(f"/api/classes/{class_id}/report.csv").status_code == 401


def test_a_lost_dashboard_link_is_recovered_with_the_servers_teacher_key(tmp_path):
    settings = Settings(workers=0, data_dir=tmp_path, allowed_hosts=["testserver"], teacher_key="staff-room")
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/classes", json={"name": "x"}).json()["code"] == "class.teacher_key"
        class_id, teacher, _ = make_class(client, teacher_key="staff-room")
        wrong = client.post(f"/api/classes/{class_id}/recover", json={"teacher_key": "guess"})
        assert wrong.status_code == 403
        new = client.post(f"/api/classes/{class_id}/recover", json={"teacher_key": "staff-room"}).json()
        assert client.get(f"/api/classes/{class_id}", headers=teacher).status_code == 403  # the old link is dead
        assert client.get(f"/api/classes/{class_id}",
                          headers={"Authorization": f"Bearer {new['teacher_token']}"}).status_code == 200


def test_whoever_runs_the_server_makes_a_new_dashboard_link(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NNPLAY_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    settings = Settings(workers=0, allowed_hosts=["testserver"])
    try:
        with TestClient(create_app(settings)) as client:
            class_id, teacher, _ = make_class(client)
            cli.main(["class-link", class_id, "--base", "http://192.168.1.20:8000"])
            link = capsys.readouterr().out.strip()
            assert link.startswith(f"http://192.168.1.20:8000/classes/{class_id}/enter#")
            token = link.split("#", 1)[1]
            # The running server takes the new token (and refuses the old) without a restart.
            renewed = client.get(f"/api/classes/{class_id}", headers={"Authorization": f"Bearer {token}"})
            assert renewed.status_code == 200
            assert client.get(f"/api/classes/{class_id}", headers=teacher).status_code == 403
        with pytest.raises(SystemExit) as refused:
            cli.main(["class-link", "AAAAAAAAAAAA"])
        assert "no class" in str(refused.value)
    finally:
        get_settings.cache_clear()


def test_the_teacher_reads_a_students_network_but_changes_nothing(server):
    class_id, teacher, body = make_class(server)
    student, _ = join(server, body["join_code"])
    sid = student["session"]["id"]
    for path in ("", "/data", "/history", "/weights"):
        assert server.get(f"/api/sessions/{sid}{path}", headers=teacher).status_code == 200, path
    assert server.post(f"/api/sessions/{sid}/train", json={"epochs": 1}, headers=teacher).status_code == 403
    assert server.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.1}, headers=teacher).status_code == 403
    assert server.delete(f"/api/sessions/{sid}", headers=teacher).status_code == 403
    other_id, other_teacher, _ = make_class(server)
    assert server.get(f"/api/sessions/{sid}/data", headers=other_teacher).status_code == 403  # another class's
