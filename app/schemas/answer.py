"""What every answer model shares: exactly the keys the server sends, and how its numbers are written.

Answer models forbid unknown keys, so a key a service adds without adding it here fails the tests (a 500
from response validation) instead of vanishing from the answer. Numbers computed by a session's network
are float32 unless the session's dtype is float64; JSON has no infinity or NaN, so a value that
overflowed is written as null.
"""

from pydantic import BaseModel, ConfigDict

NETWORK_DTYPE = "Numbers are float32 unless the session's dtype is float64."
NETWORK_NUMBERS = NETWORK_DTYPE[:-1] + "; null where a value overflowed."
FLOAT64_NUMBERS = "Numbers are float64; null where a value overflowed."

Number = float | None
"""A number that may have overflowed (then null)."""
Vector = list[float | None]
Matrix = list[list[float | None]]


class Answer(BaseModel):
    """Base of the response models: every key listed, no others."""

    model_config = ConfigDict(extra="forbid")
