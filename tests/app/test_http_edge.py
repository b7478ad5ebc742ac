"""The HTTP edge: JSON bodies only (415), the Host header checked (DNS rebinding), slow clients cut off."""

import socket
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from app.schemas.errors import ErrorBody
from app.web.api.allowed_hosts import listening_names, normalized
from tests.conftest import serving

HEADER_TIMEOUT = 1.0
CLOSE_DEADLINE = 4 * HEADER_TIMEOUT  # the server must have closed a slow client's connection by then


# JSON only where JSON is meant

@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", b"data=xor"),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'),
    ("text/plain", b'{"hidden_layers": [4]}'),  # what a cross-site form with enctype=text/plain sends
    ("text/plain;charset=UTF-8", b'{"hidden_layers": [4]}'),  # what fetch() sends for a string body
    (None, b'{"hidden_layers": [4]}'),  # a Blob without a type: no Content-Type, no preflight either
])
def test_a_body_that_is_not_declared_json_is_refused_with_415_and_creates_nothing(client, content_type, body):
    headers = {"content-type": content_type} if content_type else {}
    request = client.build_request("POST", "/api/sessions", content=body, headers=headers)
    assert request.headers.get("content-type") == content_type
    response = client.send(request)
    assert response.status_code == 415, response.text
    error = ErrorBody.model_validate(response.json())
    assert error.code == "request.media_type" and error.params["expected"] == "application/json"
    assert len(client.app.state.sessions) == 0


def test_json_creates_a_session_and_a_bodiless_post_still_works(client, new_session):
    response = client.post("/api/sessions", json={"hidden_layers": [4]})
    assert response.status_code == 201 and response.headers["content-type"] == "application/json"
    sid, headers, _ = new_session()
    assert client.post(f"/api/sessions/{sid}/reset", headers=headers).status_code == 200  # no body, no type
    charset = client.post("/api/sessions", content=b"{}", headers={"content-type": "Application/JSON; charset=utf-8"})
    assert charset.status_code == 201


def test_the_415_is_in_the_readers_language_and_in_the_api_schema(client):
    response = client.post("/api/neuron", content=b"w=1", headers={"content-type": "application/x-www-form-urlencoded",
                                                                     "accept-language": "zh-CN"})
    assert response.status_code == 415 and "JSON" in response.json()["detail"]
    assert "只接受" in response.json()["detail"]
    paths = client.get("/openapi.json").json()["paths"]
    assert "415" in paths["/api/sessions"]["post"]["responses"]
    assert "415" in paths["/api/sessions/{session_id}/train"]["post"]["responses"]
    assert "415" in paths["/api/neuron"]["post"]["responses"]
    assert "415" not in paths["/api/sessions/{session_id}"]["get"]["responses"]


# The Host header

def test_host_names_are_compared_without_port_case_brackets_or_trailing_dot():
    assert normalized("LocalHost:8000") == "localhost"
    assert normalized("[::1]:8000") == "::1" and normalized("[::ffff:127.0.0.1]") == "127.0.0.1"
    assert normalized("nnplay.school.") == "nnplay.school" and normalized("127.0.0.1:80") == "127.0.0.1"


def test_by_default_the_names_allowed_are_those_the_server_listens_on():
    assert listening_names("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    lan = listening_names("0.0.0.0")  # every interface: loopback, each interface address, the host name
    assert {"localhost", "127.0.0.1", socket.gethostname(), socket.gethostname().split(".")[0] + ".local"} <= lan
    assert "evil.example" not in lan


def test_a_star_turns_the_check_off_and_other_hosts_are_refused():
    strict = TestClient(create_app(Settings(workers=0)))
    refused = strict.get("/api/health", headers={"host": "evil.example"})
    assert refused.status_code == 400 and ErrorBody.model_validate(refused.json()).code == "request.host"
    assert refused.json()["params"] == {"host": "evil.example"}
    anything = TestClient(create_app(Settings(workers=0, allowed_hosts=["*"])))
    assert anything.get("/api/health", headers={"host": "evil.example"}).status_code == 200


@pytest.fixture(scope="module")
def edge_server():
    """A real server with a configured extra host name and a short header timeout; (base URL, port)."""
    with serving(allowed_hosts='["nnplay.school"]', header_timeout_seconds=str(HEADER_TIMEOUT)) as base:
        yield base, int(base.rsplit(":", 1)[1])


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=CLOSE_DEADLINE)


