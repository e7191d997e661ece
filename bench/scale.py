"""Scale benchmark: batch screening rows/s and peak memory; delta vs full monitoring re-screen.

    .venv/bin/python bench/scale.py --rows 100000               # batch: local 1 and 2 cores, Spark
    .venv/bin/python bench/scale.py --rows 1000000 --skip-spark # the 1M run
    .venv/bin/python bench/scale.py --delta-rows 20000 --skip-batch

Lists in force: OFAC SDN 2024-05-03, BIS Entity List (eCFR 2026-07), BIS Denied Persons List
2026-04-14 (../shared/data). Counterparties: bench/gen_counterparties.py (seeded). Each batch run
is a separate ``tradescreen batch`` process; its peak memory is the largest resident set of the
process or of any one worker (``BatchReport.peak_rss_mb``). The delta benchmark loads the SDN
with 1% of its entries held back, screens the register fully, then lands the complete SDN (a 1%
list change) and times ``rescreen_delta`` against ``rescreen_full`` of the same register.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_counterparties

DATA = gen_counterparties.DATA
LISTS = [
    DATA / "lists/us_ofac_sdn/2024-05-03/sdn.csv",
    DATA / "lists/us_bis_entity_list/bis_entity_list_ecfr_2026-07.json",
    DATA / "lists/us_bis_dpl/bis_dpl_2026-04-14.json",
]
AS_OF = "2026-05-01"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def counterparties(work: Path, rows: int) -> Path:
    path = work / f"cps_{rows}.parquet"
    if not path.exists():
        gen_counterparties.write(gen_counterparties.generate(rows, 0.02, 20260522), path)
    return path


def batch_db(work: Path) -> str:
    from tradescreen.loading import load_files
    from tradescreen.screening.screener import Screener
    from tradescreen.settings import Settings
    from tradescreen.store.sql import open_store

    db = work / "batch.db"
    db.unlink(missing_ok=True)  # a fresh index, built by the code being measured
    settings = Settings(db=str(db))
    store = open_store(settings)
    for path in LISTS:
        load_files(store, [path], settings=settings)
    Screener(store, settings).warm()  # persist the index blobs once
    store.close()
    return str(db)


def run_batch(db: str, src: Path, out: Path, extra: list[str]) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "tradescreen",
        "batch",
        str(src),
        "-o",
        str(out),
        "--db",
        db,
        "--as-of",
        AS_OF,
        "--restart",
        "--json",
        *extra,
    ]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    rep: dict[str, Any] = json.loads(proc.stdout)
    rep["wall_seconds"] = round(wall, 1)
    return rep


def bench_batch(work: Path, rows: int, spark: bool, workers: list[int]) -> list[dict[str, Any]]:
    src = counterparties(work, rows)
    db = batch_db(work)
    results = []
    for w in workers:
        log(f"local engine, {w} worker(s), {rows} rows ...")
        rep = run_batch(db, src, work / f"out_local_{w}.jsonl", ["--workers", str(w)])
        results.append({**rep, "config": f"local, {w} worker(s)"})
        log(json.dumps(results[-1]))
    if spark:
        log(f"spark local[2], {rows} rows ...")
        rep = run_batch(
            db, src, work / "out_spark.jsonl", ["--engine", "spark", "--spark-master", "local[2]"]
        )
        results.append({**rep, "config": "spark local[2]"})
        log(json.dumps(results[-1]))
        same = (work / "out_spark.jsonl").read_bytes() == (work / "out_local_1.jsonl").read_bytes()
        results[-1]["identical_to_local"] = same
    return results


def bench_delta(work: Path, rows: int, change: float) -> dict[str, Any]:
    from tradescreen.db import all_tables
    from tradescreen.loading import load_files
    from tradescreen.monitor.counterparties import import_counterparties
    from tradescreen.monitor.delta import cached_counterparty_index, rescreen_delta, rescreen_full
    from tradescreen.screening.screener import Screener
    from tradescreen.settings import Settings
    from tradescreen.sources import read_source
    from tradescreen.store.base import NewVersion
    from tradescreen.store.sql import open_store

    db = work / f"delta_{rows}.db"
    db.unlink(missing_ok=True)
    settings = Settings(db=str(db), max_shrink=0.5)
    store = open_store(settings)
    all_tables().create_all(store.engine)
    for path in LISTS[1:]:
        load_files(store, [path], settings=settings)
    parsed = read_source([LISTS[0]])
    sdn = list(parsed.entities)
    rng = random.Random(5)
    held = set(rng.sample(range(len(sdn)), int(len(sdn) * change)))
    part = [e for i, e in enumerate(sdn) if i not in held]

    def version(ents: list[Any], when: datetime) -> NewVersion:
        return NewVersion(
            "us_ofac_sdn",
            "Specially Designated Nationals List",
            str(LISTS[0]),
            "ofac_csv",
            f"bench-{len(ents)}",
            ents,
            retrieved_at=when,
        )

    [va] = store.add_versions([version(part, datetime(2024, 5, 2, tzinfo=UTC))])
    src = counterparties(work, rows)
    with store.engine.begin() as conn:
        import_counterparties(conn, src)
    day = date.fromisoformat(AS_OF)
    log(f"delta bench: initial full screen of {rows} counterparties ...")
    first = rescreen_full(store, settings, as_of=day)
    [vb] = store.add_versions([version(sdn, datetime(2024, 5, 3, tzinfo=UTC))])
    screener = Screener(store, settings)
    screener.warm()
    with store.engine.begin() as conn:
        t0 = time.monotonic()
        cached_counterparty_index(conn)  # build and store (done once per register change)
        index_s = time.monotonic() - t0
    log("delta re-screen (counterparty index loaded from its blob) ...")
    delta = rescreen_delta(store, va.id, vb.id, settings, screener=screener, as_of=day)
    log("full re-screen ...")
    full = rescreen_full(store, settings, screener=screener, as_of=day)
    store.close()
    out = {
        "counterparties": rows,
        "list_change": f"{len(held)} of {len(sdn)} SDN entries added ({change:.0%})",
        "initial_full_seconds": first.seconds,
        "counterparty_index_build_seconds": round(index_s, 2),
        "delta_seconds": delta.seconds,
        "delta_index_load_seconds": delta.index_seconds,
        "delta_seconds_with_index_build": round(delta.seconds + index_s, 2),
        "delta_counterparties_screened": delta.counterparties_screened,
        "delta_pairs_scored": delta.pairs_scored,
        "full_seconds": full.seconds,
        "speedup": round(full.seconds / max(delta.seconds, 1e-6), 1),
        "speedup_with_index_build": round(full.seconds / max(delta.seconds + index_s, 1e-6), 1),
        "delta_alert_pairs": len(delta.alert_pairs),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="tradescreen scale benchmark")
    ap.add_argument("--rows", type=int, default=100_000, help="batch rows")
    ap.add_argument("--delta-rows", type=int, default=20_000, help="register size for delta")
    ap.add_argument("--change", type=float, default=0.01, help="share of the SDN that changes")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--work", type=Path, default=Path("/tmp/tradescreen-bench"))
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--skip-delta", action="store_true")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"machine_cores": __import__("os").cpu_count()}
    if not args.skip_batch:
        report["batch"] = bench_batch(
            args.work, args.rows, not args.skip_spark, [int(w) for w in args.workers.split(",")]
        )
    if not args.skip_delta:
        report["delta"] = bench_delta(args.work, args.delta_rows, args.change)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
