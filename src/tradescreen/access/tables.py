"""Access tables: hashed API keys (never the key itself) and ended web sessions."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, String, Table

from tradescreen.db import metadata

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(16), primary_key=True),  # public prefix id, the lookup key
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False),  # sha256 hex of the 32 secret bytes
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_api_keys_name", "name"),
)

# Web UI sessions ended by "sign out" before their expiry: a cookie captured earlier is refused.
web_sessions_ended = Table(
    "web_sessions_ended",
    metadata,
    Column("nonce", String(32), primary_key=True),
    Column("key_id", String(16), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

API_TABLES = (api_keys, web_sessions_ended)

__all__ = ["API_TABLES", "api_keys", "web_sessions_ended"]
