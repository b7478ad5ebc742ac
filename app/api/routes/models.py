"""Models: export a session as a document, import one as a new session."""

from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool

from app.api.deps import ManagerDep, SessionDep, client_of
from app.schemas.inspection import ImportRequest
from app.schemas.session import SessionCreated
from app.services import inspection
from app.services.errors import SessionError

router = APIRouter(tags=["models"])


@router.get("/sessions/{session_id}/model")
def export_model(session: SessionDep) -> dict:
    """The session's config and its model (architecture, weights, compile settings) as versioned JSON."""
    return inspection.export(session)


@router.post("/sessions/import", status_code=status.HTTP_201_CREATED, response_model=SessionCreated)
async def import_model(request: Request, manager: ManagerDep, body: ImportRequest) -> dict:
    """A new session from an exported document, with the document's weights."""
    config, model = inspection.check_export(body.document)
    session = await run_in_threadpool(manager.create, config, client_of(request))
    try:
        inspection.load_model(session, model)
    except SessionError:
        manager.delete(session.id)
        raise
    return {**session.describe(), "token": session.token}
