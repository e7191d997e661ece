"""Shared fixtures.

- ``engine``: an in-memory SQLite engine (one per test), no tables;
- ``store``: a :class:`SqlStore` on in-memory SQLite with the store schema;
- ``pg_url``: the URL of a fresh, empty PostgreSQL schema (first on its search_path) on a real
  server (see ``tests/pg.py``).
  Without a server it skips locally and FAILS when ``CI`` is set, so CI never loses it silently;
- ``shared_data`` / ``real_data``: the real-data folder (``tests/data_paths.py``:
  ``$TRADESCREEN_TEST_DATA`` or ``<repo>/../shared/data``). Without it every real-data test is
  skipped (one summary line says how many) and FAILS when ``CI`` is set. Tests that use these
  fixtures or call ``require_data`` (directly or through their fixtures) are marked ``realdata``
  here automatically; a test marked ``realdata`` is skipped or failed before its fixtures run when
  the folder is missing.
"""

from __future__ import annotations

import dis
import inspect
import os
from collections.abc import Iterator
from pathlib import Path
from types import CodeType

import pytest
from sqlalchemy.engine import Engine

from tradescreen.db import make_engine
from tradescreen.store.sql import SqlStore

try:  # tests/ as a package or as a rootdir on sys.path
    from tests import data_paths, pg
except ImportError:  # pragma: no cover
    import data_paths  # type: ignore[no-redef]
    import pg  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[1]
DATA_FIXTURES = frozenset({"shared_data", "real_data"})
DATA_CALLS = frozenset({"require_data", "require_lists"})


@pytest.fixture(scope="session", autouse=True)
def _audit_key_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Audit records made without a configured key use one key file per test session, never the
    user's ``~/.config/tradescreen/audit.key``. Session-wide, set before any module-scoped
    fixture runs a command: a database such a fixture fills is appended to by later tests, and a
    chain that holds records refuses a different (new) key. Tests that need their own key set
    ``TRADESCREEN_AUDIT_KEY_FILE`` with ``monkeypatch``."""
    path = tmp_path_factory.getbasetemp() / "default-audit.key"
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(path))
    yield path
    mp.undo()


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real-data folder (skip, or fail in CI, when it is missing)."""
    return data_paths.require_data()


@pytest.fixture(scope="session")
def shared_data(real_data: Path) -> Path:
    """The former name of ``real_data``."""
    return real_data


def _globals_read(code: CodeType) -> set[str]:
    """The global names a function's code (and the code nested in it) reads, not its attributes:
    ``ps.entities`` must not count as a call of the ``entities`` helper."""
    names = {
        str(ins.argval)
        for ins in dis.get_instructions(code)
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    }
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _globals_read(const)
    return names


def _calls_data(fn: object, depth: int = 4) -> bool:
    """``fn`` calls ``require_data``/``require_lists``, itself or through module-level helpers
    (``depth`` levels down, e.g. ``entities(rel)`` in tests/sources/conftest.py)."""
    fn = inspect.unwrap(fn) if callable(fn) else fn  # functools.cache and other wrappers
    code = getattr(fn, "__code__", None)
    if not isinstance(code, CodeType):
        return False
    names = _globals_read(code)
    if names & DATA_CALLS:
        return True
    if depth == 0:
        return False
    scope = getattr(fn, "__globals__", {})
    return any(_calls_data(scope.get(name), depth - 1) for name in names)


def _uses_data(item: pytest.Item) -> bool:
    """The test, or a fixture it depends on, reads the real data (see the module docstring)."""
    if set(getattr(item, "fixturenames", ())) & DATA_FIXTURES:
        return True
    funcs = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    if info is not None:
        funcs += [d.func for defs in info.name2fixturedefs.values() for d in defs]
    return any(_calls_data(fn) for fn in funcs)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("realdata") is None and _uses_data(item):
            item.add_marker(pytest.mark.realdata)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("realdata") is not None and not data_paths.have_data():
        data_paths.missing(data_paths.DATA)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """Every skip for missing data gets one location, so ``-ra`` folds them into one line too
    (a skip raised in a fixture is otherwise reported at each test's own line)."""
    rep: pytest.TestReport = yield
    longrepr = rep.longrepr
    if rep.skipped and isinstance(longrepr, tuple) and data_paths.SKIP_REASON in longrepr[2]:
        rep.longrepr = (*data_paths.SKIP_LOCATION, longrepr[2])
    return rep


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    n = data_paths.skipped_for_data(terminalreporter.stats.get("skipped", []))
    if n:
        where = "no folder at" if not data_paths.have_data() else "files missing from"
        terminalreporter.write_line(
            f"{n} real-data tests skipped: {where} {data_paths.DATA} "
            f"(set {data_paths.ENV} to the data folder; CI=true makes this a failure)",
            yellow=True,
            bold=True,
        )


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
