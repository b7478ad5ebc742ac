"""What the engine offers: activations, losses, optimizers, initializers, features and datasets."""

from fastapi import APIRouter

from app.schemas.catalogue import Catalogue
from app.web import catalogue

router = APIRouter(prefix="/catalogue", tags=["catalogue"])


@router.get("", response_model=Catalogue)
def read_catalogue() -> dict:
    """Names and short descriptions of everything a session config can choose from."""
    return catalogue.describe()
