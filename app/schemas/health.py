"""The answer of the health check."""

from typing import Literal

from pydantic import Field

from app.schemas.answer import Answer


class Health(Answer):
    """The server is up, and runs this engine."""

    status: Literal["ok"] = Field(..., description="Always ok: an answer at all means the server is up.")
    engine_version: str = Field(..., examples=["0.1.0"])
