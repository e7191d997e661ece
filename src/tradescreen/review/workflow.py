"""Screen, then review: the one call an adapter makes for an interactive screening.

:func:`screen_and_review` screens a query, separates the hits cleared earlier for this
counterparty (suppressed), opens or keeps an alert for every other hit, and appends one audit
record naming the counterparty, the alerts and the suppressed hits, all in the caller's
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Connection

from tradescreen.audit.chain import AuditRecord
from tradescreen.audit.events import record_screening
from tradescreen.model import Query
from tradescreen.results import Hit, ScreenResult
from tradescreen.review.alerts import Alert, raise_alerts
from tradescreen.review.allowlist import suppressed


class ScreenerLike(Protocol):
    def screen(self, query: Query, *, as_of: date, **kwargs: Any) -> ScreenResult: ...


@dataclass(frozen=True, slots=True)
class ReviewedScreening:
    result: ScreenResult  # every hit, suppressed ones included
    counterparty_key: str
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
    source: str = "screen",
    channel: str = "web",
    now: datetime | None = None,
    **screen_options: Any,
) -> ReviewedScreening:
    """Screen ``query`` and review its hits for ``counterparty_key`` (default: :func:`query_key`).

    Suppressed hits stay in ``result`` (so the audit record shows the full answer) and are
    listed in ``suppressed``; alerts are raised for the others only.
    """
    result = screener.screen(query, as_of=as_of, **screen_options)
    cp = counterparty_key.strip() if counterparty_key and counterparty_key.strip() else None
    cp = cp or query_key(query)
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
        conn, counterparty_key=cp, result=live, source=source, now=now, actor=actor
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
            "suppressed": sorted(quiet_ids),
        },
    )
    return ReviewedScreening(result, cp, tuple(alerts), quiet, rec)


__all__ = ["ReviewedScreening", "ScreenerLike", "query_key", "screen_and_review"]
