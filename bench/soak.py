"""Load + soak test with a list update underneath, on 127.0.0.1 only, bounded in time.

    .venv/bin/python bench/soak.py [--seconds 60] [--threads 4] [--update-at 0.4] [--db PATH]
    .venv/bin/python bench/soak.py --quick --seconds 12 --threads 2   # the CI part

1. Loads the full lists into a fresh SQLite file (or reuses ``--db``): CSL 2022-04 (13 lists),
   BIS Entity List eCFR JSON 2026-07, UN 2026-02-27, OFAC SDN 2024-05-03.
2. Starts ``tradescreen serve`` in a subprocess on a free 127.0.0.1 port, with an API key.
3. Drives sustained ``POST /v1/screen`` from ``--threads`` threads for ``--seconds``.
4. At ``--update-at`` of the run, loads a new version of one list (BIS DPL JSON 2026-04-14
   over the CSL's DPL) with ``tradescreen load`` into the same database.
5. Reports requests/s, p50/p95/p99 latency, errors, and checks that every answer's
   ``list_versions`` is entirely the old set or entirely the new set (never a mix), that
   answers switch to the new set after the update, and that no request started after the
   first new answer got the old set. Exit 1 if any check fails. ``--json`` prints the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
# The real-data folder, found as the tests find it (tests/data_paths.py).
LISTS = (
    Path(os.environ.get("TRADESCREEN_TEST_DATA", "").strip() or REPO.parent / "shared" / "data")
    / "lists"
)
FULL = [
    LISTS / "us_csl" / "consolidated_2022-04.csv.gz",
    LISTS / "us_bis_entity_list" / "bis_entity_list_ecfr_2026-07.json",
    LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml.gz",
    LISTS / "us_ofac_sdn" / "2024-05-03" / "sdn.csv",
]
# --quick (the CI part, tests/reliability/test_soak_smoke.py): two small lists, same update.
QUICK = [
    LISTS / "us_bis_dpl" / "dpl_2023-11.txt",
    LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml.gz",
]
UPDATE = LISTS / "us_bis_dpl" / "bis_dpl_2026-04-14.json"
UPDATED_LIST = "us_bis_dpl"
CLI = [sys.executable, "-m", "tradescreen"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(args: list[str], env: dict[str, str]) -> str:
    res = subprocess.run(CLI + args, env=env, capture_output=True, text=True, timeout=900)
    if res.returncode != 0:
        raise SystemExit(f"tradescreen {' '.join(args)} failed ({res.returncode}): {res.stderr}")
    return res.stdout


def _names() -> list[str]:
    from tradescreen.sources import read_source

    names: list[str] = []
    for e in read_source(LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml.gz").entities:
        names.append(e.names[0].value)
    rng = random.Random(3)
    names += [
        f"{rng.choice(['Acme', 'Global', 'Orient', 'Nordic'])} "
        f"{rng.choice(['Trading', 'Logistics', 'Machinery'])} {i} Ltd"
        for i in range(500)
    ]
    names += ["Huawei Technologies", "Hikvision", "Rosoboronexport", "Islamic Revolutionary Guard"]
    return names


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--update-at", type=float, default=0.4, help="share of the run")
    ap.add_argument("--db", type=Path, default=None, help="reuse a loaded DB (copied first)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--quick", action="store_true", help="BIS DPL 2023-11 + UN only (the CI part: seconds)"
    )
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="tradescreen-soak-"))
    db = work / "soak.db"
    env = dict(os.environ)
    env.update(
        TRADESCREEN_DB=str(db),
        TRADESCREEN_AUDIT_KEY_FILE=str(work / "audit.key"),
        TRADESCREEN_API_RATE_LIMIT_PER_MINUTE="10000000",
        TRADESCREEN_MAX_SHRINK="0.9",
    )
    t0 = time.monotonic()
    if args.db:
        shutil.copy(args.db, db)
    else:
        for path in QUICK if args.quick else FULL:
            _cli(["load", str(path)], env)
    load_s = time.monotonic() - t0
    token = _cli(["keys", "create", "soak", "--role", "screener"], env).strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    r = httpx.post(
                        f"{base}/v1/screen", json={"name": "warm up"}, headers=headers, timeout=300
                    )
                    if r.status_code == 200:
                        break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                err = server.stderr.read().decode() if server.stderr else ""
                raise SystemExit(f"server did not start: {err[-2000:]}")
            time.sleep(0.5)
        ready_s = time.monotonic() - t0 - load_s
        result = _drive(base, headers, env, args)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    result.update(load_seconds=round(load_s, 1), server_ready_seconds=round(ready_s, 1))
    shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:>28}: {v}")
    return 0 if result["ok"] else 1


def _drive(base: str, headers: dict[str, str], env: dict[str, str], args: Any) -> dict[str, Any]:
    names = _names()
    samples: list[tuple[float, float, int, str | None]] = []  # start, end, status, version key
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while not stop.is_set():
                body = {"name": rng.choice(names)}
                start = time.monotonic()
                try:
                    r = client.post("/v1/screen", json=body)
                    status = r.status_code
                    key = None
                    if status == 200:
                        key = json.dumps(
                            sorted((v["list"], v["id"]) for v in r.json()["list_versions"])
                        )
                except httpx.HTTPError as exc:
                    status, key = 0, None
                    with lock:
                        errors.append(repr(exc))
                end = time.monotonic()
                with lock:
                    samples.append((start, end, status, key))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.threads)]
    run_start = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(args.seconds * args.update_at)
    upd_start = time.monotonic()
    out = _cli(["load", str(UPDATE), "--json"], env)
    upd_end = time.monotonic()
    created = json.loads(out)[0]["created"]  # one report per source
    remaining = run_start + args.seconds - time.monotonic()
    time.sleep(max(remaining, 5.0))
    stop.set()
    for t in threads:
        t.join(timeout=60)
    run_s = time.monotonic() - run_start

    ok_samples = [s for s in samples if s[2] == 200]
    lat = [(s[1] - s[0]) * 1000 for s in ok_samples]
    keys = {s[3] for s in ok_samples}
    before = {s[3] for s in ok_samples if s[1] < upd_start}
    old_key = before.pop() if len(before) == 1 else None
    new_keys = keys - {old_key}
    new_key = next(iter(new_keys)) if len(new_keys) == 1 else None
    checks: dict[str, bool] = {}
    checks["one_set_before_update"] = old_key is not None and not before
    checks["at_most_two_sets"] = len(keys) <= 2
    if old_key and new_key:
        old, new = dict(json.loads(old_key)), dict(json.loads(new_key))
        changed = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
        checks["only_updated_list_changed"] = changed == {UPDATED_LIST}
        checks["new_set_has_created_version"] = new.get(UPDATED_LIST) == created[0]["id"]
    else:
        checks["only_updated_list_changed"] = False
        checks["new_set_has_created_version"] = False
    first_new = min((s[1] for s in ok_samples if s[3] == new_key), default=None)
    late_old = [s for s in ok_samples if first_new and s[0] > first_new and s[3] == old_key]
    checks["no_old_answer_after_switch"] = first_new is not None and not late_old
    checks["switched_after_load"] = bool(
        ok_samples and max(ok_samples, key=lambda s: s[0])[3] == new_key
    )
    checks["no_errors"] = len(ok_samples) == len(samples) and not errors
    return {
        "ok": all(checks.values()),
        "checks": checks,
        "seconds": round(run_s, 1),
        "threads": args.threads,
        "requests": len(samples),
        "requests_per_second": round(len(samples) / run_s, 1),
        "errors": len(samples) - len(ok_samples),
        "error_examples": errors[:3],
        "p50_ms": round(_pct(lat, 50), 1),
        "p95_ms": round(_pct(lat, 95), 1),
        "p99_ms": round(_pct(lat, 99), 1),
        "max_ms": round(max(lat, default=float("nan")), 1),
        "update_load_seconds": round(upd_end - upd_start, 1),
        "switch_delay_after_load_ms": round((first_new - upd_end) * 1000, 1) if first_new else None,
        "answers_old_set": sum(1 for s in ok_samples if s[3] == old_key),
        "answers_new_set": sum(1 for s in ok_samples if s[3] == new_key),
        "distinct_version_sets": len(keys),
    }


if __name__ == "__main__":
    raise SystemExit(main())
