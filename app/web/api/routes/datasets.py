"""Dataset previews: the points a data config gives, before any session exists."""

from fastapi import APIRouter, Request

from app.host import data
from app.schemas.data import DataPreview
from app.schemas.session import DataConfig
from app.web.api.responses import BODY_ERRORS

router = APIRouter(prefix="/datasets", tags=["catalogue"])


@router.post("/preview", response_model=DataPreview, responses=BODY_ERRORS)
def preview(request: Request, config: DataConfig) -> dict:
    """The points (and train/test split) that this data config produces, for thumbnails and previews."""
    return data.preview(config, request.app.state.settings)
