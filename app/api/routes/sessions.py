"""Sessions: create, read, change, reset, regenerate, delete; their data and loss history."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from app.api.deps import ManagerDep, SessionDep, client_of
from app.schemas.session import SessionConfig, SessionCreated, SessionOut

router = APIRouter(prefix="/sessions", tags=["sessions"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SessionCreated)
async def create_session(request: Request, manager: ManagerDep,
                         config: Annotated[SessionConfig, Body()] = None) -> dict:
    """Create a session from a config (all fields optional). Returns its id and secret token."""
    session = await run_in_threadpool(manager.create, config or SessionConfig(), client_of(request))
    return {**session.describe(), "token": session.token}


@router.get("/{session_id}", response_model=SessionOut)
def read_session(session: SessionDep) -> dict:
    """The session's config and where its training stands."""
    return session.describe()


@router.patch("/{session_id}", response_model=SessionOut)
def update_session(session: SessionDep, changes: Annotated[dict[str, Any], Body(examples=[{"learning_rate": 0.1}])]
                   ) -> dict:
    """Change part of the config. Learning rate, regularization, batch size and optimizer change live;
    data changes regenerate the data; structure changes rebuild the network from its seed."""
    session.update(changes)
    return session.describe()


@router.post("/{session_id}/reset", response_model=SessionOut)
def reset_session(session: SessionDep) -> dict:
    """Back to the initial weights of the seed (the same weights every time), epoch 0."""
    session.reset()
    return session.describe()


@router.post("/{session_id}/regenerate", response_model=SessionOut)
def regenerate_data(session: SessionDep, seed: int | None = None) -> dict:
    """New data (the next seed, or the one given), keeping the network."""
    session.regenerate(seed)
    return session.describe()


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_session(session: SessionDep, manager: ManagerDep) -> Response:
    """End the session and free its memory."""
    manager.delete(session.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{session_id}/data")
def read_data(session: SessionDep) -> dict:
    """The training and test points."""
    return session.data()


@router.get("/{session_id}/history")
def read_history(session: SessionDep) -> dict:
    """Train and test loss per epoch since the last reset (the most recent 20,000 epochs)."""
    with session.lock:
        return {key: list(values) for key, values in session.history.items()}
