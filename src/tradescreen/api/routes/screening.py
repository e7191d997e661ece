"""POST /v1/screen and /v1/screen/batch: answers are exactly ``ScreenResult.to_dict()``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from tradescreen.api import auth
from tradescreen.api.context import Ctx
from tradescreen.api.errors import PayloadTooLarge
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.api.schemas import BatchIn, BatchOut, QueryIn, ScreenIn, ScreenOut
from tradescreen.model import Query

router = APIRouter(prefix="/v1", tags=["screening"])


def to_query(q: QueryIn) -> Query:
    return Query(name=q.name, country=q.country, kind=q.kind)


def _options(body: ScreenIn | BatchIn) -> dict[str, Any]:
    return {
        "as_of": body.as_of,
        "known_at": body.known_at,
        "threshold": body.threshold,
        "limit": body.limit,
    }


@router.post(
    "/screen",
    response_model=ScreenOut,
    summary="Screen one party against the active lists",
    responses=errors(*AUTHED, 503),
)
def screen(body: ScreenIn, key: auth.ScreenerKey, ctx: Ctx) -> Response:
    outcome = ctx.need_services().screen_and_record(
        to_query(body),
        actor=key.name,
        channel="api",
        counterparty_key=body.counterparty,
        **_options(body),
    )
    return json_response(outcome.result.to_dict())


@router.post(
    "/screen/batch",
    response_model=BatchOut,
    summary="Screen up to `api_batch_max` parties in one call",
    responses=errors(*AUTHED, 503),
)
def screen_batch(body: BatchIn, key: auth.ScreenerKey, ctx: Ctx) -> Response:
    limit = ctx.settings.api_batch_max
    if len(body.queries) > limit:
        raise PayloadTooLarge(f"{len(body.queries)} queries in one batch; the limit is {limit}")
    queries = [to_query(q) for q in body.queries]
    results, _ = ctx.need_services().screen_many_and_record(
        queries, actor=key.name, channel="api", **_options(body)
    )
    return json_response({"results": [r.to_dict() for r in results]})
