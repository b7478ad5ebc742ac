"""Sending a large answer as JSON without validating it again against its response model.

Response validation walks every number: for a 200 x 200 grid of a small network (720,000 numbers) it
doubled the serialization time (47 -> 92 ms, bench in docs/server.md). The grid answer is built by the
service in the documented shape, so its route keeps the model for the OpenAPI document and sends the data
as it is; tests validate such answers against their models.
"""

import pydantic_core
from fastapi import Response


def trusted_json(content: object) -> Response:
    """``content`` (plain JSON data) as an application/json answer; a non-finite number becomes null."""
    return Response(pydantic_core.to_json(content, inf_nan_mode="null"), media_type="application/json")
