"""The store's load lock (``store/lock.py``): exclusive across threads and processes on a SQLite
file, per engine in memory, per schema on PostgreSQL; re-entrant; bounded waits that change
nothing; and a load waiting for it is checked against what the holder put in force."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from store_factories import ent

from tradescreen.db import make_engine
from tradescreen.errors import QuarantinedError, StoreError
from tradescreen.loading import load_parsed
from tradescreen.model import Entity
from tradescreen.settings import Settings
from tradescreen.sources.base import ParsedSource
from tradescreen.store.lock import load_lock, lock_file
from tradescreen.store.sql import SqlStore


def _parsed(ents: list[Entity], sha: str) -> ParsedSource:
    def gen() -> Iterator[Entity]:
        yield from ents

    return ParsedSource(format="test", paths=("l.csv",), sha256=sha, entities=gen())


def _held_elsewhere(engine: Engine, hold: float) -> tuple[threading.Thread, threading.Event]:
    taken = threading.Event()

    def run() -> None:
        with load_lock(engine):
            taken.set()
            time.sleep(hold)

    t = threading.Thread(target=run)
    t.start()
    assert taken.wait(10)
    return t, taken


@pytest.mark.parametrize("kind", ["file", "memory"])
def test_lock_excludes_other_threads_and_times_out(tmp_path: Path, kind: str) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}" if kind == "file" else "sqlite://"
    engine = make_engine(url)
    t, _ = _held_elsewhere(engine, 1.0)
    start = time.monotonic()
    with pytest.raises(StoreError, match="load lock"), load_lock(engine, timeout=0.2):
        pass  # pragma: no cover
    assert 0.15 < time.monotonic() - start < 0.9
    t.join()
    with load_lock(engine, timeout=0.5), load_lock(engine, timeout=0.01):  # re-entrant
        pass
    if kind == "file":
        assert lock_file(engine) == Path(f"{tmp_path / 'l.db'}.load.lock")
        assert lock_file(engine).exists()  # type: ignore[union-attr]
    else:
        assert lock_file(engine) is None
    engine.dispose()


def test_file_lock_excludes_another_process(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    code = (
        "import sys, time, fcntl\n"
        f"f = open({str(db) + '.load.lock'!r}, 'a')\n"
        "fcntl.flock(f, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "time.sleep(1.5)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    engine = make_engine(f"sqlite:///{db}")
    with pytest.raises(StoreError), load_lock(engine, timeout=0.3):
        pass  # pragma: no cover
    proc.kill()  # SIGKILL: the holder never unlocks, its open file does on exit
    proc.wait(10)
    with load_lock(engine, timeout=5):
        pass
    engine.dispose()


def test_a_migrated_database_opens_while_a_load_holds_the_lock(tmp_path: Path) -> None:
    """Screenings open the store (``Services.open`` runs ``migrate.upgrade``) during a long
    load: at the head revision the upgrade takes no lock, so they do not wait."""
    from tradescreen.services import Services
    from tradescreen.store import migrate

    db = tmp_path / "open.db"
    settings = Settings(db=str(db), audit_key_file=tmp_path / "k")
    SqlStore.from_url(f"sqlite:///{db}").create_schema()
    engine = make_engine(f"sqlite:///{db}")
    t, _ = _held_elsewhere(engine, 2.0)
    start = time.monotonic()
    migrate.upgrade(make_engine(f"sqlite:///{db}"), lock_timeout=0.2)
    services = Services.open(settings)
    assert time.monotonic() - start < 1.5
    services.store.close()  # type: ignore[attr-defined]
    # a database that needs its schema does wait, and gives up with nothing done
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    t2, _ = _held_elsewhere(fresh, 1.0)
    with pytest.raises(StoreError, match="schema upgrade"):
        migrate.upgrade(fresh, lock_timeout=0.2)
    t.join()
    t2.join()
    with fresh.connect() as conn:
        assert migrate.current_revision(conn) is None
    engine.dispose()
    fresh.dispose()


def test_waiting_load_is_checked_against_what_the_holder_committed(tmp_path: Path) -> None:
    """The race of issue 12 made deterministic: a small load that has read and parsed its file
    waits for the lock while a big load holds it and commits; it is then refused (shrink
    against the big one), never put in force beside it."""
    db = tmp_path / "w.db"
    store = SqlStore.from_url(f"sqlite:///{db}")
    store.create_schema()
    settings = Settings(db=str(db), audit_key_file=tmp_path / "k")
    big = [ent(f"e-{i}", f"Company {i}") for i in range(100)]
    small = big[:50]
    result: dict[str, object] = {}
    inside = threading.Event()

    def small_load() -> None:
        inside.wait(10)
        other = SqlStore.from_url(f"sqlite:///{db}")  # its own handle, as another process
        try:
            p = _parsed(small, "b" * 64)
            result["small"] = load_parsed(other, p, list(p.entities), settings=settings)
        except QuarantinedError as exc:
            result["small"] = exc
        finally:
            other.close()

    t = threading.Thread(target=small_load)
    t.start()
    with load_lock(store.engine):
        inside.set()
        time.sleep(0.5)  # the small load is now waiting on the lock
        p = _parsed(big, "a" * 64)
        load_parsed(store, p, list(p.entities), settings=settings)
    t.join(30)
    assert isinstance(result["small"], QuarantinedError)
    [v] = store.active_versions()
    assert v.record_count == 100
    assert [x.status for x in store.versions()] == ["quarantined", "active"]
    store.close()


def test_retrieved_at_is_taken_inside_the_lock(tmp_path: Path) -> None:
    """A load stamps its version when it holds the lock, so the version it was checked
    against is never newer than itself (it goes in force, not behind the other)."""
    db = tmp_path / "t.db"
    store = SqlStore.from_url(f"sqlite:///{db}")
    store.create_schema()
    settings = Settings(db=str(db), audit_key_file=tmp_path / "k")
    before = datetime.now(UTC)
    with load_lock(store.engine):
        time.sleep(0.2)
        p = _parsed([ent("e-1", "Company 1")], "c" * 64)
        [v] = load_parsed(store, p, list(p.entities), settings=settings).created
    assert v.retrieved_at > before
    store.close()


def test_postgres_lock_is_per_schema_and_times_out(pg_server: str | None) -> None:
    if pg_server is None:
        pytest.skip("PostgreSQL not available")
    try:
        from tests import pg
    except ImportError:  # pragma: no cover
        import pg  # type: ignore[no-redef]

    from sqlalchemy import text

    from tradescreen.store.lock import PG_LOCK_CLASS

    key = "hashtext(coalesce(current_schema(), ''))"
    with pg.fresh_database(pg_server) as one, pg.fresh_database(pg_server) as two:
        e1, e2, raw = make_engine(one), make_engine(two), make_engine(one)
        try:
            # another session (as another process would) holds schema one's advisory lock
            with raw.connect() as holder:
                holder.execute(text(f"SELECT pg_advisory_lock(:c, {key})"), {"c": PG_LOCK_CLASS})
                holder.commit()
                with pytest.raises(StoreError, match="load lock"), load_lock(e1, timeout=0.3):
                    pass  # pragma: no cover
                with load_lock(e2, timeout=0.3):  # another schema: another lock
                    pass
                holder.execute(text(f"SELECT pg_advisory_unlock(:c, {key})"), {"c": PG_LOCK_CLASS})
                holder.commit()
            # while we hold it, another session cannot take it
            with load_lock(e1, timeout=5), raw.connect() as other:
                got = other.execute(
                    text(f"SELECT pg_try_advisory_lock(:c, {key})"), {"c": PG_LOCK_CLASS}
                ).scalar()
                assert got is False
            with raw.connect() as other:  # released on exit
                got = other.execute(
                    text(f"SELECT pg_try_advisory_lock(:c, {key})"), {"c": PG_LOCK_CLASS}
                ).scalar()
                assert got is True
        finally:
            for e in (e1, e2, raw):
                e.dispose()


def test_load_that_cannot_get_the_lock_changes_nothing_and_alerts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from tradescreen.loading import load_files

    sample = Path(__file__).resolve().parents[2] / "examples" / "lists" / "us_csl_sample.csv"
    db = tmp_path / "busy.db"
    store = SqlStore.from_url(f"sqlite:///{db}")
    store.create_schema()
    settings = Settings(db=str(db), audit_key_file=tmp_path / "k", load_lock_timeout=0.3)
    t, _ = _held_elsewhere(store.engine, 1.5)
    with caplog.at_level(logging.ERROR, logger="tradescreen.lists"), pytest.raises(StoreError):
        load_files(store, [sample], settings=settings)
    t.join()
    assert store.versions() == []
    assert any("list.rejected" in r.getMessage() for r in caplog.records)
    store.close()
