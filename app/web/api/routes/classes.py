"""Classes: a teacher creates one, students join with its code, the teacher reads and steers it (docs/classroom.md).

Thin: parse, check the teacher's token (``TeacherDep``), call the classroom (app/web/classroom.py)."""

import io
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Path, Request, Response, WebSocket, status

from app.core.errors import Forbidden, NotAuthenticated, NotFound
from app.schemas.classes import (
    ChallengeSpec,
    ChallengeView,
    ChooseSnapshot,
    ClassChange,
    ClassCreate,
    ClassCreated,
    ClassOut,
    CodeChange,
    Joined,
    JoinRequest,
    LoadSnapshot,
    Pushed,
    PushRequest,
    Recover,
    Reveal,
    SnapshotOut,
    TakeSnapshot,
    TeacherToken,
)
from app.store.classes import ClassRow
from app.web import class_reports
from app.web.api.deps import CLASS_ID, client_of, session_token
from app.web.api.responses import CLASS_BODY_ERRORS, CLASS_ERRORS, CREATE_ERRORS, JOIN_ERRORS
from app.web.api.routes.stream import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, accepted_with_token
from app.web.class_relay import ClassStream
from app.web.classroom import Classroom, teacher_cookie
from app.web.sessions import SESSION_ID_PATTERN
from app.web.stream_relay import refuse

router = APIRouter(prefix="/classes", tags=["classes"])
SnapshotIdPath = Annotated[str, Path(max_length=32, description="A snapshot's id.")]
ClassIdPath = Annotated[str, Path(description="The id returned when the class was created.",
                                  json_schema_extra={"pattern": f"^{SESSION_ID_PATTERN}$"})]


def get_classroom(request: Request) -> Classroom:
    return request.app.state.classroom


ClassroomDep = Annotated[Classroom, Depends(get_classroom)]


async def teacher_of(request: Request, class_id: ClassIdPath, classroom: ClassroomDep) -> ClassRow:
    """The class named in the path, if the request carries its teacher's token (Authorization: Bearer, or the
    dashboard's cookie): 404 without such a class, 401 without a token, 403 with another (a student's too)."""
    token = await session_token.token(request) or request.cookies.get(teacher_cookie(class_id))
    return await classroom.teacher(class_id, token)


TeacherDep = Annotated[ClassRow, Depends(teacher_of)]
TEACHER_COOKIE_SECONDS = 30 * 86_400



def qr_svg(text: str) -> bytes:
    """``text`` as a QR code in SVG (error correction M: a projected code survives a little glare)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=8, border=2, title="join")
    return out.getvalue()


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClassCreated, responses=CREATE_ERRORS)
async def create_class(spec: ClassCreate, classroom: ClassroomDep) -> dict:
    """Create a class: its join code for students, and the teacher token (keep it: it is the dashboard's key)."""
    return await classroom.create(spec)


@router.post("/join", status_code=status.HTTP_201_CREATED, response_model=Joined, responses=JOIN_ERRORS)
async def join_class(request: Request, body: JoinRequest, classroom: ClassroomDep) -> dict:
    """Join a class with its code and a nickname (none: one is made up): a session of one's own, which works with
    every session endpoint and the stream. ``rejoin`` (the student id and session token kept by the browser)
    returns to the same session."""
    return await classroom.join(body.code, body.name, client_of(request), body.rejoin)


@router.get(f"/{CLASS_ID}", response_model=ClassOut, responses=CLASS_ERRORS)
async def read_class(row: TeacherDep, classroom: ClassroomDep) -> dict:
    """The class with its students and each one's latest metrics (the teacher's token)."""
    return await classroom.describe(row)


@router.post(f"/{CLASS_ID}/cookie", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
             responses=CLASS_ERRORS)
async def dashboard_cookie(request: Request, row: TeacherDep) -> Response:
    """Exchange the teacher token (Bearer) for a cookie of this server only: the dashboard's secret link can be
    opened on another device, and the token leaves the address bar (the page takes it from the link's #fragment,
    which browsers never send)."""
    token = await session_token.token(request)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    if token:
        response.set_cookie(teacher_cookie(row.id), token, httponly=True, samesite="strict", path="/",
                            max_age=TEACHER_COOKIE_SECONDS, secure=request.url.scheme == "https")
    return response


@router.get(f"/{CLASS_ID}/qr.svg", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string", "format": "binary"}}},
                             "description": "The QR code (SVG)."},
                       **CLASS_ERRORS})
