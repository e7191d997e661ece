"""trade.gov Consolidated Screening List API: ``GET /consolidated_screening_list/v1/search``
and ``/sources``, so a client written for the government API works by changing its base URL.

Thin: the parameters go to :func:`tradescreen.services.csl.parse_search` as sent (an unknown
one or a bad value is 400, one line) and the answer is :func:`tradescreen.services.csl.search`'s.
The key may be sent as the government API's ``subscription-key`` header or query parameter, or
as this project's ``Authorization`` header. The mapping is in docs/api.md ("trade.gov CSL API").
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tradescreen.api import auth
from tradescreen.api.context import Ctx
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.services import csl

router = APIRouter(prefix="/consolidated_screening_list/v1", tags=["trade.gov CSL compatibility"])


@router.get(
    "/search",
    summary="Search the CSL lists in force, compatible with the trade.gov CSL API",
    responses=errors(*AUTHED, 503),
)
def search(
    request: Request,
    key: auth.CslReader,
    ctx: Ctx,
    name: str | None = Query(None, description="Words every result's name or alias holds."),
    fuzzy_name: str | None = Query(None, description="`true`: fuzzy name matching, scored."),
    sources: str | None = Query(None, description="Comma-separated: EL, DPL, SDN, UVL, ISN..."),
    types: str | None = Query(None, description="Comma-separated: Individual, Entity, Vessel..."),
    countries: str | None = Query(None, description="Comma-separated ISO 3166-1 alpha-2 codes."),
    address: str | None = Query(None, description="Text an address line contains."),
    city: str | None = Query(None),
    state: str | None = Query(None),
    postal_code: str | None = Query(None),
    full_address: str | None = Query(None, description="Text the whole address contains."),
    size: str | None = Query(None, description="Results per page, 1 to 50 (default 10)."),
    offset: str | None = Query(None, description="Results to skip (default 0)."),
) -> Response:
    query = csl.parse_search(dict(request.query_params))
    services = ctx.need_services()
    answer, screened = csl.search(
        ctx.need_store(),
        ctx.csl_catalogue(),
        ctx.need_screener(),
        query,
        as_of=services.today(),
        now=services.now(),
    )
    if screened is not None:
        services.record_screenings(
            [screened], actor=key.name, channel="api", context={"route": "csl_search"}
        )
    return json_response(answer)


@router.get(
    "/sources",
    summary="The CSL sources: abbreviations, list codes, and those in force",
    responses=errors(*AUTHED),
)
def sources(key: auth.CslReader, ctx: Ctx) -> Response:
    return json_response(csl.sources(ctx.csl_catalogue()))
