"""The OpenAPI document states this server's own limits, read from its Settings (the one source of truth).

The request models carry no size limits the server is configured with; the services enforce those from
Settings (a 422 whose code says which limit). So that a client that obeys the schema is never refused for
a size the schema can state, the document is patched here: each entry of LIMITS sets a JSON-schema keyword
of a field to a value computed from Settings, or to a service's own constant (the sizes of the width sweep
and the deep-versus-shallow experiment, lesson figures the same on every server). Limits a schema cannot
state (products of sizes, points inside a CSV text, sessions per client) are added to the operation's
description by OPERATION_LIMITS.
"""

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.core import figure_limits as figures
from app.core.config import Settings
from engine.datasets import MAX_USER_POINTS

Limit = Callable[[Settings], int | float]


def _setting(name: str) -> Limit:
    return lambda settings: getattr(settings, name)


def _fixed(value: int | float) -> Limit:
    """A limit that is a service's own constant (a lesson figure's size), the same on every server."""
    return lambda settings: value


# (schema name, field path with "items" for a list's elements) -> (JSON-schema keyword, value from Settings)
LIMITS: dict[tuple[str, str], tuple[str, Limit]] = {
    ("DataConfig", "n_points"): ("maximum", _setting("max_points")),
    ("UserPoints", "X"): ("maxItems", lambda s: min(s.max_points, MAX_USER_POINTS)),
    ("UserPoints", "y"): ("maxItems", lambda s: min(s.max_points, MAX_USER_POINTS)),
    ("SessionConfig", "hidden_layers"): ("maxItems", _setting("max_hidden_layers")),
    ("SessionConfig", "hidden_layers.items"): ("maximum", _setting("max_units")),
    ("SessionConfig", "activation"): ("maxItems", _setting("max_hidden_layers")),
    ("TrainRequest", "epochs"): ("maximum", _setting("max_epochs_per_call")),
    ("PredictRequest", "inputs"): ("maxItems", _setting("max_predict_rows")),
    ("WeightsIn", "layers"): ("maxItems", lambda s: s.max_hidden_layers + 1),  # hidden layers and the output
    ("SweepRequest", "widths"): ("maxItems", _fixed(figures.SWEEP_MAX_WIDTHS)),
    ("SweepRequest", "widths.items"): ("maximum", _setting("max_units")),
    ("SweepRequest", "epochs"): ("maximum", _fixed(figures.SWEEP_MAX_EPOCHS)),
    ("ExperimentRequest", "width"): ("maximum", _setting("max_units")),
    ("ExperimentRequest", "depths"): ("maxItems", _fixed(figures.EXPERIMENT_MAX_DEPTH)),
    ("ExperimentRequest", "depths.items"): ("maximum", _fixed(figures.EXPERIMENT_MAX_DEPTH)),
    ("ExperimentRequest", "epochs"): ("maximum", _fixed(figures.EXPERIMENT_MAX_EPOCHS)),
}
# (method, path, query parameter) -> (JSON-schema keyword, value from Settings)
PARAMETER_LIMITS: dict[tuple[str, str, str], tuple[str, Limit]] = {
    ("get", "/api/sessions/{session_id}/grid", "resolution"): ("maximum", _setting("max_grid")),
}

_DATA = ("Custom data (points or CSV rows) may hold at most {max_points} points; every request body at most "
         "{max_body_bytes} bytes (413 above).")
# (method, path) -> a paragraph appended to the description, formatted with the settings
OPERATION_LIMITS: dict[tuple[str, str], str] = {
    ("post", "/api/sessions"): "Limits: at most {max_sessions_per_client} live sessions per client address and "
                               "{max_sessions} on the server (429 beyond). " + _DATA,
    ("post", "/api/sessions/import"): "Limits: as for creating a session (429 beyond "
                                      "{max_sessions_per_client} sessions per client). " + _DATA,
    ("patch", "/api/sessions/{session_id}"): "Limits: the same as for a new session's config. " + _DATA,
    ("post", "/api/datasets/preview"): "Limits: " + _DATA,
    ("post", "/api/sessions/{session_id}/train"): "Limits: at most {max_epochs_per_call} epochs and "
                                                  "{max_seconds_per_call} s of training per call.",
    ("post", "/api/sessions/{session_id}/predict"): (
        "Limits: at most {max_predict_rows} rows, and at most {max_grid_values} numbers in the answer: rows x "
        "(features + 2 x the network's neurons) <= {max_grid_values} (422 above)."),
    ("get", "/api/sessions/{session_id}/grid"): (
        "Limits: at most {max_grid_values} numbers in the answer: resolution^2 x (features + 2 x the "
        "network's neurons) / 2 <= {max_grid_values} (422 above)."),
}


def _field(schema: dict, path: str) -> dict:
    node = schema
    for part in path.split("."):
        node = node["items"] if part == "items" else node["properties"][part]
    return node


def _matching(schemas: dict, name: str) -> list[dict]:
    """The component schemas of model ``name`` (FastAPI may split one into -Input and -Output)."""
    found = [schemas[key] for key in (name, f"{name}-Input", f"{name}-Output") if key in schemas]
    if not found:
        raise KeyError(f"no schema {name!r} in the OpenAPI document (app/web/api/openapi.py LIMITS is stale)")
    return found


def apply_limits(document: dict, settings: Settings) -> dict:
    """Write ``settings``' limits into an OpenAPI ``document`` (in place); returns it."""
    schemas = document["components"]["schemas"]
    for (name, path), (keyword, limit) in LIMITS.items():
        for schema in _matching(schemas, name):
            _field(schema, path)[keyword] = limit(settings)
    for (method, path, name), (keyword, limit) in PARAMETER_LIMITS.items():
        parameter = next(p for p in document["paths"][path][method]["parameters"] if p["name"] == name)
        parameter["schema"][keyword] = limit(settings)
    values = settings.model_dump()
    for (method, path), text in OPERATION_LIMITS.items():
        operation = document["paths"][path][method]
        operation["description"] = (operation.get("description", "").rstrip() + "\n\n" + text.format(**values)).strip()
    return document


def operation_id(route: APIRoute) -> str:
    """An operation's id: its route function's name (``read_session``)."""
    return route.name


def install(app: FastAPI, settings: Settings) -> None:
    """Make ``app.openapi()`` (and /openapi.json) state ``settings``' limits, and name each operation after its
    route function (``read_session``, not ``read_session_api_sessions__session_id__get``: generated clients
    name their functions after it). Call it before the routers are included."""
    build = app.openapi
    app.router.generate_unique_id_function = operation_id  # the default of every router included later

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = apply_limits(build(), settings)
        return app.openapi_schema

    app.openapi = openapi
