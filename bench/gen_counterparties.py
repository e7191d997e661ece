"""Generate a reproducible (seeded) counterparty file for the scale benchmark.

Most rows are non-matches: synthetic people from yente's candidate-generation negatives
(``../shared/data/eval/yente_candidate_generation/negatives_*.csv.gz``, 100,000 names), recombined
(first name of one row, middle/last name of another) so a million rows stay varied, plus company
names built from those surnames. A share (``--listed``, default 2%) are names from the real lists
(OFAC SDN 2024-05-03 primary names, BIS Denied Persons List 2026) with customer-file variations:
case, punctuation, "LAST, First" turned around, legal-form spelling, one typo, extra spaces.

    .venv/bin/python bench/gen_counterparties.py --rows 1000000 -o /tmp/cps_1m.parquet
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import sys
from pathlib import Path

DATA = Path(
    os.environ.get("TRADESCREEN_TEST_DATA", "").strip()
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
EVAL = DATA / "eval/yente_candidate_generation"
NEGATIVES = [EVAL / f"negatives_{k}.csv.gz" for k in ("global", "us")]
SDN = DATA / "lists/us_ofac_sdn/2024-05-03/sdn.csv"
DPL = DATA / "lists/us_bis_dpl/bis_dpl_2026-04-14.json"
COUNTRIES = {
    "Iraq": "IQ",
    "Ethiopia": "ET",
    "United States": "US",
    "China": "CN",
    "Russia": "RU",
    "Germany": "DE",
    "India": "IN",
    "Brazil": "BR",
    "France": "FR",
    "Nigeria": "NG",
}
FORMS = [
    "LLC",
    "Ltd",
    "Limited",
    "GmbH",
    "S.A.",
    "Inc.",
    "Co., Ltd.",
    "Trading LLC",
    "Holdings",
    "Logistics Ltd",
    "Industries",
    "Group",
]
LEGAL_SWAPS = [
    ("LIMITED", "LTD"),
    ("LTD", "LIMITED"),
    ("COMPANY", "CO"),
    ("CORPORATION", "CORP"),
    ("INCORPORATED", "INC"),
    ("LLC", "L.L.C."),
]


def negatives() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in NEGATIVES:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


def listed_names() -> list[str]:
    names: list[str] = []
    text = SDN.read_bytes().replace(b"\x1a", b"").decode("latin-1")
    for rec in csv.reader(text.splitlines()):
        if len(rec) >= 2 and rec[0].strip().isdigit():
            names.append(rec[1].strip())
    names += [e["name"] for e in json.loads(DPL.read_text(encoding="utf-8"))["entities"]]
    return [n for n in names if n]


def typo(name: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 6:
        return name
    i = rng.choice(letters[1:-1])
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :] if i + 1 < len(name) else name


def vary(name: str, rng: random.Random) -> str:
    """One customer-file spelling of a listed name."""
    out = name
    if "," in out and rng.random() < 0.6:  # "LAST, First Middle" -> "First Middle Last"
        last, _, rest = out.partition(",")
        out = f"{rest.strip()} {last.strip()}"
    r = rng.random()
    if r < 0.35:
        out = out.title()
    elif r < 0.55:
        out = out.lower()
    for a, b in LEGAL_SWAPS:
        if f" {a}" in out.upper() and rng.random() < 0.5:
            idx = out.upper().index(f" {a}")
            out = out[:idx] + f" {b}" + out[idx + len(a) + 1 :]
            break
    if rng.random() < 0.2:
        out = typo(out, rng)
    if rng.random() < 0.2:
        out = out.replace(".", "").replace(",", "")
    if rng.random() < 0.1:
        out = "  " + out.replace(" ", "  ") + " "
    return out


def generate(rows: int, listed_share: float, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    negs = negatives()
    listed = listed_names()
    out: list[dict[str, str]] = []
    for i in range(rows):
        if rng.random() < listed_share:
            name, kind, country = vary(rng.choice(listed), rng), "listed", ""
        else:
            a, b = rng.choice(negs), rng.choice(negs)
            country = COUNTRIES.get(a.get("nationality", ""), "")
            if rng.random() < 0.25:
                name = f"{b['last_name'] or b['full_name'].split()[-1]} {rng.choice(FORMS)}"
                kind = "company"
            else:
                parts = [
                    a["first_name"],
                    b["middle_name"] if rng.random() < 0.3 else "",
                    b["last_name"],
                ]
                name = " ".join(p for p in parts if p) or a["full_name"]
                kind = "person"
        out.append({"id": f"CP{i:08d}", "name": name, "country": country, "segment": kind})
    return out


def write(rows: list[dict[str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=50_000)
    elif path.suffix in (".jsonl", ".ndjson"):
        with open(path, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    else:
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--listed", type=float, default=0.02, help="share of listed-name variants")
    ap.add_argument("--seed", type=int, default=20260522)
    ap.add_argument("-o", "--output", type=Path, required=True, help=".parquet, .csv or .jsonl")
    args = ap.parse_args(argv)
    rows = generate(args.rows, args.listed, args.seed)
    write(rows, args.output)
    listed = sum(1 for r in rows if r["segment"] == "listed")
    print(
        f"{len(rows)} counterparties ({listed} listed-name variants) -> {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
