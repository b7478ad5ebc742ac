"""The server's limits on a session's config that its schema cannot state alone (they come from Settings, or tie
two fields together): checked where a session is built, and where a config is accepted for later (a class's
start), so that what is refused is refused when it is given."""

from app.core.config import Settings
from app.core.errors import SessionError
from app.schemas.session import SessionConfig


def checked(config: SessionConfig, settings: Settings) -> SessionConfig:
    """``config`` if the server can build it; SessionError naming the limit otherwise."""
    if len(config.hidden_layers) > settings.max_hidden_layers:
        raise SessionError("limit.hidden_layers", most=settings.max_hidden_layers)
    if any(units > settings.max_units for units in config.hidden_layers):
        raise SessionError("limit.units", most=settings.max_units)
    if isinstance(config.activation, list) and len(config.activation) != len(config.hidden_layers):
        raise SessionError("config.activations_count", layers=len(config.hidden_layers), given=len(config.activation))
    if config.data.n_points > settings.max_points:
        raise SessionError("limit.points", most=settings.max_points, count=config.data.n_points)
    return config
