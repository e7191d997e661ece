"""Audit trail export and verification (admin), delegating to :mod:`tradescreen.audit`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import orjson
from fastapi import APIRouter
from fastapi import Query as QueryParam
from fastapi.responses import Response, StreamingResponse

from tradescreen.api import auth
from tradescreen.api.context import ApiContext, Ctx
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.audit.chain import iter_records, verify
from tradescreen.audit.export import csv_chunks

router = APIRouter(prefix="/v1/audit", tags=["audit"])


def _rows(
    ctx: ApiContext, since: int | None, until: int | None, action: str | None
) -> Iterator[dict[str, object]]:
    with ctx.engine.connect() as conn:
        for rec in iter_records(conn, since_seq=since, until_seq=until, action=action):
            yield rec.to_dict()


def _csv(
    ctx: ApiContext, since: int | None, until: int | None, action: str | None
) -> Iterator[bytes]:
    """The same CSV as ``tradescreen audit export`` (formulas neutralised, summary column)."""
    with ctx.engine.connect() as conn:
        for chunk in csv_chunks(conn, since_seq=since, until_seq=until, action=action):
            yield chunk.encode("utf-8")


def _json(rows: Iterator[dict[str, object]]) -> Iterator[bytes]:
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
    ctx.need_audit_key()
    if format == "csv":
        return StreamingResponse(
            _csv(ctx, since_seq, until_seq, action),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    rows = _rows(ctx, since_seq, until_seq, action)
    return StreamingResponse(_json(rows), media_type="application/json")


@router.get("/verify", summary="Verify the audit chain (admin)", responses=errors(*AUTHED, 503))
def verify_chain(key: auth.AdminKey, ctx: Ctx) -> Response:
    audit_key = ctx.need_audit_key()
    with ctx.engine.connect() as conn:
        report = verify(conn, audit_key)
    return json_response(report.to_dict())
