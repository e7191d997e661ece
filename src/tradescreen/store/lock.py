"""One writer of list versions at a time per store: the load lock.

A load reads the versions in force, runs its fail-closed checks against them (shrink, data
date, unchanged) and activates new versions. Two loads at once must not both check against
what was in force before either committed, so the whole check-and-activate runs under a lock
held per store, and schema creation or migration under the same lock:

- SQLite file: an exclusive ``fcntl.flock`` on ``<db>.load.lock`` beside the database (held by
  the open file, so a killed process releases it), plus a lock of the process for its threads;
- in-memory SQLite (and a store that is not SQL-backed): a lock of the process;
- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) keyed by the schema, on a
  connection of its own held for the duration (a killed session releases it).

The lock is re-entrant within a thread (a load that migrates the schema first takes it once).
Waiting is bounded: past ``timeout`` seconds :class:`~tradescreen.errors.StoreError` is raised
and nothing was changed.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from tradescreen.errors import StoreError

DEFAULT_TIMEOUT = 600.0
PG_LOCK_CLASS = 0x74534C44  # "tSLD": the first key of the two-int advisory lock
_POLL = 0.05

_guard = threading.Lock()
_process_locks: dict[str, threading.Lock] = {}
_held = threading.local()


def lock_file(engine: Engine) -> Path | None:
    """``<db>.load.lock`` for a SQLite file database, else None."""
    if engine.dialect.name != "sqlite":
        return None
    db = engine.url.database
    if not db or db == ":memory:" or db.startswith("file::memory:"):
        return None
    return Path(os.path.abspath(db) + ".load.lock")


def _key(engine: Engine | None, owner: object) -> str:
    if engine is None:
        return f"object:{id(owner)}"
    path = lock_file(engine)
    if path is not None:
        return f"file:{path}"
    if engine.dialect.name == "sqlite":
        return f"memory:{id(engine)}"
    return f"{engine.dialect.name}:{engine.url.render_as_string(hide_password=True)}"


def _depths() -> dict[str, int]:
    depths: dict[str, int] | None = getattr(_held, "depths", None)
    if depths is None:
        depths = {}
        _held.depths = depths
    return depths


def _process_lock(key: str) -> threading.Lock:
    with _guard:
        return _process_locks.setdefault(key, threading.Lock())


def _busy(what: str, timeout: float) -> StoreError:
    return StoreError(
        f"another load or schema change holds the store's load lock; {what} gave up after "
        f"{timeout:g} s (nothing was changed)"
    )


@contextmanager
def _flock(path: Path, deadline: float, what: str, timeout: float) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(what, timeout) from None
                time.sleep(_POLL)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _pg_lock(engine: Engine, deadline: float, what: str, timeout: float) -> Iterator[None]:
    key = "hashtext(coalesce(current_schema(), ''))"
    conn = engine.connect()
    locked = False
    try:
        while True:
            got = conn.execute(
                text(f"SELECT pg_try_advisory_lock(:cls, {key})"), {"cls": PG_LOCK_CLASS}
            ).scalar()
            conn.commit()
            if got:
                locked = True
                break
            if time.monotonic() >= deadline:
                raise _busy(what, timeout)
            time.sleep(_POLL)
        yield
    finally:
        try:
            if locked:
                conn.execute(
                    text(f"SELECT pg_advisory_unlock(:cls, {key})"), {"cls": PG_LOCK_CLASS}
                )
                conn.commit()
        except Exception:  # never hand a locked session back to the pool
            conn.invalidate()
        finally:
            conn.close()


@contextmanager
def load_lock(
    engine: Engine | None,
    *,
    owner: object = None,
    timeout: float = DEFAULT_TIMEOUT,
    what: str = "the load",
) -> Iterator[None]:
    """Hold the store's load lock (see the module docstring). ``engine`` None: a store that
    is not SQL-backed, locked in this process by its identity (``owner``)."""
    key = _key(engine, owner)
    depths = _depths()
    if depths.get(key, 0) > 0:  # re-entered by the thread that holds it
        depths[key] += 1
        try:
            yield
        finally:
            depths[key] -= 1
        return
    deadline = time.monotonic() + timeout
    plock = _process_lock(key)
    if not plock.acquire(timeout=max(timeout, 0.0)):
        raise _busy(what, timeout)
    try:
        path = lock_file(engine) if engine is not None else None
        if path is not None:
            outer = _flock(path, deadline, what, timeout)
        elif engine is not None and engine.dialect.name == "postgresql":
            outer = _pg_lock(engine, deadline, what, timeout)
        else:
            outer = _nothing()
        with outer:
            depths[key] = 1
            try:
                yield
            finally:
                depths[key] = 0
    finally:
        plock.release()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


__all__ = ["DEFAULT_TIMEOUT", "PG_LOCK_CLASS", "load_lock", "lock_file"]
