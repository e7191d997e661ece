"""Routes, one module per concept. Each is parse → call the library → render."""

from __future__ import annotations

from typing import Any

from tradescreen.api.schemas import ErrorOut

_ERR: dict[str, Any] = {"model": ErrorOut}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error answers a route can give."""
    text = {
        400: "Malformed JSON or undecodable body",
        401: "Missing, unknown or revoked API key",
        403: "The key's role does not allow this route",
        404: "Not found",
        413: "Request body or batch too large",
        422: "Invalid input",
        429: "Rate limit exceeded (see Retry-After)",
        503: "Lists or engine not ready",
    }
    return {c: {**_ERR, "description": text[c]} for c in codes}


AUTHED = (400, 401, 403, 413, 422, 429)
