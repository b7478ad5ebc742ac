"""Sessions: create, read, change, reset, regenerate, delete; their data and loss history."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response, status
from pydantic import WithJsonSchema

from app.schemas.data import DataView, LossHistory
from app.schemas.session import MAX_SEED, SessionConfig, SessionCreated, SessionOut
from app.web.api.checked_route import CheckedRoute
from app.web.api.deps import SESSION_ID, ManagerDep, SessionDep, client_of
from app.web.api.responses import CREATE_ERRORS, SESSION_BODY_ERRORS, SESSION_ERRORS

router = APIRouter(prefix="/sessions", tags=["sessions"], route_class=CheckedRoute)
# A PATCH body is part of a config: the service merges it into the session's and validates the whole, so its
# schema is SessionConfig's (every field optional, no others).
CONFIG_CHANGES = WithJsonSchema({"$ref": "#/components/schemas/SessionConfig"})
CHANGE_EXAMPLES = {"live": {"summary": "A live change", "value": {"learning_rate": 0.1}},
                   "data": {"summary": "Other data", "value": {"data": {"name": "xor", "noise": 0.1}}}}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SessionCreated, responses=CREATE_ERRORS)
async def create_session(request: Request, manager: ManagerDep,
                         config: Annotated[SessionConfig, Body()] = None) -> dict:
    """Create a session from a config (all fields optional). Returns its id and secret token."""
    return await manager.create(config or SessionConfig(), client_of(request))


@router.get(f"/{SESSION_ID}", response_model=SessionOut, responses=SESSION_ERRORS)
async def read_session(session: SessionDep, manager: ManagerDep) -> dict:
    """The session's config and where its training stands."""
    return await manager.ops(session).describe()


@router.patch(f"/{SESSION_ID}", response_model=SessionOut, responses=SESSION_BODY_ERRORS)
async def update_session(session: SessionDep, manager: ManagerDep,
                         changes: Annotated[dict[str, Any], CONFIG_CHANGES, Body(openapi_examples=CHANGE_EXAMPLES)]
                         ) -> dict:
    """Change part of the config. Learning rate, regularization, batch size and optimizer change live;
    data changes regenerate the data; structure changes rebuild the network from its seed."""
    return await manager.ops(session).update(changes)


@router.post(f"/{SESSION_ID}/reset", response_model=SessionOut, responses=SESSION_ERRORS)
async def reset_session(session: SessionDep, manager: ManagerDep) -> dict:
    """Back to the initial weights of the seed (the same weights every time), epoch 0."""
    return await manager.ops(session).reset()


@router.post(f"/{SESSION_ID}/regenerate", response_model=SessionOut, responses=SESSION_ERRORS)
async def regenerate_data(session: SessionDep, manager: ManagerDep,
                          seed: Annotated[int | None, Query(ge=0, le=MAX_SEED)] = None) -> dict:
    """New data (the next seed, or the one given), keeping the network."""
    return await manager.ops(session).regenerate(seed)


@router.delete(f"/{SESSION_ID}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=SESSION_ERRORS)
async def delete_session(session: SessionDep, manager: ManagerDep) -> Response:
    """End the session and delete its stored data."""
    await manager.remove(session.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(f"/{SESSION_ID}/data", response_model=DataView, responses=SESSION_ERRORS)
async def read_data(session: SessionDep, manager: ManagerDep) -> dict:
    """The training and test points."""
    return await manager.ops(session).data()


@router.get(f"/{SESSION_ID}/history", response_model=LossHistory, responses=SESSION_ERRORS)
async def read_history(session: SessionDep, manager: ManagerDep) -> dict:
    """Loss and accuracy per epoch since the last reset (the most recent 20,000 epochs)."""
    return await manager.ops(session).history()
