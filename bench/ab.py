"""A/B matcher throughput: this tree against another git revision, alternated in one run.

    .venv/bin/python bench/ab.py REV [--rounds 3] [--queries 3000]

The machine is shared and its speed drifts, so one number per side means little: each round runs
the same measurement once on REV (checked out with ``git worktree`` into a temporary directory)
and once on this tree, in fresh processes, and the table shows every round and the median ratio.
The measurement is ``bench/speed.py``'s workload (3,000 queries: half listed-name variants, half
synthetic persons, against all 19 lists), CPU time of ``match_query``: "cold" is the first pass
(names tokenised for the first time, as in production), "warm" a second pass over the same names.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

MEASURE = r"""
import json, random, sys, time
sys.path.insert(0, BENCH)
import lists, speed
from tradescreen.index.build import NameIndex
from tradescreen.match.config import MatchConfig
try:
    from tradescreen.screening.matcher import IndexBundle, match_query
except ImportError:  # a revision before the screening/ package
    from tradescreen.screen import IndexBundle, match_query  # type: ignore[no-redef]

groups = lists.groups()
parts = [NameIndex.build(v, i) for i, v in enumerate(groups.values())]
merged = NameIndex.merge([NameIndex.from_bytes(p.to_bytes(), with_keys=False) for p in parts])
bundle = IndexBundle(
    merged,
    [e for v in groups.values() for e in v],
    [i for i, v in enumerate(groups.values()) for _ in v],
)
qs = speed.workload(groups, N, random.Random(11))
config = MatchConfig()
for q in qs[:50]:
    match_query(bundle, q, config, speed.AS_OF)
out = {}
for label in ("cold", "warm"):
    t = time.process_time()
    for q in qs:
        match_query(bundle, q, config, speed.AS_OF)
    out[label] = len(qs) / (time.process_time() - t)
print(json.dumps(out))
"""


def measure(src: Path, n: int) -> dict[str, float]:
    code = MEASURE.replace("BENCH", repr(str(REPO / "bench"))).replace("N,", f"{n},")
    env = {**os.environ, "PYTHONPATH": str(src)}
    res = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rev", help="git revision to compare with (e.g. HEAD~3, a tag)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--queries", type=int, default=3000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tradescreen-ab-") as tmp:
        wt = Path(tmp) / "rev"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(wt), args.rev],
            check=True,
        )
        try:
            rows = []
            for r in range(1, args.rounds + 1):
                a = measure(wt / "src", args.queries)
                b = measure(REPO / "src", args.queries)
                rows.append((r, a, b))
                print(
                    f"round {r}: {args.rev} cold {a['cold']:.0f} warm {a['warm']:.0f} q/s | "
                    f"this tree cold {b['cold']:.0f} warm {b['warm']:.0f} q/s",
                    flush=True,
                )
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(wt)], check=False
            )
    for label in ("cold", "warm"):
        ratio = statistics.median(b[label] / a[label] for _, a, b in rows)
        print(f"median ratio this tree / {args.rev} ({label}): {ratio:.2f}")


if __name__ == "__main__":
    main()
