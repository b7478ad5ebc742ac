"""A session's routes check the session and its token before the body is read, once; predict's rows are counted
before its body is parsed (app/web/api/checked_route.py)."""

from typing import get_args

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import API_ROUTERS, create_app
from app.schemas.errors import ErrorBody
from app.schemas.network import NodeValues
from app.web.api.checked_route import CheckedRoute
from app.web.api.deps import SessionIdPath
from app.web.sessions import SESSION_ID_PATTERN

MISSING_ID = "AAAAAAAAAAAA"  # well formed, never created
JSON = {"content-type": "application/json"}
# 1.9 MB that is not JSON at all: parsed, it would be a 400 request.bad_json.
BROKEN_BODY = b'{"inputs": [' + b"[0.5, -0.25], " * 136_000 + b"oops"


class BodyBytesSeen:
    """ASGI middleware that counts the body bytes the application asked for (read, not merely sent)."""

    def __init__(self, app):
        self.app, self.seen = app, []

    async def __call__(self, scope, receive, send):
        async def counted():
            message = await receive()
            if message["type"] == "http.request":
                self.seen.append(len(message.get("body", b"")))
            return message

        await self.app(scope, counted if scope["type"] == "http" else receive, send)


@pytest.fixture
def big():
    """A client of an app that takes 2 MB bodies, and the list of body byte counts its routes read."""
    app = create_app(Settings(workers=0, max_body_bytes=2_000_000, allowed_hosts=["testserver"]))
    spy = {}

    def outermost(inner):
        spy["it"] = BodyBytesSeen(inner)
        return spy["it"]

    app.add_middleware(outermost)
    with TestClient(app) as client:
        yield client, lambda: sum(spy["it"].seen)


def create(client):
    body = client.post("/api/sessions", json={"data": {"n_points": 40}, "hidden_layers": [2]}).json()
    return body["id"], {"Authorization": f"Bearer {body['token']}"}


def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text[:300]
    assert ErrorBody.model_validate(response.json()).code == code


def test_a_big_broken_body_to_a_missing_session_is_a_404_and_is_never_read(big):
    client, bytes_read = big
    assert len(BROKEN_BODY) > 1_900_000
    response = client.post(f"/api/sessions/{MISSING_ID}/predict", content=BROKEN_BODY, headers=JSON)
    refused(response, 404, "session.not_found")  # not 400 request.bad_json: the body was never parsed
    assert bytes_read() == 0  # nor even read


@pytest.mark.parametrize(("token", "status", "code"), [(None, 401, "auth.missing"), ("wrong", 403, "auth.wrong")])
def test_a_big_broken_body_without_the_token_is_refused_unread(big, token, status, code):
    client, bytes_read = big
    sid, _ = create(client)
    before = bytes_read()
    headers = {**JSON, **({"Authorization": f"Bearer {token}"} if token else {})}
    for method, path in (("post", "predict"), ("put", "weights"), ("post", "train")):
        refused(client.request(method, f"/api/sessions/{sid}/{path}", content=BROKEN_BODY, headers=headers),
                status, code)
    refused(client.patch(f"/api/sessions/{sid}", content=BROKEN_BODY, headers=headers), status, code)
    assert bytes_read() == before


def test_a_lost_session_is_told_so_before_its_body_is_read(big):
    client, bytes_read = big
    client.app.state.sessions.lost["LOSTLOSTLOST"] = None  # as when its host died
    response = client.post("/api/sessions/LOSTLOSTLOST/train", content=BROKEN_BODY, headers=JSON)
    refused(response, 404, "session.lost")
    assert bytes_read() == 0


def test_with_its_token_the_body_is_read_and_parsed_as_before(big):
    client, bytes_read = big
    sid, auth = create(client)
    before = bytes_read()
    response = client.post(f"/api/sessions/{sid}/train", content=b'{"epochs": }', headers={**JSON, **auth})
    refused(response, 400, "request.bad_json")
    assert bytes_read() - before == len(b'{"epochs": }')
    assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 2}, headers=auth).status_code == 200


def test_the_token_is_checked_once_per_request(client, new_session, monkeypatch):
    sid, headers, _ = new_session(data={"n_points": 40}, hidden_layers=[2])
    manager = client.app.state.sessions
    calls = []
    original = manager.authorize
    monkeypatch.setattr(manager, "authorize", lambda *args: calls.append(args) or original(*args))
    assert client.get(f"/api/sessions/{sid}", headers=headers).status_code == 200
    assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 1}, headers=headers).status_code == 200
    assert client.post(f"/api/sessions/{sid}/lessons/logic-gates/tasks/0/check", headers=headers).status_code == 200
    assert [session_id for session_id, _ in calls] == [sid, sid, sid]


def test_routing_still_comes_first(client):
    # An unknown method on a missing session is a 405, and a segment that cannot be an id an unknown path.
    assert client.put(f"/api/sessions/{MISSING_ID}", json={}).status_code == 405
    refused(client.post("/api/sessions/nope/train", json={}), 404, "request.not_found")


def test_the_session_id_is_checked_once_by_the_route_and_only_documented_by_the_parameter():
    field = get_args(SessionIdPath)[1]
    assert field.metadata == []  # no pattern validated again after the path convertor matched
    assert field.json_schema_extra == {"pattern": f"^{SESSION_ID_PATTERN}$"}


def test_every_route_that_names_a_session_is_a_checked_route():
    routes = [route for module in API_ROUTERS for route in module.router.routes if isinstance(route, APIRoute)]
    named = [route for route in routes if "session_id" in route.param_convertors]
    assert len(named) > 20
    assert [route.path for route in named if not isinstance(route, CheckedRoute)] == []


# Predict's rows, counted before parsing

def test_too_many_predict_rows_are_refused_before_the_body_is_parsed(big):
    client, _ = big
    sid, auth = create(client)
    most = client.app.state.settings.max_predict_rows
    response = client.post(f"/api/sessions/{sid}/predict", content=BROKEN_BODY, headers={**JSON, **auth})
    refused(response, 422, "limit.predict_rows")  # not 400 request.bad_json: counted, not parsed
    assert response.json()["params"] == {"most": most}
    rows = [[0.5, -0.25]] * most
    answer = client.post(f"/api/sessions/{sid}/predict", json={"inputs": rows}, headers=auth)
    assert answer.status_code == 200, answer.text[:300]
    assert len(answer.json()["output"]) == most
    refused(client.post(f"/api/sessions/{sid}/predict", json={"inputs": rows + [[0, 0]]}, headers=auth),
            422, "limit.predict_rows")


def test_the_predict_answer_sent_unchecked_fits_its_model(client, new_session):
    sid, headers, _ = new_session(data={"n_points": 40}, hidden_layers=[3, 2])
    response = client.post(f"/api/sessions/{sid}/predict", json={"inputs": [[1, -1], [0, 0], [0.5, 2]]},
                           headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    values = NodeValues.model_validate(response.json())
    assert len(values.output) == 3 and len(values.layers) == 3


def test_a_chunked_predict_body_over_the_limit_is_a_413(client, new_session):
    sid, headers, _ = new_session(data={"n_points": 40}, hidden_layers=[2])

    def chunks():
        yield b'{"inputs": ['
        for _ in range(100):
            yield b"[0, 0], " * 100

    response = client.post(f"/api/sessions/{sid}/predict", content=chunks(), headers={**headers, **JSON})
    refused(response, 413, "request.too_large")
