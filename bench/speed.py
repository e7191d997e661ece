"""Speed benchmark: index build/load, single-query latency, batch throughput, peak RSS, and
nomenklatura logic-v2 scoring the SAME candidates in the same run.

    .venv/bin/python bench/speed.py [--queries 3000] [--peer-queries 200]

Writes bench/results/speed.md. Every list in ../shared/data/lists is loaded.
"""

from __future__ import annotations

import argparse
import gzip
import random
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import lists
import variants
from tradescreen.index.build import NameIndex
from tradescreen.match.compare import compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.prepared import prepare_query
from tradescreen.model import Query

try:
    from tradescreen.screening.matcher import IndexBundle, match_query
except ImportError:  # bench/ab.py imports this workload against a revision before screening/
    from tradescreen.screen import IndexBundle, match_query  # type: ignore[no-redef]

RESULTS = Path(__file__).parent / "results"
AS_OF = date(2026, 8, 1)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SERVE = """
import pickle, sys
from datetime import date
from tradescreen.index.build import NameIndex
from tradescreen.match.config import MatchConfig
from tradescreen.screening.matcher import IndexBundle, match_query
blobs, entities, queries = pickle.load(open(sys.argv[1], "rb"))
index = NameIndex.merge([NameIndex.from_bytes(b, with_keys=False) for b in blobs])
bundle = IndexBundle(index, entities, [None] * len(entities))
del blobs
for q in queries:
    match_query(bundle, q, MatchConfig(), date(2026, 8, 1))
# VmHWM (not ru_maxrss, which Linux carries over from the parent across fork + exec)
hwm = [x for x in open("/proc/self/status") if x.startswith("VmHWM")][0]
print(int(hwm.split()[1]) / 1024)
"""


def serving_rss(blobs: list[bytes], entities: list, queries: list[Query]) -> float:  # type: ignore[type-arg]
    """Peak RSS of a fresh process that only serves: what a screening API holds."""
    import pickle
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as fh:
        pickle.dump((blobs, entities, queries), fh, protocol=5)
    try:
        res = subprocess.run(
            [sys.executable, "-c", SERVE, fh.name], capture_output=True, text=True, check=True
        )
    finally:
        Path(fh.name).unlink()
    return float(res.stdout.strip().splitlines()[-1])


def workload(groups: dict[str, list], n: int, rng: random.Random) -> list[Query]:  # type: ignore[type-arg]
    names = [e.name for g in groups.values() for e in g]
    listed = [v.query for v in variants.generate(rng.sample(names, n // 2), seed=1)]
    with gzip.open(lists.EVAL / "yente_candidate_generation" / "negatives_us.csv.gz", "rt") as fh:
        negs = [line.split(",")[0] for line in fh.readlines()[1:]]
    qs = rng.sample(listed, min(len(listed), n // 2)) + rng.sample(
        negs, n - min(len(listed), n // 2)
    )
    rng.shuffle(qs)
    return [Query(q) for q in qs if q.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--peer-queries", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(11)
    config = MatchConfig()
    out = ["# Speed", "", f"Run {time.strftime('%Y-%m-%d %H:%M')} UTC; `{' '.join(sys.argv)}`", ""]
    groups = lists.groups()
    n_entities = sum(len(v) for v in groups.values())
    t0 = time.perf_counter()
    parts = [NameIndex.build(v, i) for i, v in enumerate(groups.values())]
    t_build = time.perf_counter() - t0
    blobs = [p.to_bytes() for p in parts]
    t0 = time.perf_counter()
    loaded = [NameIndex.from_bytes(b, with_keys=False) for b in blobs]
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    merged = NameIndex.merge(loaded)
    t_merge = time.perf_counter() - t0
    bundle = IndexBundle(
        merged,
        [e for v in groups.values() for e in v],
        [i for i, v in enumerate(groups.values()) for _ in v],
    )
    out += [
        f"- lists: {len(groups)} files, {n_entities:,} entities, {len(merged.names):,} names",
        f"- index build (tokenise + weights + keys, all lists): {t_build:.1f} s",
        f"- index blobs: {sum(map(len, blobs)) / 1e6:.1f} MB; load all from bytes "
        f"{t_load:.2f} s; merge + keys over all versions {t_merge:.2f} s",
        "",
    ]
    qs = workload(groups, args.queries, rng)
    for q in qs[:50]:  # warm caches
        match_query(bundle, q, config, AS_OF)
    lat = []
    t0 = time.perf_counter()
    hits = 0
    for q in qs:
        t1 = time.perf_counter()
        hits += bool(match_query(bundle, q, config, AS_OF))
        lat.append(time.perf_counter() - t1)
    total = time.perf_counter() - t0
    lat.sort()
    p50 = statistics.median(lat) * 1000
    p99 = lat[int(len(lat) * 0.99)] * 1000
    out += [
        f"- workload: {len(qs)} queries (half listed-name variants, half synthetic persons); "
        f"{hits} raised a hit",
        f"- single query latency: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {lat[-1] * 1000:.1f} ms",
        f"- batch: {len(qs) / total:.0f} queries/s on one core",
        "",
    ]
    # logic-v2 on the same candidates
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm

        algo = get_algorithm("logic-v2")
        assert algo is not None
        cfg = algo.default_config()
        sample = qs[: args.peer_queries]
        pairs = []
        for q in sample:
            pq = prepare_query(q, merged.weights)
            pairs += [(q, pq, nid) for nid in merged.candidates(pq.name, config)]
        t0 = time.perf_counter()
        for _, pq, nid in pairs:
            compare(pq, merged.names[nid], config)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        for k, (q, _, nid) in enumerate(pairs):
            a = model.make_entity("LegalEntity")
            a.id = f"q{k}"
            a.add("name", q.name)
            b = model.make_entity("LegalEntity")
            b.id = f"c{k}"
            b.add("name", merged.names[nid].text)
            algo.compare(a, b, cfg)
        t_peer = time.perf_counter() - t0
        t0 = time.perf_counter()
        for q in sample:
            match_query(bundle, q, config, AS_OF)
        t_e2e = time.perf_counter() - t0
        out += [
            f"- same candidates ({len(pairs)} pairs from {len(sample)} queries): tradescreen "
            f"compare {len(pairs) / t_ours:,.0f} pairs/s, logic-v2 {len(pairs) / t_peer:,.0f} "
            f"pairs/s → ratio {t_peer / t_ours:.0f}×",
            f"- end to end (candidates + scoring + listings) vs logic-v2 scoring alone: "
            f"{t_peer / t_e2e:.0f}×",
        ]
    except ImportError as exc:
        out.append(f"- logic-v2 unavailable: {exc}")
    out.append(
        f"- peak RSS of this benchmark process (lists parsed, 19 indexes built, blobs, "
        f"merged index, nomenklatura loaded): {rss_mb():.0f} MB"
    )
    out.append(
        f"- peak RSS of a screening process (loads the blobs and entities, merges, screens "
        f"{min(len(qs), 1000)} queries): {serving_rss(blobs, bundle.entities, qs[:1000]):.0f} MB"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "speed.md").write_text("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
