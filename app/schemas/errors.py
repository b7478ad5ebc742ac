"""The body of every error answer, whatever its status."""

from typing import Any

from pydantic import BaseModel, Field


class FieldProblem(BaseModel):
    """One field that failed validation."""

    loc: list[str | int] = Field(..., description="Where: e.g. ['body', 'data', 'n_points'].")
    msg: str = Field(..., description="What is wrong, in English (from the validator).")


class ErrorBody(BaseModel):
    """An error: a sentence for people, a stable code and its parameters for programs."""

    detail: str = Field(..., description="The sentence, in the language of Accept-Language (zh or en; default en).",
                        examples=["at most 8 hidden layers on this server"])
    code: str = Field(..., description="Stable identifier of the kind of error (see app/core/messages.py).",
                      examples=["limit.hidden_layers"])
    params: dict[str, Any] = Field(default_factory=dict, description="The values the sentence is made from.",
                                   examples=[{"most": 8}])
    errors: list[FieldProblem] | None = Field(None, description="Each invalid field (422 from validation only).")
