"""Monitoring tables: the counterparty register, monitor runs, webhooks and their deliveries.

Alerts themselves live in ``review_alerts`` (``tradescreen.review``): one alerts concept.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from tradescreen.db import metadata
from tradescreen.store.tables import UTCDateTime

# The customer's own parties, under the customer's own ids.
monitor_counterparties = Table(
    "monitor_counterparties",
    metadata,
    Column("key", String(255), primary_key=True),  # the customer's id
    Column("name", Text, nullable=False),
    Column("country", String(8), nullable=True),  # ISO alpha-2 when given as such
    Column("identifiers", Text, nullable=False, default="[]"),  # JSON [{kind, value}]
    Column("attributes", Text, nullable=False, default="{}"),  # JSON: the row's other columns
    Column("row_hash", String(64), nullable=False),  # what the import compares
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("screened_at", UTCDateTime(), nullable=True),  # last full screen
)

# One monitoring pass: which list version of each list it brought the register up to.
monitor_runs = Table(
    "monitor_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # delta | full
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("versions", Text, nullable=False),  # JSON {list_code: version_id} after the run
    Column("summary", Text, nullable=False, default="{}"),  # JSON DeltaReport
)

monitor_webhooks = Table(
    "monitor_webhooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("events", String(255), nullable=False, default="*"),  # space-separated or "*"
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Every delivery attempt series; status ends "delivered" or "dead" (the dead-letter record).
monitor_deliveries = Table(
    "monitor_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("webhook_id", Integer, ForeignKey("monitor_webhooks.id"), nullable=False),
    Column("event", String(64), nullable=False),
    Column("body", Text, nullable=False),  # the exact bytes sent (UTF-8 JSON)
    Column("status", String(16), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_status", Integer, nullable=True),  # HTTP status of the last attempt
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    Index("ix_monitor_deliveries_status", "status"),
)

# Near misses: (counterparty, list entry) pairs that scored just under the threshold at their last
# screening. Token weights depend on every list in force, so a list update can move an unchanged
# entry's score; the delta re-scores these pairs so it raises what a full re-screen would.
monitor_watch = Table(
    "monitor_watch",
    metadata,
    Column("counterparty_key", String(255), primary_key=True),
    Column("entity_id", String(255), primary_key=True),
    Column("score", Float, nullable=False),
    Index("ix_monitor_watch_entity", "entity_id"),
)

# Derived data kept between runs: the pickled counterparty index, keyed by a digest of the register.
monitor_blobs = Table(
    "monitor_blobs",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

__all__ = [
    "monitor_blobs",
    "monitor_counterparties",
    "monitor_deliveries",
    "monitor_runs",
    "monitor_watch",
    "monitor_webhooks",
]
