"""Concurrent ``tradescreen load`` runs on one store (issue 12 item 1), SQLite file and PostgreSQL.

Each trial starts two real CLI processes on a fresh database: a big version of a list and, a
moment later, a smaller one (more than ``max_shrink`` smaller). Whatever the interleaving, the
big one must end in force: either the small one committed first and the big one replaced it, or
the small one ran its shrink check after the big one committed and was refused (exit 5). Before
the load lock both checks read the store before either committed, both exited 0 and the small
version went into force; a fresh database also failed with "cannot create the schema".

Even trials start on a database without its schema (the commands also race to create it), odd
ones on a database whose schema was made first (only the shrink check races).
CI: ``TRADESCREEN_RACE_TRIALS`` (default 4) trials of the BIS DPL 665 entries against a 60 %
copy of it. ``TRADESCREEN_LONG=1``: the issue's own pair, OFAC SDN 2024-05-03 (14,965 entries,
no add.csv/alt.csv, so ``--allow-partial``) and one second later the April 2022 CSL (its SDN
part: 10,026 entries with 12,446 addresses and 16,224 aliases). Each loses something the other
has (entries one way, every address the other), so whichever commits first, the second is
refused (exit 5): exactly one of them goes in force, never both in turn.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

try:
    from tests import pg
except ImportError:  # pragma: no cover
    import pg  # type: ignore[no-redef]

from tests.data_paths import LISTS, require_data

DPL = LISTS / "us_bis_dpl" / "dpl_2023-11.txt"
SDN_2024 = LISTS / "us_ofac_sdn" / "2024-05-03" / "sdn.csv"
CSL_2022 = LISTS / "us_csl" / "consolidated_2022-04.csv.gz"
LONG = os.environ.get("TRADESCREEN_LONG", "") not in ("", "0")
TRIALS = int(os.environ.get("TRADESCREEN_RACE_TRIALS", "12" if LONG else "4"))
SEED = int(os.environ.get("TRADESCREEN_RACE_SEED", "20261202"))
CLI = [sys.executable, "-m", "tradescreen"]

pytestmark = pytest.mark.realdata


@pytest.fixture(autouse=True)
def _race_data() -> None:
    require_data(DPL)  # skipped on a plain clone, a failure in CI


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TRADESCREEN_AUDIT_KEY_FILE"] = str(tmp / "audit.key")
    env.pop("TRADESCREEN_DB", None)
    return env


def _pair(tmp: Path) -> tuple[list[str], list[str], str, int, float]:
    """(big load args, small load args, list code, big count, delay before the small one)."""
    if LONG:
        require_data(SDN_2024)
        require_data(CSL_2022)
        return (
            [str(SDN_2024), "--allow-partial"],
            [str(CSL_2022)],
            "us_ofac_sdn",
            14_965,
            1.0,
        )
    small = tmp / "dpl_small.txt"
    if not small.exists():
        lines = DPL.read_bytes().splitlines(keepends=True)
        small.write_bytes(b"".join(lines[: int(len(lines) * 0.6)]))
    return [str(DPL)], [str(small), "--source", "dpl_txt"], "us_bis_dpl", 665, 0.0


def _in_force(url: str, code: str) -> tuple[int, int]:
    """(records of the version in force, versions ever in force) of ``code``."""
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT status, record_count FROM list_versions WHERE list_code = :c"
                    " AND status IN ('active', 'superseded') ORDER BY id"
                ),
                {"c": code},
            ).all()
    finally:
        eng.dispose()
    active = [r[1] for r in rows if r[0] == "active"]
    return (active[0] if len(active) == 1 else -len(active)), len(rows)


def _trial(url: str, tmp: Path, rng: random.Random, fresh: bool) -> str | None:
    """One race; None when the outcome is right, else what went wrong. ``fresh``: on a
    database without its schema (the commands also race to create it)."""
    big, small, code, count, delay = _pair(tmp)
    small_count = 10_026 if LONG else None
    env = _env(tmp)
    if not fresh:
        from tradescreen.store.sql import SqlStore

        made = SqlStore.from_url(url)
        made.create_schema()
        made.close()
    a = subprocess.Popen(
        [*CLI, "load", *big, "--db", url], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(delay + rng.uniform(0.0, 0.4))
    b = subprocess.Popen(
        [*CLI, "load", *small, "--db", url], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    outs = [p.communicate(timeout=900) for p in (a, b)]
    codes = (a.returncode, b.returncode)
    errors = " | ".join(e.decode(errors="replace").strip()[-300:] for _, e in outs)
    if "Traceback" in errors:
        return f"traceback: {errors}"
    records, ever = _in_force(url, code)
    if small_count is not None:  # the LONG pair: exactly one goes in force
        if sorted(codes) != [0, 5] or ever != 1:
            return f"exit codes {codes}, {ever} versions in force: {errors}"
        expected = count if a.returncode == 0 else small_count
        if records != expected:
            return f"{records} in force instead of {expected}, exit codes {codes}"
        return None
    if a.returncode != 0 or b.returncode not in (0, 5):
        return f"exit codes {codes}: {errors}"
    if records != count:
        return f"{records} in force instead of {count}, exit codes {codes}"
    if b.returncode == 0 and ever != 2:
        return f"small load exited 0 but {ever} versions were in force"
    return None


def _run_trials(make_url: object, tmp: Path, label: str) -> None:
    rng = random.Random(SEED)
    failures: list[str] = []
    for i in range(TRIALS):
        fresh = i % 2 == 0
        with make_url(i) as url:  # type: ignore[operator]
            why = _trial(url, tmp, rng, fresh)
        if why is not None:
            failures.append(f"trial {i} ({'fresh' if fresh else 'schema made'}): {why}")
    print(f"\n{label}: {len(failures)} of {TRIALS} race trials failed")
    assert not failures, "\n".join(failures)


def test_concurrent_loads_sqlite(tmp_path: Path) -> None:
    @contextmanager
    def url(i: int) -> Iterator[str]:
        yield f"sqlite:///{tmp_path / f'race{i}.db'}"

    _run_trials(url, tmp_path, "sqlite")


def test_concurrent_loads_postgres(pg_server: str | None, tmp_path: Path) -> None:
    if pg_server is None:
        pytest.skip("PostgreSQL not available")

    @contextmanager
    def url(i: int) -> Iterator[str]:
        with pg.fresh_database(pg_server) as u:
            yield u

    _run_trials(url, tmp_path, "postgresql")


def _same_file_thrice(url: str, tmp: Path) -> list[tuple[str, int]]:
    env = _env(tmp)
    procs = [
        subprocess.Popen(
            [*CLI, "load", str(DPL), "--db", url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e[-400:] for _, e in outs]
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            rows = conn.execute(text("SELECT list_code, record_count FROM list_versions")).all()
    finally:
        eng.dispose()
    return [(r[0], r[1]) for r in rows]


def test_same_file_loaded_three_times_at_once_is_one_version_sqlite(tmp_path: Path) -> None:
    assert _same_file_thrice(f"sqlite:///{tmp_path / 'same.db'}", tmp_path) == [("us_bis_dpl", 665)]


def test_same_file_loaded_three_times_at_once_is_one_version_postgres(
    pg_server: str | None, tmp_path: Path
) -> None:
    if pg_server is None:
        pytest.skip("PostgreSQL not available")
    with pg.fresh_database(pg_server) as url:
        assert _same_file_thrice(url, tmp_path) == [("us_bis_dpl", 665)]
