"""Hit review: alerts, reviewer verdicts, second-reviewer approval.

One alert per ``(counterparty_key, entity_id)``: a later hit on the same pair keeps the alert
(refreshing score and content hash) or reopens it. Status moves::

    open ──decide(true_match)──────────────────────────────▶ true_match
    open ──decide(false_positive)──────────────────────────▶ false_positive  (+ allow-list)
    open ──decide(false_positive), score ≥ approval level──▶ pending_approval
    pending_approval ──approve (another reviewer)──────────▶ false_positive  (+ allow-list)
    pending_approval ──reject──────────────────────────────▶ open
    any active ──list entry removed────────────────────────▶ closed
    false_positive ──same hit, list entry changed──────────▶ open (reopened)
    closed ──hit again─────────────────────────────────────▶ open (reopened)

Every change is written to ``review_events``; reviewer actions (and, when a key is given, alert
openings) are also appended to the audit chain in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from tradescreen.audit.chain import record as audit_record
from tradescreen.errors import InvalidInput, NotFound
from tradescreen.results import Hit, ScreenResult
from tradescreen.review.allowlist import is_cleared, now_utc, utc
from tradescreen.review.tables import review_alerts, review_events

OPEN = "open"
TRUE_MATCH = "true_match"
FALSE_POSITIVE = "false_positive"
PENDING_APPROVAL = "pending_approval"
CLOSED = "closed"
STATUSES = (OPEN, TRUE_MATCH, FALSE_POSITIVE, PENDING_APPROVAL, CLOSED)
VERDICTS = (TRUE_MATCH, FALSE_POSITIVE)
ACTIVE = (OPEN, PENDING_APPROVAL)  # waiting for a reviewer


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    counterparty_key: str
    entity_id: str
    entity_name: str
    list_codes: tuple[str, ...]
    score: float
    entity_hash: str
    status: str  # open | true_match | false_positive | pending_approval | closed
    opened_at: datetime
    updated_at: datetime
    source: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "counterparty_key": self.counterparty_key,
            "entity_id": self.entity_id,
            "entity_name": self.entity_name,
            "list_codes": list(self.list_codes),
            "score": round(self.score, 4),
            "entity_hash": self.entity_hash,
            "status": self.status,
            "opened_at": self.opened_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class AlertEvent:
    id: int
    alert_id: int
    at: datetime
    actor: str
    action: str  # opened | entry_changed | reopened | decided | approved | rejected | closed
    status: str
    reason: str | None = None


def _alert(row: Any) -> Alert:
    opened, updated = utc(row.opened_at), utc(row.updated_at)
    assert opened is not None and updated is not None
    return Alert(
        id=int(row.id),
        counterparty_key=row.counterparty_key,
        entity_id=row.entity_id,
        entity_name=row.entity_name,
        list_codes=tuple(row.list_codes.split()),
        score=float(row.score),
        entity_hash=row.entity_hash,
        status=row.status,
        opened_at=opened,
        updated_at=updated,
        source=row.source,
        note=row.note,
    )


def get_alert(conn: Connection, alert_id: int) -> Alert:
    row = conn.execute(select(review_alerts).where(review_alerts.c.id == alert_id)).first()
    if row is None:
        raise NotFound(f"no alert {alert_id}")
    return _alert(row)


def _pair(conn: Connection, counterparty_key: str, entity_id: str) -> Alert | None:
    row = conn.execute(
        select(review_alerts).where(
            review_alerts.c.counterparty_key == counterparty_key,
            review_alerts.c.entity_id == entity_id,
        )
    ).first()
    return _alert(row) if row else None


def list_alerts(
    conn: Connection,
    *,
    status: str | None = None,
    counterparty_key: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Alert]:
    """Alerts, most recently changed first; filter by status and/or counterparty."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown alert status {status!r} (one of {', '.join(STATUSES)})")
    q = select(review_alerts).order_by(review_alerts.c.updated_at.desc(), review_alerts.c.id.desc())
    if status is not None:
        q = q.where(review_alerts.c.status == status)
    if counterparty_key is not None:
        q = q.where(review_alerts.c.counterparty_key == counterparty_key)
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return [_alert(r) for r in conn.execute(q)]


