"""CLI start-up: `tradescreen screen NAME` on a store with every real list, this tree against REV.

    .venv/bin/python bench/startup.py REV [--rounds 5] [--name "Huawei Technologies"]

One store is loaded (by this tree) with the CSL 2022, the eCFR Entity List, the OFAC SDN set,
the OFAC consolidated list, the UN list, the EU journal files and every other JSON list of
``../shared/data/lists``; then each round runs ``tradescreen screen NAME`` once with REV
(checked out with ``git worktree`` into a temporary directory, run from its ``src``) and once
with this tree, alternated, in fresh processes. The first run of each side is its cold start
(it builds and persists what it caches); the table shows the warm runs: wall seconds and CPU
seconds (user + system, of the child process), their medians and the ratio this tree / REV.
CPU time is the figure to read on a shared machine, wall time the one a user feels.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lists

REPO = Path(__file__).resolve().parents[1]


def sources() -> list[list[str]]:
    """One `load` argument list per source, of the files present."""
    singles = [lists.CSL_2022, lists.EL_2026, lists.UN, *lists.EU, *lists.NSF_JSON]
    out = [[str(p)] for p in dict.fromkeys(singles) if p.exists()]
    for d in (lists.LISTS / "us_ofac_sdn" / "2021-07", lists.CONS_2025):
        if d.is_dir():
            out.append([str(d)])
    return out


def run(src: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall and CPU seconds of one CLI run from ``src``, and its exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-m", "tradescreen", *args],
        env={**env, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if res.returncode not in (0, 1):  # 1: a hit, with --fail-on-hit only; anything else fails
        print(res.stderr, file=sys.stderr)
    return wall, cpu, res.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rev", help="the git revision to compare against")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--name", default="Huawei Technologies")
    args = ap.parse_args()
    if not lists.LISTS.is_dir():
        sys.exit(f"skipped: no real-data folder at {lists.LISTS}")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        env.pop("TRADESCREEN_DB", None)
        env["TRADESCREEN_AUDIT_KEY_FILE"] = str(work / "audit.key")
        db = f"sqlite:///{work / 'store.db'}"
        t0 = time.perf_counter()
        for src_args in sources():
            load = ["load", *src_args, "--db", db, "--allow-partial", "--allow-shrink"]
            if run(REPO / "src", load, env)[2] != 0:
                sys.exit(f"load of {src_args[0]} failed")
        print(f"store loaded in {time.perf_counter() - t0:.0f} s ({len(sources())} sources)")
        rev_dir = work / "rev"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(rev_dir), args.rev],
            check=True,
            capture_output=True,
        )
        try:
            sides = {"rev": rev_dir / "src", "this": REPO / "src"}
            screen = ["screen", args.name, "--db", db]
            cold = {k: run(src, screen, env)[:2] for k, src in sides.items()}
            warm: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
            for _ in range(args.rounds):
                for k, src in sides.items():
                    warm[k].append(run(src, screen, env)[:2])
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(rev_dir)],
                capture_output=True,
            )
    print(f"`tradescreen screen {args.name!r}`, {args.rounds} warm rounds, rev = {args.rev}")
    print(f"{'side':6} {'cold wall':>10} {'cold cpu':>9} {'wall med':>9} {'cpu med':>8}")
    med: dict[str, tuple[float, float]] = {}
    for k in sides:
        walls = [w for w, _ in warm[k]]
        cpus = [c for _, c in warm[k]]
        med[k] = (statistics.median(walls), statistics.median(cpus))
        print(f"{k:6} {cold[k][0]:10.2f} {cold[k][1]:9.2f} {med[k][0]:9.2f} {med[k][1]:8.2f}")
    print(
        f"ratio this/rev: wall {med['this'][0] / med['rev'][0]:.2f}, "
        f"cpu {med['this'][1] / med['rev'][1]:.2f}"
    )


if __name__ == "__main__":
    main()
