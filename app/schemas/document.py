"""The session document (GET /api/sessions/{id}/model, POST /api/sessions/import): its format and the
checks both sides apply to it. The host writes it; the web process checks an imported one before any
session is built."""

import math

from app.core.errors import SessionError
from app.schemas.session import SessionConfig

EXPORT_FORMAT, EXPORT_VERSION = "nnplay.session", 1


def _plain(value: object) -> object:
    """``value`` as it came if it is a JSON scalar (so {version!r} reads 2 or '2'), else its text (a list, a
    dict, NaN: the error's params stay plain JSON)."""
    if value is None or isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value)):
        return value
    return str(value)


def check_export(document: dict) -> tuple[SessionConfig, dict]:
    """Validate an exported document; returns (config, engine model document)."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise SessionError("document.format", expected=EXPORT_FORMAT)
    if document.get("version") != EXPORT_VERSION:
        raise SessionError("document.version", version=_plain(document.get("version")))
    try:
        config = SessionConfig.model_validate(document.get("config"))
    except ValueError as exc:
        raise SessionError("document.config", reason=str(exc)) from None
    model = document.get("model")
    if not isinstance(model, dict):
        raise SessionError("document.no_model")
    return config, model
