"""A class's snapshots and gallery (app/web/class_gallery.py): taken by the teacher or submitted by a student, a whole
frame to show large, loaded into everyone's playground."""

from app.host.frames import decode
from tests.app.classroom_helpers import join, make_class


def test_snapshots_make_a_gallery_and_load_into_everyones_playground(server):
    class_id, teacher, body = make_class(server)
    (ann, ann_auth), (bo, bo_auth) = join(server, body["join_code"], "Ann"), join(server, body["join_code"], "Bo")
    server.patch(f"/api/sessions/{ann['session']['id']}", json={"hidden_layers": [5, 3]}, headers=ann_auth)
    server.post(f"/api/sessions/{ann['session']['id']}/train", json={"epochs": 7}, headers=ann_auth)
    taken = server.post(f"/api/classes/{class_id}/snapshots", json={"student_id": ann["student_id"]},
                        headers=teacher)
    assert taken.status_code == 201 and taken.json()["chosen"] and taken.json()["epoch"] == 7
    submitted = server.post(f"/api/sessions/{bo['session']['id']}/snapshot", headers=bo_auth)
    assert submitted.status_code == 201 and not submitted.json()["chosen"] and not submitted.json()["by_teacher"]
    listed = server.get(f"/api/classes/{class_id}/snapshots", headers=teacher).json()
    assert [(s["nickname"], s["chosen"]) for s in listed] == [("Ann", True), ("Bo", False)]
    chosen = server.patch(f"/api/classes/{class_id}/snapshots/{listed[1]['id']}", json={"chosen": True},
                          headers=teacher)
    assert chosen.json()["chosen"] is True
    picture = server.get(f"/api/classes/{class_id}/snapshots/{listed[0]['id']}/frame", headers=teacher)
    header, _, maps = decode(picture.content)  # a whole frame, large
    assert header["epoch"] == 7 and header["shapes"]["output"][0] >= 50
    weights = server.get(f"/api/sessions/{ann['session']['id']}/weights", headers=ann_auth).json()
    loaded = server.post(f"/api/classes/{class_id}/snapshots/{listed[0]['id']}/load", json={}, headers=teacher)
    assert sorted(loaded.json()["reached"]) == sorted([ann["student_id"], bo["student_id"]])
    bo_now = server.get(f"/api/sessions/{bo['session']['id']}", headers=bo_auth).json()
    assert bo_now["config"]["hidden_layers"] == [5, 3] and bo_now["metrics"]["epoch"] == 7
    assert server.get(f"/api/sessions/{bo['session']['id']}/weights", headers=bo_auth).json() == weights
    assert server.delete(f"/api/classes/{class_id}/snapshots/{listed[1]['id']}", headers=teacher).status_code == 204
    assert len(server.get(f"/api/classes/{class_id}/snapshots", headers=teacher).json()) == 1
    assert server.get(f"/api/classes/{class_id}/snapshots", headers=ann_auth).status_code == 403
    lone = server.post("/api/sessions", json={}).json()
    refused = server.post(f"/api/sessions/{lone['id']}/snapshot", headers={"Authorization": f"Bearer {lone['token']}"})
    assert refused.status_code == 404 and refused.json()["code"] == "class.not_in_class"
