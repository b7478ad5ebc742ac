"""Routing errors have the one error body, and a 405's Allow header lists every method of the path."""

import re

import pytest

from app.schemas.errors import ErrorBody

WELL_FORMED_ID = "AAAAAAAAAAAA"  # 12 URL-safe characters, like secrets.token_urlsafe(9); no such session


def method_not_allowed(response) -> set[str]:
    """Check a 405's body and return the methods of its Allow header."""
    assert response.status_code == 405, response.text
    body = ErrorBody.model_validate(response.json())
    assert body.code == "request.method_not_allowed"
    assert body.params["method"] == response.request.method
    assert body.params["path"] == response.request.url.path
    return {method.strip() for method in response.headers["allow"].split(",")}


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", f"/api/sessions/{WELL_FORMED_ID}", {"GET", "PATCH", "DELETE"}),
    ("OPTIONS", f"/api/sessions/{WELL_FORMED_ID}", {"GET", "PATCH", "DELETE"}),
    ("POST", f"/api/sessions/{WELL_FORMED_ID}/weights", {"GET", "PUT", "PATCH"}),
    ("PUT", f"/api/sessions/{WELL_FORMED_ID}/experiments/deep-vs-shallow", {"GET", "POST", "DELETE"}),
    ("DELETE", "/api/catalogue", {"GET"}),
])
def test_a_405_names_every_method_of_every_route_on_the_path(client, method, path, allowed):
    assert method_not_allowed(client.request(method, path)) == allowed


def test_the_allow_header_agrees_with_the_openapi_document(client):
    document = client.get("/openapi.json").json()
    for template, operations in document["paths"].items():
        path = (template.replace("{session_id}", WELL_FORMED_ID).replace("{class_id}", WELL_FORMED_ID)
                .replace("{lesson_id}", "x").replace("{task}", "0").replace("{student_id}", "s"))
        documented = {method.upper() for method in operations}
        if "PATCH" not in documented:
            assert method_not_allowed(client.patch(path)) == documented, template
        else:
            assert method_not_allowed(client.request("TRACE", path)) == documented, template


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_sessions_import_only_takes_post(client, method):
    """`import` is never read as a session id, so other methods are 405s, not "no session 'import'"."""
    assert method_not_allowed(client.request(method, "/api/sessions/import")) == {"POST"}


def test_a_path_segment_that_cannot_be_a_session_id_is_an_unknown_path(client):
    response = client.get("/api/sessions/nope", headers={"Authorization": "Bearer x"})
    assert response.status_code == 404
    assert ErrorBody.model_validate(response.json()).code == "request.not_found"


def test_the_documented_session_id_matches_the_ids_the_server_makes(client, new_session):
    document = client.get("/openapi.json").json()
    parameter = next(p for p in document["paths"]["/api/sessions/{session_id}"]["get"]["parameters"]
                     if p["name"] == "session_id")
    sid, _, _ = new_session()
    assert re.fullmatch(parameter["schema"]["pattern"].strip("^$"), sid)
    assert not re.fullmatch(parameter["schema"]["pattern"].strip("^$"), "import")


@pytest.mark.parametrize("path", ["/api/sessions", "/api/datasets/preview", "/api/sessions/{sid}/train"])
def test_a_body_that_is_not_json_is_a_400_saying_where(client, new_session, path):
    # A session's own route checks the session and token first (tests/app/test_checked_route.py), so it needs both.
    sid, headers, _ = new_session(data={"n_points": 40}) if "{sid}" in path else (None, {}, None)
    path = path.format(sid=sid)
    headers = {"content-type": "application/json", **headers}
    response = client.post(path, content=b'{"epochs": 3,\n "x": }', headers=headers)
    assert response.status_code == 400, response.text
    body = ErrorBody.model_validate(response.json())
    assert body.code == "request.bad_json"
    assert (body.params["line"], body.params["column"]) == (2, 7)
    assert "line 2, column 7" in body.detail
    chinese = client.post(path, content=b"{bad", headers={**headers, "accept-language": "zh"})
    assert chinese.status_code == 400
    assert chinese.json()["detail"] == "请求内容不是有效的 JSON（第 1 行第 2 列有误）"


def test_only_operations_with_a_body_document_400_and_413(client):
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            has_body = "requestBody" in operation
            assert ("400" in operation["responses"]) == has_body, (method, path)
            assert ("413" in operation["responses"]) == has_body, (method, path)