async def join_qr_code(request: Request, row: TeacherDep) -> Response:
    """The class's join link, as a QR code (SVG) to project: students point a tablet's camera at it."""
    if not row.join_code:
        raise NotFound("class.code_closed")
    link = str(request.base_url).rstrip("/") + f"/join?code={row.join_code}"
    return Response(qr_svg(link), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get(f"/{CLASS_ID}/report.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "One row per student."}, **CLASS_ERRORS})
async def class_report(row: TeacherDep, classroom: ClassroomDep) -> Response:
    """After class: a CSV of the students with their latest and best metrics."""
    return Response(await class_reports.report_csv(classroom, row), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="class-{row.id}.csv"', "Cache-Control": "no-store"})


@router.get(f"/{CLASS_ID}/models.zip", response_class=Response,
            responses={200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
                             "description": "One export document per student."}, **CLASS_ERRORS})
async def class_models(row: TeacherDep, classroom: ClassroomDep) -> Response:
    """After class: every student's network (the export document each can import again), in a ZIP archive."""
    return Response(await class_reports.models_zip(classroom, row), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="class-{row.id}-models.zip"', "Cache-Control": "no-store"})


@router.post(f"/{CLASS_ID}/recover", response_model=TeacherToken, responses=CLASS_BODY_ERRORS)
async def recover_dashboard(class_id: ClassIdPath, body: Recover, classroom: ClassroomDep) -> dict:
    """A lost dashboard link: a new teacher token for whoever holds the server's teacher key (the old one stops
    working). Without a teacher key on the server, whoever runs it can: `nnplay class-link <class id>`."""
    return await classroom.recover(class_id, body.teacher_key)


@router.put(f"/{CLASS_ID}/challenge", response_model=ChallengeView, responses=CLASS_BODY_ERRORS)
async def set_challenge(row: TeacherDep, body: ChallengeSpec, classroom: ClassroomDep) -> dict:
    """Give the class a challenge (replacing the last one): a goal checked on a test set students never see."""
    return await classroom.challenges.set(row, body)


@router.get(f"/{CLASS_ID}/challenge", response_model=ChallengeView, responses=CLASS_ERRORS)
async def read_challenge(row: TeacherDep, classroom: ClassroomDep) -> dict:
    """The challenge and its leaderboards: first to reach, best test loss, fewest parameters."""
    return await classroom.challenges.view(row)


@router.post(f"/{CLASS_ID}/challenge/reveal", response_model=ChallengeView, responses=CLASS_BODY_ERRORS)
async def reveal_leaderboard(row: TeacherDep, body: Reveal, classroom: ClassroomDep) -> dict:
    """Show the leaderboard to the students (or hide it)."""
    return await classroom.challenges.reveal(row, body.revealed)


@router.post(f"/{CLASS_ID}/challenge/check", response_model=ChallengeView, responses=CLASS_ERRORS)
async def check_everyone(row: TeacherDep, classroom: ClassroomDep) -> dict:
    """Check every student's network in memory against the challenge now."""
    return await classroom.challenges.check_all(row)


@router.post(f"/{CLASS_ID}/snapshots", status_code=status.HTTP_201_CREATED, response_model=SnapshotOut,
             responses=CLASS_BODY_ERRORS)
async def take_snapshot(row: TeacherDep, body: TakeSnapshot, classroom: ClassroomDep) -> dict:
    """Capture a student's network now, for the gallery (shown there at once)."""
    return await classroom.gallery.take(row, body.student_id)


@router.get(f"/{CLASS_ID}/snapshots", response_model=list[SnapshotOut], responses=CLASS_ERRORS)
async def list_snapshots(row: TeacherDep, classroom: ClassroomDep) -> list:
    """Every snapshot of the class, oldest first (``chosen`` ones are the gallery)."""
    return await classroom.gallery.of_class(row)


@router.get(f"/{CLASS_ID}/snapshots/{{snapshot_id}}/frame", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                  "format": "binary"}}},
                             "description": "One stream frame (docs/protocol.md): its heatmaps, large."},
                       **CLASS_ERRORS})
async def snapshot_frame(row: TeacherDep, snapshot_id: SnapshotIdPath, classroom: ClassroomDep) -> Response:
    """The snapshot's picture: a whole stream frame, to draw large in the gallery (static/js/protocol.js)."""
    found = await classroom.gallery.get(row, snapshot_id)
    return Response(found["picture"], media_type="application/octet-stream")


