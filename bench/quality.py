"""Quality benchmark: every set, tradescreen and its peers side by side in ONE run.

    .venv/bin/python bench/quality.py [--peer-sample 2000] [--negatives N] [--quick]
                                      [--self-screen]

``--quick``: no peers, 10,000 of the 100,000 negatives (a few minutes on a shared machine);
``--self-screen``: also the self-screen figure of every real list (bench/selfscreen.py).

Writes bench/results/quality.md and one precision-recall PNG per pair set. tradescreen runs the
full sets; peers (nomenklatura logic-v2 / logic-v1 / name-based, rapidfuzz WRatio) run pair sets
in full and screening sets on a sample (said in the table).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import gen_counterparties
import lists
import variants
from tradescreen.match.compare import compare
from tradescreen.match.config import DEFAULT_THRESHOLD, MatchConfig
from tradescreen.match.prepared import prepare_name, prepare_query
from tradescreen.model import EntityKind, Query
from tradescreen.names.tokens import TokenWeights
from tradescreen.screening.matcher import IndexBundle, match_query

RESULTS = Path(__file__).parent / "results"
AS_OF = date(2026, 8, 1)
Scorer = Callable[[str, str, str], float]
CUSTOMER_ROWS = 5000
CUSTOMER_SEED = 20261202


def pairs(path: Path) -> list[tuple[str, str, str, bool]]:
    with open(path, encoding="utf-8") as fh:
        return [
            (r["schema"], r["name1"], r["name2"], r["is_match"].strip().lower() == "true")
            for r in csv.DictReader(fh)
        ]


def prf(scores: Sequence[float], labels: Sequence[bool], t: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and y)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= t and not y)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < t and y)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    best = (0.0, 0.0)
    for i in range(20, 100):
        f = prf(scores, labels, i / 100)[2]
        if f > best[1]:
            best = (i / 100, f)
    return best


def tradescreen_scorer(weights: TokenWeights, config: MatchConfig) -> Scorer:
    def score(schema: str, a: str, b: str) -> float:
        kind = EntityKind.PERSON if schema == "Person" else None
        return compare(
            prepare_query(Query(a, kind=kind), weights), prepare_name(b, weights), config
        ).score

    return score


def wratio_scorer() -> Scorer:
    from rapidfuzz import fuzz, utils

    def score(schema: str, a: str, b: str) -> float:
        return float(fuzz.WRatio(a, b, processor=utils.default_process)) / 100.0

    return score


def nomenklatura_scorers() -> dict[str, Scorer]:
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
    except ImportError as exc:
        print("nomenklatura unavailable:", exc)
        return {}
    out: dict[str, Scorer] = {}
    ids = itertools.count()  # nomenklatura caches per entity id: every pair gets fresh ids
    for name in ("logic-v2", "logic-v1", "name-based"):
        algo = get_algorithm(name)
        if algo is None:
            continue
        cfg = algo.default_config()

        def score(schema: str, a: str, b: str, algo=algo, cfg=cfg) -> float:  # type: ignore[no-untyped-def]
            sch = (
                "Person"
                if schema == "Person"
                else ("Company" if schema in ("Company", "Organization") else "LegalEntity")
            )
            q = model.make_entity(sch)
            n = next(ids)
            q.id = f"q{n}"
            q.add("name", a)
            c = model.make_entity(sch)
            c.id = f"c{n}"
            c.add("name", b)
            return float(algo.compare(q, c, cfg).score)

        out[name] = score
    return out


def plot_pr(title: str, curves: dict[str, tuple[list[float], list[bool]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    for label, (scores, ys) in curves.items():
        pts = [prf(scores, ys, i / 100)[:2] for i in range(0, 101, 2)]
        ax.plot([r for _, r in pts], [p for p, _ in pts], label=label)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title(title)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run_pairs(
    name: str,
    rows: list[tuple[str, str, str, bool]],
    scorers: dict[str, Scorer],
    default: dict[str, float],
    out: list[str],
    plot: bool = True,
) -> None:
    curves: dict[str, tuple[list[float], list[bool]]] = {}
    labels = [y for *_, y in rows]
    for label, fn in scorers.items():
        t0 = time.perf_counter()
        scores = [fn(s, a, b) for s, a, b, _ in rows]
        dt = time.perf_counter() - t0
        curves[label] = (scores, labels)
        t = default.get(label, 0.7)
        p, r, f = prf(scores, labels, t)
        bt, bf = best_threshold(scores, labels)
        out.append(
            f"| {name} ({len(rows)}) | {label} | {t:.2f} | {p:.3f} | {r:.3f} | {f:.3f} | "
            f"{bf:.3f} @ {bt:.2f} | {dt:.1f}s |"
        )
    if plot:
        plot_pr(name, curves, RESULTS / f"pr_{name}.png")


def screening_rate(bundle: IndexBundle, queries: list[Query], config: MatchConfig) -> float:
    hit = sum(1 for q in queries if q.name.strip() and match_query(bundle, q, config, AS_OF))
    return hit / len(queries) if queries else 0.0


def person_queries(path: Path, *, with_dob: bool = True) -> list[Query]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        return [
            Query(
                r["full_name"],
                kind=EntityKind.PERSON,
                birth_date=(r.get("date_of_birth") or None) if with_dob else None,
            )
            for r in csv.DictReader(fh)
            if r["full_name"].strip()
        ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer-sample", type=int, default=2000)
    ap.add_argument("--negatives", type=int, default=0, help="0 = all 100,000")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--quick", action="store_true", help="no peers, 10,000 negatives")
    ap.add_argument("--self-screen", action="store_true", help="add bench/selfscreen.py's table")
    args = ap.parse_args()
    if args.quick:
        args.no_peers = True
        args.negatives = args.negatives or 10_000
    RESULTS.mkdir(exist_ok=True)
    config = MatchConfig()
    t0 = time.perf_counter()
    groups = lists.groups()
    everything = IndexBundle.merge([IndexBundle.build(v, i) for i, v in enumerate(groups.values())])
    un = IndexBundle.build(groups["un_sc"], 1)
    el = IndexBundle.build(groups["bis_entity_list_ecfr_2026-07"], 2)
    print(f"indexes built in {time.perf_counter() - t0:.1f}s", flush=True)
    weights = everything.index.weights
    scorers: dict[str, Scorer] = {"tradescreen": tradescreen_scorer(weights, config)}
    default = {
        "tradescreen": DEFAULT_THRESHOLD,
        "wratio": 0.85,
        "logic-v2": 0.7,
        "logic-v1": 0.7,
        "name-based": 0.7,
    }
    if not args.no_peers:
        scorers.update(nomenklatura_scorers())
        scorers["wratio"] = wratio_scorer()
    out = [
        "# Quality",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} UTC; `{' '.join(sys.argv)}`",
        "",
        "## Pair sets",
        "",
        "| set | system | threshold | precision | recall | F1 | best F1 @ t | time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ev = lists.EVAL
    run_pairs(
        "name_bench",
        pairs(ev / "nomenklatura_name_bench" / "cases.csv"),
        scorers,
        default,
        out,
        not args.quick,
    )
    cascade = pairs(ev / "watchman_cascade_name_pairs" / "cascade-name-pairs.csv") + pairs(
        ev / "watchman_cascade_name_pairs" / "cascade-name-pairs-2.csv"
    )
    run_pairs("cascade", cascade, scorers, default, out, not args.quick)
    xs = []
    with open(
        ev / "watchman_cross_script_pairs" / "cross_script_pairs.csv", encoding="utf-8"
    ) as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                q, m, *_ = next(csv.reader([line]))
                xs.append(("Person", q, m, True))
    run_pairs("cross_script", xs, scorers, default, out, not args.quick)
    print("\n".join(out), flush=True)

    out += [
        "",
        "## Screening sets (any hit at the threshold)",
        "",
        "| set | system | n | rate | note |",
        "|---|---|---|---|---|",
    ]
    rng = random.Random(7)
    for label, bundle, path, _kind in [
        (
            "UN positives untreated → recall",
            un,
            ev / "yente_candidate_generation" / "positives_un_untreated.csv",
            "recall",
        ),
        (
            "UN positives treated → recall",
            un,
            ev / "yente_candidate_generation" / "positives_un_treated.csv",
            "recall",
        ),
        (
            "US Congress → FP rate (all lists)",
            everything,
            ev / "yente_candidate_generation" / "positives_us_congress_untreated.csv",
            "fp",
        ),
    ]:
        qs = person_queries(path)
        t1 = time.perf_counter()
        rate = screening_rate(bundle, qs, config)
        out.append(
            f"| {label} | tradescreen | {len(qs)} | {rate:.4f} | "
            f"{len(qs) / (time.perf_counter() - t1):.0f} q/s |"
        )
        print(out[-1], flush=True)
    negs: list[Query] = []
    for f in ("negatives_global.csv.gz", "negatives_us.csv.gz"):
        negs += person_queries(ev / "yente_candidate_generation" / f)
    if args.negatives:
        negs = rng.sample(negs, args.negatives)
    t1 = time.perf_counter()
    rate = screening_rate(everything, negs, config)
    out.append(
        f"| negatives global+us → FP rate (all lists) | tradescreen | {len(negs)} | "
        f"{rate:.4f} | {len(negs) / (time.perf_counter() - t1):.0f} q/s |"
    )
    print(out[-1], flush=True)

    # a realistic customer file of ordinary names (no listed party among them): people and
    # firms recombined from the negatives, with the country a customer record carries
    cust = [
        Query(
            r["name"],
            kind=EntityKind.PERSON if r["segment"] == "person" else EntityKind.ORGANIZATION,
            country=r["country"] or None,
        )
        for r in gen_counterparties.generate(CUSTOMER_ROWS, 0.0, CUSTOMER_SEED)
    ]
    cust_hits = [q for q in cust if match_query(everything, q, config, AS_OF)]
    out.append(
        f"| customer file, {CUSTOMER_ROWS:,} ordinary names → FP rate (all lists) | tradescreen "
        f"| {len(cust)} | {len(cust_hits) / len(cust):.4f} | gen_counterparties seed "
        f"{CUSTOMER_SEED} |"
    )
    print(out[-1], flush=True)
    (RESULTS / "customer_hits.txt").write_text(
        "\n".join(f"{q.name}\t{q.kind}\t{q.country or ''}" for q in cust_hits)
    )

    # Entity List variants and look-alikes (against the 2026 EL)
    el_names = [e.name for e in groups["bis_entity_list_ecfr_2026-07"]]
    generic = {t for t, _ in el.index.weights.df.items() if el.index.weights.weight(t) < 0.45}
    vs = variants.generate(el_names, generic_vocabulary=generic)
    by_name = {e.name: e.id for e in groups["bis_entity_list_ecfr_2026-07"]}
    pos = [v for v in vs if v.positive]
    neg = [v for v in vs if not v.positive]
    found = 0
    for v in pos:
        hits = match_query(el, Query(v.query), config, AS_OF)
        found += any(h.entity.id == by_name[v.source] for h in hits)
    la_hits = [v for v in neg if match_query(el, Query(v.query), config, AS_OF)]
    out.append(
        f"| EL variants → recall of the source entry | tradescreen | {len(pos)} | "
        f"{found / len(pos):.4f} | seed 20260701 |"
    )
    out.append(
        f"| EL look-alikes → hit rate | tradescreen | {len(neg)} | "
        f"{len(la_hits) / max(1, len(neg)):.4f} | |"
    )
    print("\n".join(out[-2:]), flush=True)
    for how in sorted({v.how for v in pos}):
        sub = [v for v in pos if v.how == how]
        ok = sum(
            any(
                h.entity.id == by_name[v.source]
                for h in match_query(el, Query(v.query), config, AS_OF)
            )
            for v in sub
        )
        out.append(f"| EL variants: {how} | tradescreen | {len(sub)} | {ok / len(sub):.4f} | |")
    (RESULTS / "lookalike_hits.txt").write_text(
        "\n".join(f"{v.query}\t{v.source}" for v in la_hits)
    )

    # peers on samples of the screening sets: brute force over every name of the index
    if not args.no_peers:
        for label, bundle, qs, _rate_kind in [
            (
                "UN positives treated → recall",
                un,
                person_queries(ev / "yente_candidate_generation" / "positives_un_treated.csv"),
                "recall",
            ),
            (
                "negatives → FP rate (UN list)",
                un,
                rng.sample(negs, min(args.peer_sample, len(negs))),
                "fp",
            ),
        ]:
            names = [n.text for n in bundle.index.names]
            for peer in ("wratio",):
                fn = scorers[peer]
                t1 = time.perf_counter()
                from rapidfuzz import fuzz, process, utils

                hit = sum(
                    1
                    for q in qs
                    if process.extractOne(
                        q.name,
                        names,
                        scorer=fuzz.WRatio,
                        processor=utils.default_process,
                        score_cutoff=default[peer] * 100,
                    )
                    is not None
                )
                out.append(
                    f"| {label} | {peer} (brute force) | {len(qs)} | {hit / len(qs):.4f} "
                    f"| {len(qs) / (time.perf_counter() - t1):.0f} q/s |"
                )
                del fn
            print(out[-1], flush=True)
    if args.self_screen:
        import selfscreen

        out += ["", "## Self-screen (every active name finds its own entry)", ""]
        out += selfscreen.table(selfscreen.run(selfscreen.available()))
    name = "quality_quick.md" if args.quick else "quality.md"
    (RESULTS / name).write_text("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
