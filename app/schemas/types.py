"""The number types of request bodies: what the OpenAPI document says, and nothing looser.

Pydantic's lax mode would read `false` as 0 and `"3"` as 3; a request body's numbers must be JSON numbers.
Strictness is set per type here, not with `strict=True` on whole models: FastAPI validates the parsed
JSON in Python mode, where a strict model would refuse a JSON array for a `tuple` field.

- ``Float``: a JSON number; an integer is a number too (``1`` -> 1.0). Not a boolean, not a string.
- ``Int``: a JSON integer, which JSON Schema says includes ``3.0`` (a number with no fraction); not
  ``3.5``, a boolean or a string.

Query and path parameters arrive as text and keep FastAPI's plain ``int``/``float`` (``?seed=3``).
"""

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict


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
