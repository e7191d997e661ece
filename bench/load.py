"""Bounded-time HTTP load test of ``POST /v1/screen`` against ``tradescreen serve`` on 127.0.0.1.

Loads the real lists (``../shared/data/lists``: the 2022 Consolidated Screening List, the 2026
Entity List, the UN Security Council list, the EU 833/269 transcriptions) into a temporary SQLite
store, starts ``tradescreen serve --workers N`` on a free loopback port, creates a screener key,
warms every worker, then runs C client threads (httpx, keep-alive) for T seconds screening names
drawn from yente's candidate-generation sets (UN positives and synthetic negatives, mixed 1:4).

    .venv/bin/python bench/load.py --seconds 30 --workers 2 --concurrency 8

Prints requests/s, latency p50/p90/p99 and errors, and writes bench/results/load.json. Every
screening is audited (one SQLite write per request), as in production.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TRADESCREEN_TEST_DATA", "").strip() or ROOT.parent / "shared" / "data")
LISTS = DATA / "lists"
SOURCES: list[list[Path]] = [
    [LISTS / "us_csl" / "consolidated_2022-04.csv.gz"],
    [LISTS / "us_bis_entity_list" / "bis_entity_list_ecfr_2026-07.json"],
    [LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml.gz"],
    [LISTS / "eu_opensanctions_journal" / "32014R0833.csv.gz"],
    [LISTS / "eu_opensanctions_journal" / "32014R0269.csv.gz"],
]
EVAL = DATA / "eval" / "yente_candidate_generation"


def names(n: int, seed: int = 7) -> list[str]:
    with open(EVAL / "positives_un_untreated.csv", encoding="utf-8") as fh:
        pos = [r["full_name"] for r in csv.DictReader(fh) if r["full_name"].strip()]
    with gzip.open(EVAL / "negatives_global.csv.gz", "rt", encoding="utf-8") as fh:
        neg = [r["full_name"] for r in csv.DictReader(io.StringIO(fh.read())) if r["full_name"]]
    rnd = random.Random(seed)
    return [rnd.choice(pos) if rnd.random() < 0.2 else rnd.choice(neg) for _ in range(n)]


def prepare(db: Path) -> tuple[int, str]:
    """Load the lists into ``db``; return (entities, screener key)."""
    from tradescreen.access.keys import create_key
    from tradescreen.db import all_tables
    from tradescreen.loading import load_files
    from tradescreen.settings import Settings
    from tradescreen.store.sql import open_store

    settings = Settings(db=str(db))
    store = open_store(settings)
    all_tables().create_all(store.engine)
    total = 0
    for paths in SOURCES:
        if all(p.exists() for p in paths):
            report = load_files(store, paths, settings=settings)
            total += sum(v.record_count for v in report.created)
    _, key = create_key(store.engine, "load-test", "screener")
    store.close()
    return total, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="tradescreen-load-"))
    db = tmp / "load.db"
    t0 = time.perf_counter()
    entities, key = prepare(db)
    load_s = time.perf_counter() - t0
    port = free_port()
    env = {
        **os.environ,
        "TRADESCREEN_DB": str(db),
        "TRADESCREEN_AUDIT_KEY_FILE": str(tmp / "audit.key"),
        "TRADESCREEN_API_RATE_LIMIT_PER_MINUTE": "100000000",
        "TRADESCREEN_STALE_AFTER_DAYS": "100000",
    }
    cmd = [sys.executable, "-m", "tradescreen", "serve", "--port", str(port)]
    cmd += ["--workers", str(args.workers), "--log-level", "warning"]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    pool = names(5000)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.3)
        t1 = time.perf_counter()
        with httpx.Client(base_url=base, headers=headers, timeout=120) as c:
            for i in range(args.workers * 4):  # reach every worker: each builds its index once
                c.post("/v1/screen", json={"name": pool[i]})
        warm_s = time.perf_counter() - t1

        latencies: list[float] = []
        errors: dict[str, int] = {}
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            mine: list[float] = []
            bad: dict[str, int] = {}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
                while time.monotonic() < stop:
                    start = time.perf_counter()
                    try:
                        r = c.post("/v1/screen", json={"name": rnd.choice(pool)})
                        ok = r.status_code == 200
                        label = str(r.status_code)
                    except httpx.HTTPError as exc:
                        ok, label = False, type(exc).__name__
                    if ok:
                        mine.append(time.perf_counter() - start)
                    else:
                        bad[label] = bad.get(label, 0) + 1
            with lock:
                latencies.extend(mine)
                for k, v in bad.items():
                    errors[k] = errors.get(k, 0) + v

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    ms = [x * 1000 for x in latencies]
    return {
        "entities": entities,
        "load_seconds": round(load_s, 1),
        "warmup_seconds": round(warm_s, 1),
        "workers": args.workers,
        "concurrency": args.concurrency,
        "seconds": round(elapsed, 1),
        "requests_ok": len(ms),
        "errors": errors,
        "requests_per_second": round(len(ms) / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            "p50": round(percentile(ms, 0.50), 1),
            "p90": round(percentile(ms, 0.90), 1),
            "p99": round(percentile(ms, 0.99), 1),
            "mean": round(statistics.fmean(ms), 1) if ms else None,
        },
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) // 2))
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
