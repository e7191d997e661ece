"""The append-only audit log. Rows are chained by an HMAC whose key lives outside the database."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text

from tradescreen.db import metadata

# ``seq`` is assigned by :func:`tradescreen.audit.chain.record` (head + 1), never reused; ``at``
# is kept as the exact ISO text that was MAC'ed; ``payload`` is canonical JSON (sorted keys).
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False, index=True),
    Column("payload", Text, nullable=False),
    Column("prev_mac", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
)

__all__ = ["audit_log"]
