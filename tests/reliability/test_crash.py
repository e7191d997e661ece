"""Crash safety: SIGKILL a list load, a batch run and an audit writer at random (seeded) points.

After every kill: the SQLite file passes ``PRAGMA integrity_check`` and opens as a store; the
list version in force is the previous one (intact: its entity count equals its record count) or
the new one fully loaded, never half; the audit chain verifies and no acknowledged record is
lost; a batch output never loses a checkpointed row and the resumed run equals an
uninterrupted one byte for byte.

CI runs ~10 kills of each kind. ``TRADESCREEN_LONG=1`` runs 200 each (and loads the SDN
2021-07 -> 2024-05-03 update, 9-15k entities, instead of the DPL pair);
``TRADESCREEN_CRASH_SEED`` changes the kill points.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.data_paths import LISTS, require_data

from tradescreen.audit.chain import load_key, verify
from tradescreen.db import all_tables, make_engine
from tradescreen.store.sql import SqlStore

LONG = os.environ.get("TRADESCREEN_LONG", "") not in ("", "0")
SEED = int(os.environ.get("TRADESCREEN_CRASH_SEED", "20261122"))
KILLS = int(os.environ.get("TRADESCREEN_CRASH_KILLS", "200" if LONG else "8"))
CLI = [sys.executable, "-m", "tradescreen"]

if LONG:
    OLD = [LISTS / "us_ofac_sdn" / "2021-07"]
    # the 2024 snapshot has no add.csv/alt.csv: a partial set that loses the aliases, allowed
    # explicitly (issue 12 item 3); the flags follow the file in every `load` below
    NEW = [LISTS / "us_ofac_sdn" / "2024-05-03" / "sdn.csv", "--allow-partial", "--allow-shrink"]
    CODE = "us_ofac_sdn"
else:
    OLD = [LISTS / "us_bis_dpl" / "dpl_2023-11.txt"]
    NEW = [LISTS / "us_bis_dpl" / "bis_dpl_2026-04-14.json"]
    CODE = "us_bis_dpl"

pytestmark = pytest.mark.realdata
UN = LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml.gz"


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TRADESCREEN_AUDIT_KEY_FILE=str(tmp / "audit.key"),
        TRADESCREEN_MAX_SHRINK="0.5",  # the DPL update shrinks 665 -> 564 on purpose
        PYTHONUNBUFFERED="1",
    )
    env.pop("TRADESCREEN_DB", None)
    return env


def _run(
    args: list[str], env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + args, env=env, capture_output=True, text=True, timeout=timeout)


def _kill_after(args: list[str], env: dict[str, str], delay: float) -> float | None:
    """Start the CLI, SIGKILL it after ``delay`` s.

    None if it was killed; the seconds it took if it finished first.
    """
    t0 = time.monotonic()
    proc = subprocess.Popen(CLI + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None
    finally:
        if proc.stderr:
            proc.stderr.close()
    return time.monotonic() - t0


def _integrity(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def _timed(args: list[str], env: dict[str, str]) -> float:
    t0 = time.monotonic()
    res = _run(args, env)
    assert res.returncode == 0, res.stderr
    return time.monotonic() - t0


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    for path in (*OLD, *NEW, UN):
        require_data(path)
    tmp = tmp_path_factory.mktemp("crash")
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


def test_sigkill_during_list_load(work: Path) -> None:
    env = _env(work)
    template = work / "template.db"
    res = _run(["load", *map(str, OLD), "--db", str(template)], env)
    assert res.returncode == 0, res.stderr
    store = SqlStore.from_url(f"sqlite:///{template}")
    (old,) = [v for v in store.active_versions() if v.list_code == CODE]
    store.close()
    # An uninterrupted update, for its duration and its record count.
    ref = work / "ref.db"
    shutil.copy(template, ref)
    full = _timed(["load", *map(str, NEW), "--db", str(ref)], env)
    store = SqlStore.from_url(f"sqlite:///{ref}")
    (new_ref,) = [v for v in store.active_versions() if v.list_code == CODE]
    store.close()
    assert new_ref.id != old.id

    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0}
    killed = 0
    for i in range(KILLS):
        db = work / f"load-{i % 2}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copy(template, db)
        # Kill points span the shortest run seen so far: on a shared machine one run can take
        # twice as long as the next, and a range drawn from a slow reference run would let most
        # runs finish before their kill (CI once saw 3 of 8 killed).
        delay = rng.uniform(0.2, full * 0.95)
        took = _kill_after(["load", *map(str, NEW), "--db", str(db)], env, delay)
        if took is None:
            killed += 1
        else:
            full = min(full, took)
        _integrity(db)
        store = SqlStore.from_url(f"sqlite:///{db}")
        try:
            (cur,) = [v for v in store.active_versions() if v.list_code == CODE]
            assert store.count_entities(cur.id) == cur.record_count
            if cur.id == old.id:
                outcomes["old"] += 1
                assert cur.sha256 == old.sha256 and cur.record_count == old.record_count
            else:
                outcomes["new"] += 1
                assert cur.sha256 == new_ref.sha256 and cur.record_count == new_ref.record_count
            statuses = {v.status for v in store.versions(CODE)}
            assert "staged" not in statuses, f"kill {i} at {delay:.2f}s left a staged version"
            _verify_audit(store, work / "audit.key")
        finally:
            store.close()
        # The interrupted update can be run again and ends with the new version in force.
        if i < 2:
            res = _run(["load", *map(str, NEW), "--db", str(db)], env)
            assert res.returncode == 0, res.stderr
    print(f"list load: {KILLS} runs, {killed} killed, in force after: {outcomes}")
    assert killed >= KILLS // 2, f"only {killed} of {KILLS} runs were killed before finishing"
    assert outcomes["old"] > 0, outcomes


def _verify_audit(store: SqlStore, key_file: Path) -> None:
    with store.engine.connect() as conn:
        has = conn.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'")
        ).scalar()
        if has and key_file.exists():
            rep = verify(conn, load_key(key_file))
            assert rep.ok, rep.problem


def _batch_input(path: Path, rows: int) -> None:
    from tradescreen.sources import read_source

    names = [n.value for e in read_source(UN).entities for n in e.names]
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "country"])
        for i in range(rows):
            name = rng.choice(names) if i % 3 == 0 else f"Company {rng.randint(1, 10**6)} Ltd"
            if i % 97 == 0:
                name = "x"  # a reject (1 character)
            w.writerow([i, name, rng.choice(["", "RU", "CN", "IR"])])


def _done_rows(out: Path, ref_lines: list[bytes]) -> int:
    """Complete output lines; each must equal the uninterrupted run's line."""
    if not out.exists():
        return 0
    lines = out.read_bytes().splitlines(keepends=True)
    complete = [ln for ln in lines if ln.endswith(b"\n")]
    for n, (got, want) in enumerate(zip(complete, ref_lines, strict=False)):
        assert got == want, f"output line {n} differs from the uninterrupted run"
    return len(complete)


