"""Audit trail export and verification (admin), delegating to :mod:`tradescreen.audit`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import orjson
from fastapi import APIRouter
from fastapi import Query as QueryParam
from fastapi.responses import Response, StreamingResponse

from tradescreen.api import auth
from tradescreen.api.context import Ctx
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors

router = APIRouter(prefix="/v1/audit", tags=["audit"])


def _json(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    yield b'{"records":['
    for i, row in enumerate(rows):
        yield (b"," if i else b"") + orjson.dumps(row)
    yield b"]}"


@router.get(
    "/export",
    summary="The audit records, as CSV or JSON (admin)",
    responses={
        **errors(*AUTHED, 503),
        200: {"content": {"text/csv": {}, "application/json": {}}, "description": "Records"},
    },
)
def export(
    key: auth.AdminKey,
    ctx: Ctx,
    format: Literal["csv", "json"] = QueryParam("json"),
    since_seq: int | None = QueryParam(None, ge=1, le=2**62),
    until_seq: int | None = QueryParam(None, ge=1, le=2**62),
    action: str | None = QueryParam(None, max_length=100),
) -> Response:
    services = ctx.need_services()
    if format == "csv":  # the same CSV as `tradescreen audit export` (formulas neutralised)
        return StreamingResponse(
            services.audit_csv(since_seq=since_seq, until_seq=until_seq, action=action),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    return StreamingResponse(
        _json(services.audit_records(since_seq=since_seq, until_seq=until_seq, action=action)),
        media_type="application/json",
    )


@router.get("/verify", summary="Verify the audit chain (admin)", responses=errors(*AUTHED, 503))
def verify_chain(key: auth.AdminKey, ctx: Ctx) -> Response:
    return json_response(ctx.need_services().verify_audit().to_dict())
