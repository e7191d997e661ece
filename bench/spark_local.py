"""Spark local[2] against the local engine (2 workers), interleaved in one run, as rows per
CPU-second of the whole process tree (issue 14, target: Spark >= 0.85x the local engine).

    .venv/bin/python bench/spark_local.py --rows 20000 [--rounds 1]

Each run is a separate ``tradescreen batch`` process on the same SQLite database (the lists of
bench/scale.py: SDN 2024-05-03, BIS Entity List, BIS DPL) and the same seeded counterparties
(bench/gen_counterparties.py). CPU seconds are user + system of the process and every
descendant (the Spark JVM, its Python daemon and workers), sampled from /proc every 0.25 s and
summed per process (``RUSAGE_CHILDREN`` misses PySpark's workers, which their daemon reaps).
The two outputs are compared row for row.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import AS_OF, LISTS, counterparties


def batch_db(work: Path) -> str:
    """The lists of bench/scale.py in a fresh SQLite file, index blobs persisted (the stored
    SDN 2024-05-03 is sdn.csv alone: loaded with the partial-set override)."""
    from tradescreen.loading import Allow, load_files
    from tradescreen.screening.screener import Screener
    from tradescreen.settings import Settings
    from tradescreen.store.sql import open_store

    db = work / "spark_local.db"
    db.unlink(missing_ok=True)
    settings = Settings(db=str(db))
    store = open_store(settings)
    for path in LISTS:
        load_files(store, [path], settings=settings, allow=Allow(partial=True))
    Screener(store, settings).warm()
    store.close()
    return str(db)


TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int, seen: dict[int, float]) -> None:
    """Record the CPU seconds (user + system, own) of ``root`` and every descendant now alive."""
    parent: dict[int, int] = {}
    times: dict[int, float] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parent[int(d)] = int(fields[1])
        times[int(d)] = (int(fields[11]) + int(fields[12])) / TICK
    for pid, t in times.items():
        p = pid
        while p > 1 and p != root:
            p = parent.get(p, 0)
        if p == root:
            seen[pid] = max(seen.get(pid, 0.0), t)


def run(db: str, src: Path, extra: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "tradescreen", "batch", str(src), "--db", db]
    cmd += ["--as-of", AS_OF, "--restart", "--json", *extra]
    t0 = time.monotonic()
    seen: dict[int, float] = {}
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=null)
        while proc.poll() is None:
            tree_cpu(proc.pid, seen)
            time.sleep(0.25)
        stdout = proc.stdout.read() if proc.stdout else b""
    wall, cpu = time.monotonic() - t0, sum(seen.values())
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode})")
    rep: dict[str, Any] = json.loads(stdout)
    rows = rep["rows"]
    return {
        "rows": rows,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "rows_per_s": round(rows / wall, 1),
        "rows_per_cpu_s": round(rows / cpu, 1),
        "engine_seconds": rep["seconds"],
    }


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/tradescreen-bench"))
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    src = counterparties(args.work, args.rows)
    db = batch_db(args.work)
    local_out, spark_out = args.work / "sl_local.jsonl", args.work / "sl_spark"
    report: list[dict[str, Any]] = []
    for i in range(args.rounds):
        loc = run(db, src, ["-o", str(local_out), "--workers", "2"])
        spk = run(
            db,
            src,
            ["--engine", "spark", "--spark-master", "local[2]", "--output-dir", str(spark_out)],
        )
        got = b"".join(p.read_bytes() for p in sorted((spark_out / "kind=result").glob("part-*")))
        same = got == local_out.read_bytes()
        report.append(
            {
                "round": i + 1,
                "local_2_workers": loc,
                "spark_local_2": spk,
                "ratio_rows_per_cpu_s": round(spk["rows_per_cpu_s"] / loc["rows_per_cpu_s"], 2),
                "ratio_rows_per_s": round(spk["rows_per_s"] / loc["rows_per_s"], 2),
                "identical": same,
            }
        )
        print(json.dumps(report[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"rows": args.rows, "runs": report}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
