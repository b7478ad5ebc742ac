"""Dataset previews: the points a data config gives, before any session exists."""

from fastapi import APIRouter

from app.core.config import get_settings
from app.schemas.session import DataConfig
from app.services import data

router = APIRouter(prefix="/datasets", tags=["catalogue"])


@router.post("/preview")
def preview(config: DataConfig) -> dict:
    """The points (and train/test split) that this data config produces, for thumbnails and previews."""
    return data.preview(config, get_settings())
