"""Hit-review tables: one alert per (counterparty, list entry), its event log, the allow-list."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from tradescreen.db import metadata

# The review state of one (counterparty, list entry) pair. A later hit on the same pair keeps or
# reopens this row; its history is in ``review_events``.
review_alerts = Table(
    "review_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("counterparty_key", String(255), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("list_codes", Text, nullable=False),  # space-separated list codes
    Column("score", Float, nullable=False),
    Column("entity_hash", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("source", String(64), nullable=False),
    Column("note", Text, nullable=True),
    UniqueConstraint("counterparty_key", "entity_id", name="uq_review_alerts_pair"),
    Index("ix_review_alerts_status", "status"),
    Index("ix_review_alerts_entity", "entity_id"),
)

# Every change of an alert: opened, kept, reopened, decided, approved, rejected, closed.
review_events = Table(
    "review_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("review_alerts.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(32), nullable=False),
    Column("status", String(32), nullable=False),  # the alert's status after the action
    Column("reason", Text, nullable=True),
)

# False-positive clearings: suppress the same hit for the same counterparty while the list
# entry's content hash is unchanged.
review_allowlist = Table(
    "review_allowlist",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("counterparty_key", String(255), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("entity_hash", String(64), nullable=False),
    Column("alert_id", Integer, ForeignKey("review_alerts.id"), nullable=True),
    Column("reviewer", String(255), nullable=False),
    Column("approved_by", String(255), nullable=True),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revoked_by", String(255), nullable=True),
    Index("ix_review_allowlist_pair", "counterparty_key", "entity_id"),
)

__all__ = ["review_alerts", "review_allowlist", "review_events"]
