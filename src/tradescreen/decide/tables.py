"""Tables of the decision engine, on the shared ``tradescreen.db.metadata``."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, Float, Integer, String, Table, Text

from tradescreen.db import metadata

licences = Table(
    "decide_licences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(100), nullable=False, unique=True),
    Column("parties", JSON, nullable=False),  # list of party names
    Column("items", JSON, nullable=False),  # list of "EAR99" / ECCNs
    Column("destinations", JSON, nullable=False),  # list of ISO codes; empty = any
    Column("value_limit", Float, nullable=True),
    Column("valid_from", Date, nullable=True),
    Column("expiry", Date, nullable=False),
    Column("note", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

ownership_edges = Table(
    "decide_ownership_edges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(500), nullable=False),
    Column("owned", String(500), nullable=False),
    Column("owner_key", String(500), nullable=False, index=True),
    Column("owned_key", String(500), nullable=False, index=True),
    Column("percentage", Float, nullable=True),
    Column("as_of", Date, nullable=True),
    Column("source", Text, nullable=True),
    Column("batch", String(64), nullable=False),  # one load of one file
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

decisions = Table(
    "decide_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("decision", String(32), nullable=False),
    Column("transaction", JSON, nullable=False),
    Column("result", JSON, nullable=False),  # the Decision JSON
    Column("list_versions", JSON, nullable=False),  # version ids used
    Column("data_versions", JSON, nullable=False),  # authorisation / embargo data versions
    Column("digest", String(64), nullable=False),  # sha256 of transaction+versions+result
)

__all__ = ["decisions", "licences", "ownership_edges"]
