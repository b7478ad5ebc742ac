"""The edge middlewares read the request's headers once, in one pass (app/web/api/request_head.py)."""

import pytest

from app.web.api import request_head
from app.web.api.request_head import head_of


def scope_with(*headers: tuple[bytes, bytes]) -> dict:
    return {"type": "http", "headers": list(headers)}


def test_a_head_holds_what_the_edge_needs():
    head = head_of(scope_with((b"host", b"LocalHost:8000"), (b"content-type", b"Application/JSON; charset=utf-8"),
                              (b"content-length", b"12"), (b"accept-language", b"zh-CN")))
    assert (head.host, head.media_type, head.has_body, head.declared_length, head.accept_language) == (
        "LocalHost:8000", "application/json", True, 12, "zh-CN")


@pytest.mark.parametrize(("headers", "has_body", "declared"), [
    ((), False, None),
    (((b"content-length", b"0"),), False, 0),
    (((b"content-length", b" 5 "),), True, 5),
    (((b"content-length", b"abc"),), True, None),  # announced, unreadable: a body all the same
    (((b"transfer-encoding", b"chunked"),), True, None),
    (((b"content-length", b"3"), (b"content-length", b"3000")), True, 3000),  # the largest one counts
])
def test_what_counts_as_a_body_and_its_declared_length(headers, has_body, declared):
    head = head_of(scope_with(*headers))
    assert (head.has_body, head.declared_length, head.host, head.media_type) == (has_body, declared, None, "")


def test_the_head_is_kept_in_the_scope():
    scope = scope_with((b"host", b"a"))
    assert head_of(scope) is head_of(scope)


def test_one_request_reads_its_headers_once_through_every_middleware(client, monkeypatch):
    reads = []
    original = request_head._read
    monkeypatch.setattr(request_head, "_read", lambda headers: reads.append(1) or original(headers))
    assert client.post("/api/sessions", json={"data": {"n_points": 40}}).status_code == 201
    assert len(reads) == 1
    text = {"content-type": "text/plain", "accept-language": "zh"}
    refused = client.post("/api/neuron", content=b"w=1", headers=text)
    assert refused.status_code == 415 and "只接受" in refused.json()["detail"]  # the error read it too, from the scope
    assert len(reads) == 2