def alerts_for_entity(conn: Connection, entity_id: str) -> list[Alert]:
    """Every counterparty's alert on this list entry, most recently changed first."""
    q = (
        select(review_alerts)
        .where(review_alerts.c.entity_id == entity_id)
        .order_by(review_alerts.c.updated_at.desc(), review_alerts.c.id.desc())
    )
    return [_alert(r) for r in conn.execute(q)]


def events(conn: Connection, alert_id: int) -> list[AlertEvent]:
    """The alert's history, oldest first."""
    rows = conn.execute(
        select(review_events)
        .where(review_events.c.alert_id == alert_id)
        .order_by(review_events.c.id)
    )
    out = []
    for r in rows:
        at = utc(r.at)
        assert at is not None
        out.append(
            AlertEvent(int(r.id), int(r.alert_id), at, r.actor, r.action, r.status, r.reason)
        )
    return out


def log_event(
    conn: Connection,
    alert_id: int,
    *,
    at: datetime,
    actor: str,
    action: str,
    status: str,
    reason: str | None = None,
) -> None:
    conn.execute(
        review_events.insert().values(
            alert_id=alert_id, at=at, actor=actor, action=action, status=status, reason=reason
        )
    )


def audit_alert(
    conn: Connection,
    key: bytes | None,
    *,
    actor: str,
    action: str,
    alert: Alert,
    at: datetime,
    **extra: Any,
) -> None:
    if key is None:
        return
    payload: dict[str, Any] = {
        "alert_id": alert.id,
        "counterparty_key": alert.counterparty_key,
        "entity_id": alert.entity_id,
        "entity_name": alert.entity_name,
        "entity_hash": alert.entity_hash,
        "list_codes": list(alert.list_codes),
        "score": round(alert.score, 4),
        "status": alert.status,
    }
    payload.update(extra)
    audit_record(conn, actor=actor, action=f"review.{action}", payload=payload, key=key, now=at)


def set_status(conn: Connection, alert_id: int, expect: Sequence[str], **values: Any) -> Alert:
    """Update an alert whose status is one of ``expect``; a concurrent change loses."""
    res = conn.execute(
        review_alerts.update()
        .where(review_alerts.c.id == alert_id, review_alerts.c.status.in_(list(expect)))
        .values(**values)
    )
    if not res.rowcount:
        current = get_alert(conn, alert_id)
        raise InvalidInput(f"alert {alert_id} is {current.status}; it cannot be changed this way")
    return get_alert(conn, alert_id)


# ---------------------------------------------------------------------------
# Opening and closing (screening and monitoring call these)


def _hit_fields(hit: Hit) -> dict[str, Any]:
    listings = hit.listings or hit.entity.listings
    return {
        "entity_name": hit.entity.name or hit.matched_name,
        "list_codes": " ".join(sorted({x.list_code for x in listings})),
        "score": float(hit.score),
        "entity_hash": hit.entity.content_hash(),
    }


def _best_hits(result: ScreenResult) -> list[Hit]:
    best: dict[str, Hit] = {}
    for hit in result.hits:
        seen = best.get(hit.entity.id)
        if seen is None or hit.score > seen.score:
            best[hit.entity.id] = hit
    return list(best.values())


def raise_alerts(
    conn: Connection,
    *,
    counterparty_key: str,
    result: ScreenResult,
    source: str,
    now: datetime | None = None,
    key: bytes | None = None,
    actor: str = "system",
) -> list[Alert]:
    """Open (or keep) one alert per hit of ``result`` for this counterparty.

    A hit cleared as a false positive for this counterparty, whose list entry still has the
    cleared content hash, is suppressed (no alert returned). A changed list entry reopens a
    cleared alert; a hit on a closed alert reopens it. Returns the open/kept alerts.
    """
    if not counterparty_key:
        raise InvalidInput("raise_alerts needs a counterparty key")
    at = now_utc(now)
    out: list[Alert] = []
    for hit in _best_hits(result):
        alert = _raise_one(conn, counterparty_key, hit, source, at, key, actor)
        if alert is not None:
            out.append(alert)
    return out