@router.patch(f"/{CLASS_ID}/snapshots/{{snapshot_id}}", response_model=SnapshotOut, responses=CLASS_BODY_ERRORS)
async def choose_snapshot(row: TeacherDep, snapshot_id: SnapshotIdPath, body: ChooseSnapshot,
                          classroom: ClassroomDep) -> dict:
    """Show a snapshot in the gallery, or take it out."""
    return await classroom.gallery.choose(row, snapshot_id, body.chosen)


@router.delete(f"/{CLASS_ID}/snapshots/{{snapshot_id}}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response, responses=CLASS_ERRORS)
async def delete_snapshot(row: TeacherDep, snapshot_id: SnapshotIdPath, classroom: ClassroomDep) -> Response:
    """Delete a snapshot."""
    await classroom.gallery.delete(row, snapshot_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(f"/{CLASS_ID}/snapshots/{{snapshot_id}}/load", response_model=Pushed, responses=CLASS_BODY_ERRORS)
async def load_snapshot(row: TeacherDep, snapshot_id: SnapshotIdPath, body: LoadSnapshot,
                        classroom: ClassroomDep) -> dict:
    """Load a snapshot's network (config and weights) into everyone's playground, or the chosen students'."""
    return {"reached": await classroom.gallery.load(row, snapshot_id, body.students)}


@router.post(f"/{CLASS_ID}/pause", response_model=ClassOut, responses=CLASS_ERRORS)
async def pause_class(row: TeacherDep, classroom: ClassroomDep) -> dict:
    """Pause the whole class: every student's training stops and their controls lock until resumed."""
    return await classroom.describe(await classroom.set_paused(row, True))


@router.post(f"/{CLASS_ID}/resume", response_model=ClassOut, responses=CLASS_ERRORS)
async def resume_class(row: TeacherDep, classroom: ClassroomDep) -> dict:
    """Let the students go on."""
    return await classroom.describe(await classroom.set_paused(row, False))


@router.put(f"/{CLASS_ID}/locked", response_model=ClassOut, responses=CLASS_BODY_ERRORS)
async def lock_controls(row: TeacherDep, body: ClassChange, classroom: ClassroomDep) -> dict:
    """Which controls students may not use (an empty list unlocks them all)."""
    return await classroom.describe(await classroom.set_locked(row, body.locked))


@router.post(f"/{CLASS_ID}/push", response_model=Pushed, responses=CLASS_BODY_ERRORS)
async def push_to_students(row: TeacherDep, body: PushRequest, classroom: ClassroomDep) -> dict:
    """Give every student (or the chosen ones) a preset, a lesson's network or a config."""
    return {"reached": await classroom.push(row, body)}


@router.post(f"/{CLASS_ID}/code", response_model=ClassOut, responses=CLASS_BODY_ERRORS)
async def change_code(row: TeacherDep, body: CodeChange, classroom: ClassroomDep) -> dict:
    """Pause, open, rotate or end the join code."""
    return await classroom.describe(await classroom.code(row, body.action))


@router.delete(f"/{CLASS_ID}/students/{{student_id}}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response, responses=CLASS_ERRORS)
async def remove_student(row: TeacherDep, student_id: Annotated[str, Path(max_length=32)],
                         classroom: ClassroomDep) -> Response:
    """Remove a student from the class (their network is deleted)."""
    await classroom.remove_student(row, student_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(f"/{CLASS_ID}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=CLASS_ERRORS)
async def delete_class(row: TeacherDep, classroom: ClassroomDep) -> Response:
    """Delete the class with all its students' data."""
    await classroom.delete(row)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.websocket(f"/{CLASS_ID}/stream")
async def class_stream(websocket: WebSocket, class_id: str) -> None:
    """The dashboard's stream: the roster and a small live frame of every student (docs/protocol.md). The teacher's
    token as a subprotocol (`token.<teacher token>`), or the dashboard's cookie."""
    settings, classroom = websocket.app.state.settings, websocket.app.state.classroom
    token = await accepted_with_token(websocket, settings)
    if token is False:
        return
    try:
        row = await classroom.teacher(class_id, token or websocket.cookies.get(teacher_cookie(class_id)))
    except NotFound as exc:
        await refuse(websocket, exc, CLOSE_NOT_FOUND)
        return
    except (NotAuthenticated, Forbidden) as exc:
        await refuse(websocket, exc, CLOSE_FORBIDDEN)
        return
    await ClassStream(websocket, row, classroom, settings).run()
