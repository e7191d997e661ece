"""API test fixtures (see support.py): the real store and screener over real list data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from tradescreen.access.keys import Role, create_key
from tradescreen.db import all_tables, make_engine
from tradescreen.screening.screener import Screener
from tradescreen.settings import Settings
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import SqlStore

from .support import DPL_FILE, EL_FILE, Client, _entities, build_app


@pytest.fixture(scope="session")
def api_engine() -> Iterator[Engine]:
    """One in-memory database for the session: store tables, audit, review and API keys."""
    engine = make_engine("sqlite://")
    all_tables().create_all(engine)
    store = SqlStore(engine)
    store.create_schema()
    store.add_versions(
        [
            NewVersion(
                list_code=code,
                list_name=name,
                source=str(path),
                format="nsf_json",
                sha256=uuid.uuid4().hex * 2,
                entities=_entities(path, code, name),
                retrieved_at=datetime.now(UTC),
            )
            for path, code, name in (
                (EL_FILE, "us_bis_el", "Entity List"),
                (DPL_FILE, "us_bis_dpl", "Denied Persons List"),
            )
        ]
    )
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def api_store(api_engine: Engine) -> SqlStore:
    return SqlStore(api_engine)


@pytest.fixture(scope="session")
def audit_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audit") / "audit.key"


@pytest.fixture(scope="session")
def list_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lists")


@pytest.fixture(scope="session")
def api_settings(audit_key_file: Path, list_dir: Path) -> Settings:
    return Settings(
        db="sqlite://",
        list_dir=list_dir,
        audit_key_file=audit_key_file,
        api_max_body_bytes=64_000,
        api_batch_max=20,
        api_rate_limit_per_minute=10_000,
    )


@pytest.fixture(scope="session")
def api_screener(api_store: SqlStore, api_settings: Settings) -> Screener:
    screener = Screener(api_store, api_settings)
    screener.warm()
    return screener


@pytest.fixture
def app(
    api_settings: Settings, api_store: SqlStore, api_screener: Screener, api_engine: Engine
) -> FastAPI:
    return build_app(api_settings, api_store, api_screener, api_engine)


@pytest.fixture
def keys(api_engine: Engine) -> dict[str, str]:
    """A fresh key per role (unique names, so tests never share a rate-limit bucket)."""
    tag = uuid.uuid4().hex[:8]
    return {r.value: create_key(api_engine, f"{r.value}-{tag}", r)[1] for r in Role}


@pytest.fixture
def client(app: FastAPI) -> Iterator[Client]:
    c = Client(app)
    yield c
    c.close()
