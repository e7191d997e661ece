"""Error rendering and the one place errors are mapped to HTTP answers."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradescreen.errors import AuthError, TradescreenError

log = logging.getLogger("tradescreen.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


def error_body(code: str, detail: str, **extra: Any) -> bytes:
    return orjson.dumps({"error": code, "detail": detail, **extra})


def error_response(status: int, code: str, detail: str, **extra: Any) -> Response:
    headers: dict[str, str] = {}
    return Response(
        error_body(code, detail, **extra),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


async def _tradescreen_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TradescreenError)
    if exc.http_status >= 500:
        log.error("%s on %s %s: %s", exc.code, request.method, request.url.path, exc)
    response = error_response(exc.http_status, exc.code, exc.message)
    retry_after = getattr(exc, "retry_after", None)  # RateLimited, StoreBusy
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    if isinstance(exc, AuthError):
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": e.get("type"),
        }
        for e in exc.errors()
    ]
    if any(e["type"] == "json_invalid" for e in errors):
        return error_response(400, "malformed_json", "the request body is not valid JSON")
    detail = "; ".join(f"{_location(e['loc'])}: {e['msg']}" for e in errors[:10])
    return error_response(422, "invalid_input", detail or "invalid request", errors=errors[:50])


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 400 and "parsing the body" in detail:
        code, detail = "malformed_body", "the request body cannot be decoded (send UTF-8 JSON)"
    response = error_response(exc.status_code, code, detail)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "internal error; see the server log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TradescreenError, _tradescreen_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


def json_response(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


__all__ = [
    "JSONResponse",
    "error_body",
    "error_response",
    "install_error_handlers",
    "json_response",
]