def _raise_one(
    conn: Connection, cp: str, hit: Hit, source: str, at: datetime, key: bytes | None, actor: str
) -> Alert | None:
    fields = _hit_fields(hit)
    h = fields["entity_hash"]
    existing = _pair(conn, cp, hit.entity.id)
    if existing is None:
        if is_cleared(conn, cp, hit.entity.id, h):
            return None
        try:
            with conn.begin_nested():
                res = conn.execute(
                    review_alerts.insert().values(
                        counterparty_key=cp,
                        entity_id=hit.entity.id,
                        status=OPEN,
                        opened_at=at,
                        updated_at=at,
                        source=source,
                        note=None,
                        **fields,
                    )
                )
                new_id = int(res.inserted_primary_key[0]) if res.inserted_primary_key else 0
        except IntegrityError:  # opened concurrently by another writer
            existing = _pair(conn, cp, hit.entity.id)
            assert existing is not None
        else:
            log_event(
                conn,
                int(new_id),
                at=at,
                actor=actor,
                action="opened",
                status=OPEN,
                reason=f"hit from {source}",
            )
            alert = get_alert(conn, int(new_id))
            audit_alert(conn, key, actor=actor, action="opened", alert=alert, at=at, source=source)
            return alert
    changed = existing.entity_hash != h
    if existing.status in (FALSE_POSITIVE, CLOSED):
        if is_cleared(conn, cp, hit.entity.id, h):
            return None
        note = (
            "list entry changed since it was cleared as a false positive"
            if existing.status == FALSE_POSITIVE
            else f"hit again from {source} after the alert was closed"
        )
        alert = set_status(
            conn,
            existing.id,
            (existing.status,),
            status=OPEN,
            updated_at=at,
            source=source,
            note=note,
            **fields,
        )
        log_event(conn, alert.id, at=at, actor=actor, action="reopened", status=OPEN, reason=note)
        audit_alert(conn, key, actor=actor, action="reopened", alert=alert, at=at, reason=note)
        return alert
    if not changed and abs(existing.score - fields["score"]) < 1e-9:
        return existing
    values: dict[str, Any] = dict(fields, updated_at=at)
    if changed:
        values["note"] = "list entry changed"
        if existing.status == PENDING_APPROVAL:  # the proposed clearing was for the old content
            values["status"] = OPEN
    alert = set_status(conn, existing.id, (existing.status,), **values)
    if changed:
        log_event(
            conn,
            alert.id,
            at=at,
            actor=actor,
            action="entry_changed",
            status=alert.status,
            reason="list entry content changed",
        )
    return alert


def close_alerts_for_entities(
    conn: Connection,
    entity_ids: Sequence[str],
    note: str,
    now: datetime | None = None,
    *,
    key: bytes | None = None,
    actor: str = "system",
) -> int:
    """Close the open, pending and true-match alerts of list entries that were removed."""
    if not entity_ids:
        return 0
    at = now_utc(now)
    rows = conn.execute(
        select(review_alerts).where(
            review_alerts.c.entity_id.in_(list(entity_ids)),
            review_alerts.c.status.in_([OPEN, PENDING_APPROVAL, TRUE_MATCH]),
        )
    ).all()
    closed = 0
    for row in rows:
        before = _alert(row)
        alert = set_status(
            conn, before.id, (before.status,), status=CLOSED, updated_at=at, note=note
        )
        log_event(conn, alert.id, at=at, actor=actor, action="closed", status=CLOSED, reason=note)
        audit_alert(
            conn,
            key,
            actor=actor,
            action="closed",
            alert=alert,
            at=at,
            reason=note,
            status_before=before.status,
        )
        closed += 1
    return closed


def counts(conn: Connection) -> dict[str, int]:
    """How many alerts per status (every status present, zero when none)."""
    from sqlalchemy import func

    out = dict.fromkeys(STATUSES, 0)
    q = select(review_alerts.c.status, func.count()).group_by(review_alerts.c.status)
    for status, n in conn.execute(q):
        out[str(status)] = int(n)
    return out


__all__ = [
    "ACTIVE",
    "STATUSES",
    "VERDICTS",
    "Alert",
    "AlertEvent",
    "alerts_for_entity",
    "close_alerts_for_entities",
    "counts",
    "events",
    "get_alert",
    "list_alerts",
    "raise_alerts",
]
