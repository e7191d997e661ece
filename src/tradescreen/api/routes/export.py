"""``GET /v1/export``: the entities of the lists as FtM (or tradescreen) JSON lines, streamed.

Thin: the options go to ``tradescreen.services.ftm`` (the versions are chosen before the first
byte is sent, so a bad option is a 4xx, never a cut-off stream).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from tradescreen.api import auth
from tradescreen.api.context import Ctx
from tradescreen.api.routes import AUTHED, errors
from tradescreen.errors import InvalidInput
from tradescreen.services import ftm

router = APIRouter(prefix="/v1", tags=["lists"])


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be an ISO date-time, got {value!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"as_of must be YYYY-MM-DD, got {value!r}") from None


@router.get(
    "/export",
    summary="The lists' entities as FollowTheMoney JSON lines (or tradescreen's own)",
    responses=errors(*AUTHED, 404),
)
def export(
    key: auth.ScreenerKey,
    ctx: Ctx,
    format: str = Query("ftm", description="`ftm` (default) or `json`."),
    version: Annotated[list[int], Query(description="Stored version ids (repeatable).")] = [],  # noqa: B006
    known_at: str | None = Query(None, description="The versions in force at this time."),
    as_of: str | None = Query(None, description="Only listings in force on this day."),
    list_code: Annotated[list[str], Query(alias="list", description="Only these list codes.")] = [],  # noqa: B006
) -> StreamingResponse:
    store = ctx.need_store()
    fmt = ftm.check_format(format)
    versions = ftm.export_versions(
        store, version_ids=version, known_at=_when(known_at, "known_at"), lists=list_code
    )
    day = _day(as_of)

    def body() -> Iterator[bytes]:
        for _n, chunk in ftm.export_lines(ftm.iter_export(store, versions, as_of=day), fmt):
            yield chunk

    return StreamingResponse(
        body(),
        media_type="application/x-ndjson",
        headers={"x-export-versions": ",".join(str(v.id) for v in versions)},
    )
