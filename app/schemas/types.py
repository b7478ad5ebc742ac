"""The number types of request bodies: what the OpenAPI document says, and nothing looser.

Pydantic's lax mode would read `false` as 0 and `"3"` as 3; a request body's numbers must be JSON numbers.
Strictness is set per type here, not with `strict=True` on whole models: FastAPI validates the parsed
JSON in Python mode, where a strict model would refuse a JSON array for a `tuple` field.

- ``Float``: a JSON number; an integer is a number too (``1`` -> 1.0). Not a boolean, not a string.
- ``Int``: a JSON integer, which JSON Schema says includes ``3.0`` (a number with no fraction); not
  ``3.5``, a boolean or a string.

Query and path parameters arrive as text and keep FastAPI's plain ``int``/``float`` (``?seed=3``).

- ``Coordinate``: a raw input coordinate, within the engine's ±``MAX_COORDINATE``; ``Point``: one to two of
  them, (x1, x2) or (x,) for 1-D data (the session's data decides which).
- ``Parameter``: a weight or bias typed in by hand, within ±``MAX_PARAMETER``.

Long lists in request bodies (points, predict rows, weight matrices) are ``Field(fail_fast=True)``: they stop at
their first bad item. Pydantic otherwise reports every bad item, and 10,000 points of strings made 30,000 errors:
about 150 ms of the event loop to build, format and answer, for one 170 KB request.
"""

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict

from engine.datasets import MAX_COORDINATE

MAX_PARAMETER = 1e6  # a weight or bias set by hand (one value, PATCH /weights; the neuron figure's bias)


def _whole_number(value: Any) -> Any:
    """3.0 -> 3 (JSON Schema's integer); everything else as it came, for the strict int check."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Float = Annotated[float, Strict()]
Int = Annotated[int, Strict(), BeforeValidator(_whole_number)]


def bounded_int(**bounds: int) -> Any:
    """``Int`` with bounds (``ge=1, le=64``), for list items and unions. (Bounds put after Int's validator, as
    in ``list[Annotated[Int, Field(ge=1)]]``, are checked but reach the JSON schema as raw ``ge``/``le``.)"""
    return Annotated[int, Field(**bounds), Strict(), BeforeValidator(_whole_number)]


def one_of(*names: str) -> dict:
    """A JSON-schema ``enum`` of ``names`` (a registry's keys, so the engine stays the one list of them)."""
    return {"enum": list(names)}


def bounded_float(**bounds: float) -> Any:
    """``Float`` with bounds (``ge=-1, le=1``), for list items."""
    return Annotated[float, Field(**bounds), Strict()]


Coordinate = bounded_float(ge=-MAX_COORDINATE, le=MAX_COORDINATE)
Point = Annotated[list[Coordinate], Field(min_length=1, max_length=2)]
Parameter = bounded_float(ge=-MAX_PARAMETER, le=MAX_PARAMETER)
