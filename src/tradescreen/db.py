"""The one SQLAlchemy ``MetaData`` every table registers on, and engine creation.

Each concept owns its tables in its own module (``store/tables.py``, ``audit/tables.py``, ...),
all on :data:`metadata`; :func:`all_tables` imports them so the schema is complete. Alembic
migrations (``store/migrations``) create the same schema for deployed databases.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.pool import StaticPool

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Modules that define tables on ``metadata``.
TABLE_MODULES = (
    "tradescreen.store.tables",
    "tradescreen.audit.tables",
    "tradescreen.review.tables",
    "tradescreen.decide.tables",
    "tradescreen.monitor.tables",
    "tradescreen.access.tables",
)


def all_tables() -> MetaData:
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return metadata


def make_engine(url: str) -> Engine:
    """An engine for ``url``. ``sqlite://`` (no path) is an in-memory database shared by the
    engine's connections, for tests. SQLite files get WAL, foreign keys and a busy timeout."""
    if url in ("sqlite://", "sqlite:///:memory:"):
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    elif url.startswith("sqlite"):
        from pathlib import Path

        path = url.split("///", 1)[1] if "///" in url else ""
        if path:
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if url not in ("sqlite://", "sqlite:///:memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine
