"""Run the Alembic migrations from code (no ``alembic.ini``; works from an installed package).

The script directory is parsed once per process, and migrations run on the caller's connection
without executing ``env.py``, so creating a fresh in-memory test database stays fast. Alembic
itself is imported only when a database needs an upgrade: every command opens the store and
asks whether it is at the head, and answering that from the revision files and the
``alembic_version`` table spares each command Alembic's import (0.2 s of a CLI start on a quiet
machine).
"""

from __future__ import annotations

import functools
import re
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from tradescreen.db import metadata
from tradescreen.store import tables as _tables  # noqa: F401  (registers the store tables)
from tradescreen.store.lock import DEFAULT_TIMEOUT, load_lock

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

SCRIPT_LOCATION = "tradescreen.store:migrations"
_REVISION = re.compile(r"^(down_)?revision\s*=\s*(?:\"([^\"]*)\"|None)", re.MULTILINE)


def _copy_tree(src: Traversable, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_dir():
            if f.name != "__pycache__":
                _copy_tree(f, dest / f.name)
        else:
            (dest / f.name).write_bytes(f.read_bytes())


@functools.cache
def script_location() -> str:
    """Where Alembic finds the migrations: the package's own folder, or, when tradescreen is
    imported from a zip (``spark-submit --py-files tradescreen.zip``), a copy of it in a
    temporary folder (Alembic reads script files from the file system)."""
    root = resources.files("tradescreen.store") / "migrations"
    if isinstance(root, Path):
        return SCRIPT_LOCATION
    dest = Path(tempfile.mkdtemp(prefix="tradescreen-migrations-")) / "migrations"
    _copy_tree(root, dest)
    return str(dest)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic ``Config`` built in code (for ``alembic.command`` calls)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", script_location())
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


@functools.cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@functools.cache
def head() -> str:
    """The head revision, read from the revision files (the one no other revision follows);
    ``tests/store/test_migrations.py`` checks it against Alembic's own answer."""
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = resources.files("tradescreen.store.migrations") / "versions"
    for f in folder.iterdir():
        if not f.name.endswith(".py") or f.name.startswith("_"):
            continue
        for down, rev in _REVISION.findall(f.read_text(encoding="utf-8")):
            if rev:
                (parents if down else revisions).add(rev)
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def current_revision(conn: Connection) -> str | None:
    """The database's revision (None for a database Alembic never touched)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def upgrade(engine: Engine, target: str = "head", *, lock_timeout: float = DEFAULT_TIMEOUT) -> None:
    """Upgrade the database to ``target`` (idempotent) in one transaction, under the store's
    load lock (:mod:`tradescreen.store.lock`), so commands started together on a fresh
    database never race to create the same tables. A database already at ``target`` is left
    without taking the lock (a screening never waits for a load)."""
    if target == "head":
        try:
            with engine.connect() as conn:
                if current_revision(conn) == head():
                    return
        except SQLAlchemyError:
            pass  # let the locked upgrade below raise what is wrong
    with load_lock(engine, timeout=lock_timeout, what="the schema upgrade"):
        _upgrade(engine, _script(), target)


def _upgrade(engine: Engine, script: ScriptDirectory, target: str) -> None:
    from alembic.runtime.environment import EnvironmentContext

    def fn(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(target, rev)

    with engine.begin() as conn:
        env = EnvironmentContext(alembic_config(), script, fn=fn, destination_rev=target)
        with env:
            env.configure(connection=conn, target_metadata=metadata)
            with env.begin_transaction():
                env.run_migrations()


__all__ = ["SCRIPT_LOCATION", "alembic_config", "current_revision", "head", "upgrade"]
