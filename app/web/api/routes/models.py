"""Models: export a session as a document, import one as a new session."""

from fastapi import APIRouter, Request, status

from app.schemas.document import check_export
from app.schemas.inspection import ImportRequest
from app.schemas.models import SessionDocument
from app.schemas.session import SessionCreated
from app.web.api.checked_route import CheckedRoute
from app.web.api.deps import SESSION_ID, ManagerDep, SessionDep, client_of
from app.web.api.responses import CREATE_ERRORS, SESSION_ERRORS

router = APIRouter(tags=["models"], route_class=CheckedRoute)


@router.get(f"/sessions/{SESSION_ID}/model", response_model=SessionDocument, responses=SESSION_ERRORS)
async def export_model(session: SessionDep, manager: ManagerDep) -> dict:
    """The session's config and its model (architecture, weights, compile settings) as versioned JSON."""
    return await manager.ops(session).export()


@router.post("/sessions/import", status_code=status.HTTP_201_CREATED, response_model=SessionCreated,
             responses=CREATE_ERRORS)
async def import_model(request: Request, manager: ManagerDep, body: ImportRequest) -> dict:
    """A new session from an exported document, with the document's weights."""
    config, model = check_export(body.document)
    return await manager.import_document(config, model, client_of(request))
