"""Review use cases: the alert queue, one case with its history, and the reviewer actions
(verdict, escalation to a second reviewer, approval, rejection). Every adapter (CLI
``tradescreen alerts``, API ``/v1/cases``, web UI ``/ui/alerts``) calls these; every action is
audited by :mod:`tradescreen.review.decisions`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from tradescreen.model import Entity, to_dict
from tradescreen.review.alerts import (
    Alert,
    AlertEvent,
    alerts_for_entity,
    counts,
    events,
    get_alert,
    list_alerts,
)
from tradescreen.review.allowlist import Clearing, find_clearing
from tradescreen.review.decisions import approve, decide, pending_proposal, reject


@dataclass(frozen=True, slots=True)
class Case:
    """An alert with its history, the clearing it produced (if any), the proposal waiting for a
    second reviewer (if any), and the list entry as it is in force now."""

    alert: Alert
    history: tuple[AlertEvent, ...]
    proposal: AlertEvent | None
    clearing: Clearing | None
    entity: Entity | None

    @property
    def entry_changed(self) -> bool:
        """The list entry changed since the alert was raised (its content hash differs)."""
        return self.entity is not None and self.entity.content_hash() != self.alert.entity_hash

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.alert.to_dict(),
            "events": [to_dict(e) for e in self.history],
            "entry_changed": self.entry_changed,
        }


def cases(
    engine: Engine,
    *,
    status: str | None = None,
    counterparty_key: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Alert]:
    with engine.connect() as conn:
        return list_alerts(
            conn, status=status, counterparty_key=counterparty_key, limit=limit, offset=offset
        )


def cases_for_entity(engine: Engine, entity_id: str) -> list[Alert]:
    """Every counterparty's alert on this list entry, most recently changed first."""
    with engine.connect() as conn:
        return alerts_for_entity(conn, entity_id)


def case_counts(engine: Engine) -> dict[str, int]:
    """How many alerts are in each status."""
    with engine.connect() as conn:
        return counts(conn)


def case(engine: Engine, alert_id: int, entity: Entity | None = None) -> Case:
    with engine.connect() as conn:
        alert = get_alert(conn, alert_id)
        return Case(
            alert,
            tuple(events(conn, alert_id)),
            pending_proposal(conn, alert_id),
            find_clearing(conn, alert.counterparty_key, alert.entity_id),
            entity,
        )


def decide_case(
    engine: Engine,
    alert_id: int,
    *,
    reviewer: str,
    verdict: str,
    reason: str,
    key: bytes,
    approval_score: float | None,
    escalate: bool = False,
    now: datetime | None = None,
) -> Alert:
    """A verdict. ``escalate`` sends a proposed clearing (false positive) to a second reviewer
    whatever its score; otherwise ``approval_score`` (``Settings.review_approval_score``)
    decides which clearings need one."""
    with engine.begin() as conn:
        return decide(
            conn,
            alert_id,
            reviewer=reviewer,
            verdict=verdict,
            reason=reason,
            key=key,
            approval_score=0.0 if escalate else approval_score,
            now=now,
        )


def approve_case(
    engine: Engine,
    alert_id: int,
    *,
    approver: str,
    key: bytes,
    reason: str | None = None,
    now: datetime | None = None,
) -> Alert:
    with engine.begin() as conn:
        return approve(conn, alert_id, approver=approver, key=key, reason=reason, now=now)


def reject_case(
    engine: Engine,
    alert_id: int,
    *,
    approver: str,
    reason: str,
    key: bytes,
    now: datetime | None = None,
) -> Alert:
    with engine.begin() as conn:
        return reject(conn, alert_id, approver=approver, reason=reason, key=key, now=now)


__all__ = [
    "Case",
    "approve_case",
    "case",
    "case_counts",
    "cases",
    "cases_for_entity",
    "decide_case",
    "reject_case",
]
