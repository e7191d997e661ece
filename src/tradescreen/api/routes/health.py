"""Liveness and readiness probes (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from tradescreen.api.context import Ctx
from tradescreen.api.render import json_response
from tradescreen.api.routes import errors
from tradescreen.api.routes.lists import list_status
from tradescreen.api.schemas import StatusOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=StatusOut, summary="The process is up")
def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get(
    "/readyz",
    response_model=StatusOut,
    summary="Lists are loaded and none is stale (503 otherwise)",
    responses=errors(503),
)
def readyz(ctx: Ctx) -> Response:
    if ctx.store is None or ctx.screener is None:
        return json_response({"status": "not_ready", "detail": "engine not available"}, 503)
    status = list_status(ctx)
    if not status["lists"]:
        return json_response({"status": "not_ready", "detail": "no list loaded"}, 503)
    if not status["ready"]:
        stale = sorted(x["list"] for x in status["lists"] if x["stale"])
        missing = status.get("missing") or []
        parts = []
        if stale:
            parts.append("stale: " + ", ".join(stale))
        if missing:
            parts.append("missing: " + ", ".join(missing))
        return json_response({"status": "not_ready", "detail": "; ".join(parts)}, 503)
    return json_response({"status": "ok"})
