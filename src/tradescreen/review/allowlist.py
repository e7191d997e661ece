"""The allow-list: false-positive clearings that suppress a hit on later screenings.

A clearing is keyed by ``(counterparty_key, entity_id, entity content hash)``. It suppresses the
same hit for the same counterparty while the list entry says exactly what it said when it was
cleared; once the entry's content changes (new alias, address, citation...), the hit is no
longer suppressed and its alert reopens for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from tradescreen.errors import InvalidInput, NotFound
from tradescreen.results import Hit
from tradescreen.review.tables import review_allowlist


@dataclass(frozen=True, slots=True)
class Clearing:
    id: int
    counterparty_key: str
    entity_id: str
    entity_hash: str
    alert_id: int | None
    reviewer: str
    approved_by: str | None
    reason: str
    created_at: datetime
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every time in review is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now_utc(now: datetime | None = None) -> datetime:
    t = now or datetime.now(UTC)
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _clearing(row: Any) -> Clearing:
    created = utc(row.created_at)
    assert created is not None
    return Clearing(
        id=int(row.id),
        counterparty_key=row.counterparty_key,
        entity_id=row.entity_id,
        entity_hash=row.entity_hash,
        alert_id=row.alert_id,
        reviewer=row.reviewer,
        approved_by=row.approved_by,
        reason=row.reason,
        created_at=created,
        revoked_at=utc(row.revoked_at),
        revoked_by=row.revoked_by,
    )


def add_clearing(
    conn: Connection,
    *,
    counterparty_key: str,
    entity_id: str,
    entity_hash: str,
    reviewer: str,
    reason: str,
    alert_id: int | None = None,
    approved_by: str | None = None,
    now: datetime | None = None,
) -> Clearing:
    """Remember a false positive for this counterparty and this exact list-entry content."""
    if not reason.strip():
        raise InvalidInput("a false-positive clearing needs a reason")
    if not counterparty_key or not entity_id or not entity_hash:
        raise InvalidInput("a clearing needs a counterparty key, an entity id and a hash")
    values = {
        "counterparty_key": counterparty_key,
        "entity_id": entity_id,
        "entity_hash": entity_hash,
        "alert_id": alert_id,
        "reviewer": reviewer,
        "approved_by": approved_by,
        "reason": reason.strip(),
        "created_at": now_utc(now),
    }
    res = conn.execute(review_allowlist.insert().values(**values))
    assert res.inserted_primary_key is not None
    return get_clearing(conn, int(res.inserted_primary_key[0]))


def get_clearing(conn: Connection, clearing_id: int) -> Clearing:
    row = conn.execute(select(review_allowlist).where(review_allowlist.c.id == clearing_id)).first()
    if row is None:
        raise NotFound(f"no allow-list entry {clearing_id}")
    return _clearing(row)


def find_clearing(
    conn: Connection, counterparty_key: str, entity_id: str, entity_hash: str | None = None
) -> Clearing | None:
    """The newest active clearing for the pair (and, when given, that exact content hash)."""
    q = (
        select(review_allowlist)
        .where(
            review_allowlist.c.counterparty_key == counterparty_key,
            review_allowlist.c.entity_id == entity_id,
            review_allowlist.c.revoked_at.is_(None),
        )
        .order_by(review_allowlist.c.id.desc())
        .limit(1)
    )
    if entity_hash is not None:
        q = q.where(review_allowlist.c.entity_hash == entity_hash)
    row = conn.execute(q).first()
    return _clearing(row) if row else None


def is_cleared(conn: Connection, counterparty_key: str, entity_id: str, entity_hash: str) -> bool:
    return find_clearing(conn, counterparty_key, entity_id, entity_hash) is not None


def suppressed(conn: Connection, counterparty_key: str, hit: Hit) -> bool:
    """True when this hit was cleared as a false positive for this counterparty and the list
    entry has not changed since. For the screening path: drop or flag suppressed hits."""
    return is_cleared(conn, counterparty_key, hit.entity.id, hit.entity.content_hash())


def list_clearings(
    conn: Connection, *, counterparty_key: str | None = None, include_revoked: bool = False
) -> list[Clearing]:
    q = select(review_allowlist).order_by(review_allowlist.c.id.desc())
    if counterparty_key is not None:
        q = q.where(review_allowlist.c.counterparty_key == counterparty_key)
    if not include_revoked:
        q = q.where(review_allowlist.c.revoked_at.is_(None))
    return [_clearing(r) for r in conn.execute(q)]


def revoke_clearings(
    conn: Connection,
    counterparty_key: str,
    entity_id: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> int:
    """Withdraw every active clearing of the pair (e.g. a later true-match verdict)."""
    res = conn.execute(
        review_allowlist.update()
        .where(
            review_allowlist.c.counterparty_key == counterparty_key,
            review_allowlist.c.entity_id == entity_id,
            review_allowlist.c.revoked_at.is_(None),
        )
        .values(revoked_at=now_utc(now), revoked_by=actor)
    )
    return int(res.rowcount or 0)


__all__ = [
    "Clearing",
    "add_clearing",
    "find_clearing",
    "get_clearing",
    "is_cleared",
    "list_clearings",
    "revoke_clearings",
    "suppressed",
]
