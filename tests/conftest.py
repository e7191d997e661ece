"""Shared fixtures.

- ``engine``: an in-memory SQLite engine (one per test), no tables;
- ``store``: a :class:`SqlStore` on in-memory SQLite with the store schema;
- ``pg_url``: the URL of a fresh, empty PostgreSQL schema (first on its search_path) on a real
  server (see ``tests/pg.py``).
  Without a server it skips locally and FAILS when ``CI`` is set, so CI never loses it silently;
- ``shared_data``: ``<repo>/../shared/data``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tradescreen.db import make_engine
from tradescreen.store.sql import SqlStore

try:  # tests/ as a package or as a rootdir on sys.path
    from tests import pg
except ImportError:  # pragma: no cover
    import pg  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def _session_audit_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "default-audit.key"


@pytest.fixture(autouse=True)
def _audit_key_in_tmp(_session_audit_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Audit records made without a configured key use one key file per test session, never the
    user's ``~/.config/tradescreen/audit.key``. One per session, not per test: a database a
    module-scoped fixture fills is appended to by later tests, and a chain that holds records
    refuses a different (new) key."""
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(_session_audit_key))


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def engine() -> Iterator[Engine]:
    eng = make_engine("sqlite://")
    yield eng
    eng.dispose()


@pytest.fixture
def store(engine: Engine) -> SqlStore:
    s = SqlStore(engine)
    s.create_schema()
    return s


def _no_postgres(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    """The server URL, or None with the reason kept for ``pg_url``."""
    url = os.environ.get(pg.ENV_URL)
    if url:
        yield url
        return
    if pg.find_bin_dir() is None:
        yield None
        return
    with pg.cluster() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: str | None) -> Iterator[str]:
    if pg_server is None:
        _no_postgres(f"no server binaries in /usr/lib/postgresql/*/bin and {pg.ENV_URL} unset")
    assert pg_server is not None
    with pg.fresh_database(pg_server) as url:
        yield url
