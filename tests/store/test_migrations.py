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


def _declared() -> MetaData:
    """Every table of the product (store, audit, review, decisions, monitoring, API keys): the
    migrations must create exactly the schema the code declares."""
    return all_tables()


def _diffs(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(mc, _declared()))


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
            assert migrate.current_revision(conn) == migrate.head() == "0003"
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
        assert set(all_tables().tables) <= names and "alembic_version" in names
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head() == "0003"
        assert _diffs(engine) == []
    finally:
        engine.dispose()


def test_schema_after_migration_then_create_all(engine: Engine) -> None:
    SqlStore(engine).create_schema()
    all_tables().create_all(engine)  # the other areas' tables beside the migrated ones
    assert _diffs(engine) == []


def test_head_read_from_the_files_is_alembics_head() -> None:
    """``migrate.head`` reads the revision files without importing Alembic (a CLI start pays
    for no Alembic import when the database is current); it must name Alembic's own head."""
    from alembic.script import ScriptDirectory

    assert (
        migrate.head() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    )


def test_current_revision_without_alembic_matches_alembics(engine: Engine) -> None:
    with engine.connect() as conn:
        assert migrate.current_revision(conn) is None
    SqlStore(engine).create_schema()
    with engine.connect() as conn:
        assert (
            migrate.current_revision(conn)
            == MigrationContext.configure(conn).get_current_revision()
        )
