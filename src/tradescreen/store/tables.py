"""The store's tables: list versions, the entities of each version, derived blobs per version.

Times are stored as naive UTC (:class:`UTCDateTime`) so SQLite and PostgreSQL compare them alike;
they come back as timezone-aware UTC ``datetime`` values. Entity data is the JSON of
``model.to_dict`` with sorted keys; its SHA-256 is ``Entity.content_hash()``.

Alembic revision ``0001`` (``store/migrations/versions``) creates exactly these tables; a test
compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

from tradescreen.db import metadata

STATUS_ACTIVE = "active"
STATUS_SUPERSEDED = "superseded"
STATUS_QUARANTINED = "quarantined"
STATUS_STAGED = "staged"  # stored with activate=False: kept, never in force until activated


class UTCDateTime(TypeDecorator[datetime]):
    """A ``datetime`` stored as naive UTC, returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        when: datetime = value
        if when.tzinfo is not None:
            when = when.astimezone(UTC).replace(tzinfo=None)
        return when

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


list_versions = Table(
    "list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_code", String(64), nullable=False),
    Column("list_name", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("format", String(32), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("retrieved_at", UTCDateTime(), nullable=False),
    Column("data_date", Date, nullable=True),
    Column("record_count", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("warnings", Text, nullable=False),  # JSON array of strings
    Column("quarantine_reason", Text, nullable=True),
    Index("ix_list_versions_code_retrieved", "list_code", "retrieved_at"),
)

entities = Table(
    "entities",
    metadata,
    Column(
        "version_id",
        Integer,
        ForeignKey("list_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("entity_id", String(255), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("data", Text, nullable=False),  # orjson of model.to_dict, sorted keys
    Index("ix_entities_entity_id", "entity_id"),
)

blobs = Table(
    "blobs",
    metadata,
    Column(
        "version_id",
        Integer,
        ForeignKey("list_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("key", String(128), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

STORE_TABLES = (list_versions, entities, blobs)

__all__ = [
    "STATUS_ACTIVE",
    "STATUS_QUARANTINED",
    "STATUS_STAGED",
    "STATUS_SUPERSEDED",
    "STORE_TABLES",
    "UTCDateTime",
    "blobs",
    "entities",
    "list_versions",
]