def handshake_status(port: int, host: str) -> bytes:
    """The status line a WebSocket handshake to the stream gets with this Host header."""
    with connect(port) as sock:
        sock.sendall(f"GET /api/sessions/abcdefghijkl/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n".encode())
        return sock.recv(4096).split(b"\r\n")[0]


def test_a_live_server_answers_its_own_names_and_refuses_others(edge_server):
    base, port = edge_server
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"nnplay.school:{port}", "NNPLAY.school"):
        assert httpx.get(f"{base}/api/health", headers={"host": host}, timeout=5).status_code == 200, host
    refused = httpx.post(f"{base}/api/sessions", json={}, headers={"host": f"evil.example:{port}"}, timeout=5)
    assert refused.status_code == 400 and refused.json()["code"] == "request.host"
    assert httpx.get(f"{base}/", headers={"host": "evil.example"}, timeout=5).status_code == 400  # the page too


def test_the_websocket_handshake_is_refused_for_an_unknown_host(edge_server):
    _, port = edge_server
    assert handshake_status(port, "evil.example").startswith(b"HTTP/1.1 400")
    assert handshake_status(port, f"127.0.0.1:{port}") == b"HTTP/1.1 101 Switching Protocols"
    assert handshake_status(port, "nnplay.school") == b"HTTP/1.1 101 Switching Protocols"


# Slow clients

def seconds_until_closed(sock: socket.socket) -> float:
    """How long until the server closes this connection (recv returns b""); fails after CLOSE_DEADLINE."""
    start = time.monotonic()
    while True:
        try:
            data = sock.recv(4096)
        except TimeoutError:
            pytest.fail(f"the connection was still open after {CLOSE_DEADLINE} s")
        except ConnectionResetError:
            data = b""
        if not data:
            return time.monotonic() - start
        sock.settimeout(max(0.01, CLOSE_DEADLINE - (time.monotonic() - start)))


def test_a_client_that_never_finishes_its_request_line_is_cut_off(edge_server):
    _, port = edge_server
    with connect(port) as sock:
        sock.sendall(b"GET /api/heal")
        assert seconds_until_closed(sock) < CLOSE_DEADLINE


def test_headers_trickled_byte_by_byte_do_not_extend_the_deadline(edge_server):
    _, port = edge_server
    with connect(port) as sock:
        start = time.monotonic()
        sock.sendall(b"GET /api/health HTTP/1.1\r\n")
        with pytest.raises(OSError):  # closed by the server while the client keeps sending a header line
            while time.monotonic() - start < CLOSE_DEADLINE:
                sock.sendall(b"X")
                time.sleep(0.05)  # the client's pace, not a wait for the server
        assert time.monotonic() - start < CLOSE_DEADLINE


def test_a_kept_alive_connection_with_half_a_second_request_is_cut_off(edge_server):
    _, port = edge_server
    with connect(port) as sock:
        sock.sendall(f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHo")  # uvicorn's own keep-alive timer stops at this byte
        assert seconds_until_closed(sock) < CLOSE_DEADLINE


def test_a_body_that_stops_arriving_is_cut_off(edge_server):
    _, port = edge_server
    with connect(port) as sock:
        sock.sendall(f"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                     "Content-Length: 100\r\n\r\n{\"hidden".encode())
        assert seconds_until_closed(sock) < CLOSE_DEADLINE
