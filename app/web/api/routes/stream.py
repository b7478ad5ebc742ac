"""The live WebSocket stream of a session (frame format: docs/protocol.md).

Authentication without putting the token in the URL (URLs land in logs): the browser passes it as a
WebSocket subprotocol, ``new WebSocket(url, ["nnplay", "token." + token])``; other clients may instead
send ``{"type": "auth", "token": "..."}`` as their first message. The handshake also checks Origin.
"""

import asyncio
import json
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.core.errors import AppError, Forbidden, HostUnavailable, LimitReached, NotAuthenticated, SessionNotFound
from app.web.classroom import teacher_cookie
from app.web.stream_relay import CLOSE_SESSION_ENDED, StreamPlayer, close_reason, refuse

router = APIRouter(tags=["stream"])
SUBPROTOCOL, TOKEN_PREFIX = "nnplay", "token."
CLOSE_POLICY, CLOSE_NOT_FOUND, CLOSE_FORBIDDEN = 1008, 4404, 4403
CLOSE_TRY_AGAIN = 1013  # the session could not be brought back just now (store or hosts busy): try again later
AUTH_TIMEOUT_SECONDS = 5
TEACHER_COOKIE = teacher_cookie("")  # the prefix of every class's teacher cookie


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """No Origin (a script), the server's own host, or a configured origin."""
    if origin is None:
        return True
    return origin in allowed or (host is not None and urlsplit(origin).netloc == host)


async def _first_message_token(websocket: WebSocket) -> str | None:
    try:
        text = await asyncio.wait_for(websocket.receive_text(), AUTH_TIMEOUT_SECONDS)
        message = json.loads(text)
    except (TimeoutError, ValueError, KeyError, RecursionError):  # RecursionError: JSON nested too deeply
        return None
    if not isinstance(message, dict) or message.get("type") != "auth" or not isinstance(message.get("token"), str):
        return None
    # JSON may carry a lone surrogate ("\\ud800"), which UTF-8 cannot encode (checking the token encodes it);
    # no token holds one, so "?" in its place keeps the token wrong.
    return message["token"].encode(errors="replace").decode()


async def accepted_with_token(websocket: WebSocket, settings) -> str | None | bool:
    """Check the handshake's Origin (False, refused with 1008, if it is not allowed), accept it, and return the
    token it carries: a `token.` subprotocol, else an `auth` first message (None if neither comes in time). A
    teacher's browser sends its dashboard cookie instead: no first message is waited for then."""
    if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"), settings.allowed_origins):
        # Before accept, so the handshake itself gets HTTP 403 (a browser sees only that the socket closed):
        # no message can go first. The page is never refused, since it is served from the server's own host.
        await websocket.close(CLOSE_POLICY, close_reason(AppError("stream.origin")))
        return False
    offered = websocket.scope.get("subprotocols", [])
    token = next((p[len(TOKEN_PREFIX):] for p in offered if p.startswith(TOKEN_PREFIX)), None)
    await websocket.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
    if token is None and not any(name.startswith(TEACHER_COOKIE) for name in websocket.cookies):
        token = await _first_message_token(websocket)
    return token


@router.websocket("/sessions/{session_id}/stream")
async def stream(websocket: WebSocket, session_id: str) -> None:
    """Frames of a session while it trains; control messages play, pause, step, reset, set, fps, view."""
    app = websocket.app
    settings = app.state.settings
    try:
        token = await accepted_with_token(websocket, settings)
        if token is False:
            return
        read_only = False
        try:
            try:
                session = await app.state.sessions.find(session_id, token)
            except (NotAuthenticated, Forbidden):  # its class's teacher may watch it, read-only
                session = await app.state.classroom.watched_by_teacher(session_id, token, websocket.cookies)
                if session is None:
                    raise
                read_only = True
        except SessionNotFound as exc:  # session.lost (its host died) closes as an open stream of it does
            await refuse(websocket, exc, CLOSE_SESSION_ENDED if exc.code == "session.lost" else CLOSE_NOT_FOUND)
            return
        except (NotAuthenticated, Forbidden) as exc:
            await refuse(websocket, exc, CLOSE_FORBIDDEN)
            return
        except (LimitReached, HostUnavailable) as exc:  # it could not be brought back from the store just now
            await refuse(websocket, exc, CLOSE_TRY_AGAIN)
            return
        await StreamPlayer(websocket, session, app.state.sessions, settings, read_only=read_only).run()
    except WebSocketDisconnect:
        return