def _complete(out: Path) -> bool:
    ck = Path(f"{out}.checkpoint.json")
    try:
        return bool(json.loads(ck.read_text()).get("complete"))
    except (OSError, ValueError):
        return False


def test_sigkill_during_batch_resume_identical(work: Path) -> None:
    env = _env(work)
    db = work / "batch.db"
    for src in ([UN], NEW):
        res = _run(["load", *map(str, src), "--db", str(db)], env)
        assert res.returncode == 0, res.stderr
    rows = 20_000 if LONG else 2_000
    inp = work / "in.csv"
    _batch_input(inp, rows)
    common = ["--as-of", "2026-01-01", "--workers", "1", "--chunk-size", "200", "--db", str(db)]
    ref = work / "ref.csv"
    full = _timed(["batch", str(inp), "-o", str(ref), *common], env)
    ref_lines = ref.read_bytes().splitlines(keepends=True)
    ref_rejects = Path(f"{ref}.rejects.csv").read_bytes()
    assert len(ref_lines) > rows * 0.9

    rng = random.Random(SEED + 1)
    out = work / "out.csv"
    kills = finished = 0
    chains = 0
    while kills < KILLS:
        chains += 1
        for p in work.glob("out.csv*"):
            p.unlink()
        best = 0
        while kills < KILLS:
            delay = rng.uniform(0.5, max(1.0, full * 0.4))
            if _kill_after(["batch", str(inp), "-o", str(out), *common], env, delay) is not None:
                finished += 1
                break
            kills += 1
            _integrity(db)
            if _complete(out) and out.read_bytes() == ref.read_bytes():
                finished += 1  # killed after it had finished: a rerun would start again
                break
            done = _done_rows(out, ref_lines)
            assert done >= best, f"kill {kills}: output shrank from {best} to {done} lines"
            best = max(best, done)
        res = _run(["batch", str(inp), "-o", str(out), *common, "--json"], env)
        assert res.returncode == 0, res.stderr
        if out.read_bytes() != ref.read_bytes():
            keep = Path(tempfile.mkdtemp(prefix="tradescreen-crash-fail-"))
            for p in (*work.glob("out.csv*"), *work.glob("ref.csv*"), inp):
                shutil.copy(p, keep)
            pytest.fail(f"resumed output differs from uninterrupted (chain {chains}); see {keep}")
        assert Path(f"{out}.rejects.csv").read_bytes() == ref_rejects
    print(f"batch: {kills} kills over {chains} chains, {finished} finished runs, resume identical")
    assert kills == KILLS


AUDIT_WRITER = r"""
import sys
from tradescreen.audit.chain import load_key, record
from tradescreen.db import make_engine
engine = make_engine(sys.argv[1])
key = load_key(__import__("pathlib").Path(sys.argv[2]))
n = int(sys.argv[3])
while True:
    n += 1
    with engine.begin() as conn:
        record(conn, actor="crash-test", action="screening", payload={"n": n, "q": "x" * (n % 50)},
               key=key)
    print(n, flush=True)
"""


def test_sigkill_during_audit_writes(work: Path) -> None:
    env = _env(work)
    db = work / "audit.db"
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    all_tables().create_all(engine)
    engine.dispose()
    key_file = work / "audit-writer.key"
    key_file.write_text(os.urandom(32).hex())
    rng = random.Random(SEED + 2)
    acked = 0
    for i in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", AUDIT_WRITER, url, str(key_file), str(acked)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # wait until it writes (startup time varies with load)
        time.sleep(rng.uniform(0.0, 1.0))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        printed = [int(x) for x in (first + out).split()]
        assert printed, f"writer {i} wrote nothing: {err[-500:]}"
        acked = printed[-1]
        _integrity(db)
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                rep = verify(conn, load_key(key_file))
                assert rep.ok, f"kill {i}: {rep.problem}"
                payloads = [
                    int(r[0])
                    for r in conn.execute(
                        text("SELECT json_extract(payload, '$.n') FROM audit_log ORDER BY seq")
                    )
                ]
        finally:
            engine.dispose()
        # Every acknowledged (committed, then printed) record is there, in order, exactly once;
        # at most one more (committed, killed before it printed).
        assert payloads[:acked] == list(range(1, acked + 1)), f"kill {i}: acknowledged record lost"
        assert len(payloads) in (acked, acked + 1)
        acked = len(payloads)
    print(f"audit: {KILLS} kills, {acked} records, chain verified after each")
