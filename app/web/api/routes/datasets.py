"""Dataset previews: the points a data config gives, before any session exists.

Building a preview is CPU work in the web process (app/core/data.py, shared with the hosts): generating up to
max_points points, or reading up to max_points of the user's own points or CSV rows (measured: 5,000 drawn points
120 ms, 5,000 CSV rows 70 ms, 5,000 generated ones 3 to 5 ms). So it runs in a worker thread, never on the event
loop, the answer's validation and serialization with it; and at most PREVIEW_THREADS previews at once, so that a
burst of them cannot crowd the event loop out of the GIL (a thread running Python code hands it back every
switch interval; more such threads means longer turns for the loop)."""

import anyio
from fastapi import APIRouter, Request, Response
from pydantic import TypeAdapter

from app.core import data
from app.core.config import Settings
from app.schemas.data import DataPreview
from app.schemas.session import DataConfig
from app.web.api.responses import BODY_ERRORS

router = APIRouter(prefix="/datasets", tags=["catalogue"])
PREVIEW_THREADS = 2
_previews = anyio.CapacityLimiter(PREVIEW_THREADS)
_answer = TypeAdapter(DataPreview)


def _preview_json(config: DataConfig, settings: Settings) -> bytes:
    """The preview's JSON, checked against its model (a worker thread's work)."""
    return _answer.dump_json(_answer.validate_python(data.preview(config, settings)))


@router.post("/preview", response_model=DataPreview, responses=BODY_ERRORS)
async def preview(request: Request, config: DataConfig) -> Response:
    """The points (and train/test split) that this data config produces, for thumbnails and previews."""
    body = await anyio.to_thread.run_sync(_preview_json, config, request.app.state.settings, limiter=_previews)
    return Response(body, media_type="application/json")
