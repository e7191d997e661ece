"""Screen and record: the one use case every channel (CLI, API, web UI) runs for a screening.

:func:`screen_and_review` screens a query; for a named counterparty it separates the hits
cleared earlier for that counterparty (suppressed) and opens or keeps an alert for every other
hit; it always appends one audit record with the same payload whatever the channel (the
channel and the actor are arguments), all in the caller's transaction. A screening without a
counterparty (an exploratory search) opens no alert, through any door.
:func:`record_batch` is the same for a request of many queries (one record, no alerts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Connection

from tradescreen.audit.chain import AuditRecord
from tradescreen.audit.events import record_screening, record_screenings
from tradescreen.model import Query
from tradescreen.results import Hit, ScreenResult
from tradescreen.review.alerts import Alert, raise_alerts
from tradescreen.review.allowlist import suppressed


class ScreenerLike(Protocol):
    def screen(self, query: Query, *, as_of: date, **kwargs: Any) -> ScreenResult: ...


@dataclass(frozen=True, slots=True)
class ReviewedScreening:
    result: ScreenResult  # every hit, suppressed ones included
    counterparty_key: str | None  # None: an exploratory search, no alerts
    alerts: tuple[Alert, ...]  # one per hit that is not suppressed
    suppressed: tuple[Hit, ...]  # hits cleared as false positives for this counterparty
    record: AuditRecord | None = None

    def alert_for(self, entity_id: str) -> Alert | None:
        for a in self.alerts:
            if a.entity_id == entity_id:
                return a
        return None

    def is_suppressed(self, entity_id: str) -> bool:
        return any(h.entity.id == entity_id for h in self.suppressed)


def query_key(query: Query) -> str:
    """A counterparty key for an ad-hoc screening without a counterparty reference: the
    case-folded, space-collapsed name (and country), so the same party screened again meets
    its earlier review."""
    name = " ".join(query.name.casefold().split())
    country = (query.country or "").upper()
    return f"adhoc:{name}|{country}" if country else f"adhoc:{name}"


def screen_and_review(
    conn: Connection,
    screener: ScreenerLike,
    query: Query,
    *,
    as_of: date,
    actor: str,
    key: bytes,
    counterparty_key: str | None = None,
    channel: str,
    now: datetime | None = None,
    context: Mapping[str, Any] | None = None,
    result: ScreenResult | None = None,
    **screen_options: Any,
) -> ReviewedScreening:
    """Screen ``query``, review its hits for ``counterparty_key`` and record the screening.

    With a counterparty, suppressed hits stay in ``result`` (so the audit record shows the full
    answer) and are listed in ``suppressed``; alerts are raised for the others only. Without
    one, no alert is raised. ``context`` adds channel-specific details (a route name) to the
    record; the rest of the payload does not depend on the channel. ``result``: the screening
    already made (outside the transaction, so a request holds one database connection at a
    time and the audit lock only for its writes); screened here when not given.
    """
    if result is None:
        result = screener.screen(query, as_of=as_of, **screen_options)
    cp = counterparty_key.strip() if counterparty_key and counterparty_key.strip() else None
    quiet: tuple[Hit, ...] = ()
    alerts: list[Alert] = []
    if cp is not None:
        quiet = tuple(h for h in result.hits if suppressed(conn, cp, h))
        quiet_ids = {h.entity.id for h in quiet}
        live = ScreenResult(
            result.query,
            result.as_of,
            result.list_versions,
            tuple(h for h in result.hits if h.entity.id not in quiet_ids),
            result.known_at,
            result.warnings,
        )
        alerts = raise_alerts(
            conn, counterparty_key=cp, result=live, source=channel, now=now, actor=actor
        )
    rec = record_screening(
        conn,
        actor=actor,
        result=result,
        key=key,
        now=now,
        context={
            "channel": channel,
            "counterparty_key": cp,
            "alerts": [a.id for a in alerts],
            "suppressed": sorted(h.entity.id for h in quiet),
            **(context or {}),
        },
    )
    return ReviewedScreening(result, cp, tuple(alerts), quiet, rec)


def record_batch(
    conn: Connection,
    results: list[ScreenResult],
    *,
    actor: str,
    key: bytes,
    channel: str,
    now: datetime | None = None,
    context: Mapping[str, Any] | None = None,
) -> AuditRecord | None:
    """One audit record for a request of many screenings (no alerts: no counterparty)."""
    if not results:
        return None
    info = {"channel": channel, **(context or {})}
    if len(results) == 1:
        return record_screening(
            conn, actor=actor, result=results[0], key=key, now=now, context=info
        )
    return record_screenings(conn, actor=actor, results=results, key=key, now=now, context=info)


__all__ = ["ReviewedScreening", "ScreenerLike", "query_key", "record_batch", "screen_and_review"]
