"""Alembic revision 0001 creates exactly the tables of ``store/tables.py``; schema adoption."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Engine

from tradescreen.db import all_tables, make_engine
from tradescreen.store import migrate
from tradescreen.store.sql import SqlStore
from tradescreen.store.tables import STORE_TABLES


def _store_only() -> MetaData:
    md = MetaData(naming_convention=all_tables().naming_convention)
    for t in STORE_TABLES:
        t.to_metadata(md)
    return md


def _diffs(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        mc = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _only_store}
        )
        return list(compare_metadata(mc, _store_only()))


def _only_store(name: str | None, type_: str, parent: object) -> bool:
    return type_ != "table" or name in {t.name for t in STORE_TABLES}


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_migration_matches_tables(backend: str, request: pytest.FixtureRequest) -> None:
    url = "sqlite://" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        assert _diffs(engine) == []
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head() == "0001"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_create_schema_adopts_create_all(backend: str, request: pytest.FixtureRequest) -> None:
    """Other areas' tests build every table with ``all_tables().create_all``; create_schema
    must then still work (and keep working when run again)."""
    url = "sqlite://" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(url)
    try:
        all_tables().create_all(engine)
        store = SqlStore(engine)
        store.create_schema()
        store.create_schema()
        names = set(inspect(engine).get_table_names())
        assert {t.name for t in STORE_TABLES} <= names and "alembic_version" in names
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == "0001"
    finally:
        engine.dispose()


def test_schema_after_migration_then_create_all(engine: Engine) -> None:
    SqlStore(engine).create_schema()
    all_tables().create_all(engine)  # the other areas' tables beside the migrated ones
    assert _diffs(engine) == []
