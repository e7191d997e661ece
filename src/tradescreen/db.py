"""The one SQLAlchemy ``MetaData`` every table registers on, and engine creation.

Each concept owns its tables in its own module (``store/tables.py``, ``audit/tables.py``, ...),
all on :data:`metadata`; :func:`all_tables` imports them so the schema is complete. Alembic
migrations (``store/migrations``) create the same schema for deployed databases.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, ExceptionContext, create_engine
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


def make_engine(url: str, *, busy_timeout: float = 30.0) -> Engine:
    """An engine for ``url``. ``sqlite://`` (no path) is an in-memory database shared by the
    engine's connections, for tests. SQLite files get WAL, foreign keys and a busy timeout
    (``busy_timeout`` seconds; settings.store_busy_timeout); a writer still locked out after it
    gets :class:`~tradescreen.errors.StoreBusy` (exit 11, HTTP 503 with Retry-After).

    On every backend a statement whose parameters hold a NUL character is refused with
    :class:`~tradescreen.errors.InvalidInput` before it reaches the database: PostgreSQL cannot
    store NUL in text (it failed whole loads and answered 500) and SQLite would store it, so
    both refuse it the same way (list loads remove control characters first)."""
    if url in ("sqlite://", "sqlite:///:memory:"):
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    elif url.startswith("sqlite"):
        from pathlib import Path

        path = url.split("///", 1)[1] if "///" in url else ""
        if path:
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout}
        )
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

        event.listen(engine, "handle_error", _sqlite_busy)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _has_nul(params: Any) -> bool:
    if isinstance(params, str):
        return "\x00" in params
    if isinstance(params, Mapping):
        return any(_has_nul(v) for v in params.values())
    if isinstance(params, list | tuple):
        return any(_has_nul(v) for v in params)
    return False


def _refuse_nul(
    conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool
) -> None:
    if _has_nul(params):
        from tradescreen.errors import InvalidInput

        raise InvalidInput("text with a NUL character (U+0000) cannot be stored or searched")


def _sqlite_busy(ctx: ExceptionContext) -> None:
    """SQLite's "database is locked" after the busy timeout: StoreBusy, not a traceback/500."""
    import sqlite3

    exc = ctx.original_exception
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        from tradescreen.errors import StoreBusy

        raise StoreBusy(
            "the store is busy: another writer holds the SQLite database lock "
            "(longer than the busy timeout); try again"
        ) from exc
