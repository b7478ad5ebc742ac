"""Bad input never produces a 500: malformed, oversize and hostile requests get a 4xx and a reason."""

import json

import pytest

JUNK = [b"", b"{", b"null", b"[]", b"42", b'"text"', b'{"a": NaN}', b'{"epochs": 1e999}', b"\xff\xfe",
        json.dumps({"layers": [{"W": [[1e309]], "b": [0]}]}).encode(), json.dumps({"inputs": [[None, 1]]}).encode(),
        json.dumps({"epochs": "many"}).encode(), json.dumps({"input": [], "target": 0}).encode(),
        json.dumps({"data": {"name": "custom"}}).encode(), json.dumps({"hidden_layers": [-1]}).encode()]


def test_oversize_body_is_refused_with_413(client):
    response = client.post("/api/sessions", content=b"{" + b" " * 60_000 + b"}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413 and "larger than" in response.json()["detail"]


def test_oversize_chunked_body_is_refused_with_413(client):
    def chunks():
        for _ in range(100):
            yield b" " * 1000

    response = client.post("/api/datasets/preview", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize("body", JUNK, ids=range(len(JUNK)))
def test_junk_bodies_get_4xx_on_every_endpoint(client, new_session, body):
    sid, headers, _ = new_session()
    headers = {**headers, "content-type": "application/json"}
    endpoints = [("post", "/api/sessions"), ("post", "/api/datasets/preview"), ("patch", f"/api/sessions/{sid}"),
                 ("post", f"/api/sessions/{sid}/train"), ("put", f"/api/sessions/{sid}/weights"),
                 ("post", f"/api/sessions/{sid}/predict"), ("post", f"/api/sessions/{sid}/backprop"),
                 ("post", "/api/sessions/import")]
    for method, url in endpoints:
        if body == b"" and url == "/api/sessions":
            continue  # no body is a valid request there: every config field has a default
        response = client.request(method, url, content=body, headers=headers)
        assert 400 <= response.status_code < 500, (url, body, response.status_code, response.text)
        assert response.json()["detail"]
    assert client.get(f"/api/sessions/{sid}", headers=headers).status_code == 200


def test_validation_errors_read_like_sentences(client):
    detail = client.post("/api/sessions", json={"learning_rate": 0, "data": {"noise": "loud"}}).json()["detail"]
    assert "learning_rate" in detail and "data.noise" in detail and "Input should" in detail


def test_predict_rows_are_bounded(client, new_session, settings):
    sid, headers, _ = new_session()
    rows = [[0.0, 0.0]] * (settings.max_predict_rows + 1)
    response = client.post(f"/api/sessions/{sid}/predict", json={"inputs": rows}, headers=headers)
    assert response.status_code in (413, 422)
