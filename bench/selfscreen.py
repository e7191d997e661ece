"""Self-screen: every active name of every real list must find its own entry (issue 18, item 1).

    PYTHONPATH=src .venv/bin/python bench/selfscreen.py [--only SUBSTRING] [--misses N]

Each list file (or OFAC CSV set) in ``$TRADESCREEN_TEST_DATA/lists`` (default
``<repo>/../shared/data/lists``) that the project's readers parse is indexed alone ("its own
store"). Every entry in force on ``AS_OF`` (expired entries are counted apart) is screened
under each of its names, primary and aliases, twice: as written, and upper-cased without
punctuation (``plain_upper``). A query misses when the entry is not among the hits at the
default threshold.
Names with fewer than three letters, and address-only entries, are counted apart.
``tests/realdata/test_self_screen.py`` runs the same function and holds the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tradescreen.match.config import MatchConfig
from tradescreen.model import Entity, EntityKind, Query
from tradescreen.screening.matcher import IndexBundle, listings_in_force, match_query

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TRADESCREEN_TEST_DATA", REPO.parent / "shared" / "data"))
LISTS = DATA / "lists"
AS_OF = date(2026, 8, 1)

# Every source under lists/ the project reads: a file, or an OFAC CSV set (a directory).
# The 2025-12 SDN set has no sdn.csv (see PROVENANCE.md) and the NC-licensed 1260H history CSV
# is a different format: neither is read.
SOURCES: tuple[str, ...] = (
    "us_csl/consolidated_2022-04.csv.gz",
    "us_csl/csl_partial_2023-11.csv.gz",
    "us_bis_entity_list/bis_entity_list_ecfr_2026-07.json",
    "us_bis_meu/bis_meu_ecfr_2026-07.json",
    "us_bis_dpl/bis_dpl_2026-04-14.json",
    "us_bis_dpl/dpl_2023-11.txt",
    "us_ofac_sdn/2024-05-03/sdn.csv",
    "us_ofac_sdn/2021-07",
    "us_ofac_cons/2025-12",
    "us_ofac_cons/2025-01/CONS_ENHANCED.ZIP",
    "us_ofac_nscmic/ofac_nscmic_2026-07.json",
    "us_ofac_nscmic/ofac_eo14032_annex_2021-06.json",
    "us_dod_1260h/dow_1260h_2026-06-10.json",
    "us_dod_1286/dow_1286_fy24.json",
    "us_state_ddtc_debarred/ddtc_statutory_2025-08-25.json",
    "us_state_ddtc_debarred/ddtc_admin_2023-06-01.json",
    "us_state_isn/state_nonproliferation_2025-05.json",
    "us_fcc_covered/fcc_covered_2026-07.json",
    "us_dhs_uflpa/dhs_uflpa_2026-07.json",
    "us_cbp_wro/cbp_wro_2026-06-23.json",
    "un_sc/UN_consolidated_2026-02-27.xml.gz",
    "eu_opensanctions_journal/32014R0833.csv.gz",
    "eu_opensanctions_journal/32014R0269.csv.gz",
)

_APOS = re.compile(r"['’`ʼ]")
_PUNCT = re.compile(r"[^\w\s]|_")
_LETTER = re.compile(r"[^\W\d_]")


def plain_upper(name: str) -> str:
    """The name as a customer file often holds it: upper case, apostrophes dropped ("SA'D" →
    "SAD"), other punctuation a space ("S.A. de C.V." → "S A DE C V")."""
    return " ".join(_PUNCT.sub(" ", _APOS.sub("", name)).upper().split())


@dataclass
class ListReport:
    source: str
    entries: int = 0
    active: int = 0
    expired: int = 0
    addresses: int = 0  # address-only entries (screened by address, not here)
    short_names: int = 0  # names with fewer than three letters
    names: int = 0  # names screened
    queries: int = 0
    derived: int = 0  # names the reader found inside other text (sources/embedded.py)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (query, entry id, name)
    seconds: float = 0.0

    @property
    def missed_names(self) -> set[tuple[str, str]]:
        return {(eid, name) for _, eid, name in self.misses}

    @property
    def rate(self) -> float:
        """Share of screened names that missed (as written or upper-cased)."""
        return len(self.missed_names) / self.names if self.names else 0.0


def read_entities(rel: str) -> tuple[list[Entity], int]:
    """The entities of one source and how many names its reader found inside other text."""
    from tradescreen.sources import read_source

    parsed = read_source(LISTS / rel)
    entities = list(parsed.entities)
    return entities, getattr(parsed, "derived_names", 0)


def screen_list(
    source: str,
    entities: Sequence[Entity],
    config: MatchConfig | None = None,
    as_of: date = AS_OF,
    derived: int = 0,
) -> ListReport:
    """Screen every active name of ``entities`` against an index of ``entities`` alone."""
    cfg = config or MatchConfig()
    t0 = time.perf_counter()
    bundle = IndexBundle.build(entities, 1)
    rep = ListReport(source, entries=len(entities), derived=derived)
    for entity in entities:
        listings, _ = listings_in_force(entity, as_of)
        if not listings:
            rep.expired += 1
            continue
        if entity.kind is EntityKind.ADDRESS:
            rep.addresses += 1
            continue
        rep.active += 1
        for name in dict.fromkeys(n.value for n in entity.names):
            if len(_LETTER.findall(name)) < 3:
                rep.short_names += 1
                continue
            rep.names += 1
            for text in dict.fromkeys((name, plain_upper(name))):
                if not text.strip():
                    continue
                rep.queries += 1
                hits = match_query(bundle, Query(text), cfg, as_of)
                if not any(h.entity.id == entity.id for h in hits):
                    rep.misses.append((text, entity.id, name))
    rep.seconds = time.perf_counter() - t0
    return rep


def available(only: str | None = None) -> list[str]:
    return [s for s in SOURCES if (LISTS / s).exists() and (only is None or only in s)]


def run(sources: Iterable[str], config: MatchConfig | None = None) -> list[ListReport]:
    out = []
    for s in sources:
        entities, derived = read_entities(s)
        out.append(screen_list(s, entities, config, derived=derived))
    return out


def table(reports: Sequence[ListReport]) -> list[str]:
    out = [
        "| list | entries | active | expired | names found in text | names | queries "
        "| names missed | miss rate | s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    tot_names = tot_missed = 0
    for r in reports:
        tot_names += r.names
        tot_missed += len(r.missed_names)
        out.append(
            f"| {r.source} | {r.entries} | {r.active} | {r.expired} | {r.derived} | {r.names} "
            f"| {r.queries} "
            f"| {len(r.missed_names)} | {r.rate:.4f} | {r.seconds:.0f} |"
        )
    rate = tot_missed / tot_names if tot_names else 0.0
    derived = sum(r.derived for r in reports)
    out.append(f"| **all** | | | | {derived} | {tot_names} | | {tot_missed} | {rate:.4f} | |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="sources whose path contains this")
    ap.add_argument("--misses", type=int, default=15, help="misses printed per list")
    args = ap.parse_args()
    if not LISTS.is_dir():
        sys.exit(f"no data at {LISTS} (set TRADESCREEN_TEST_DATA)")
    reports = []
    for s in available(args.only):
        entities, derived = read_entities(s)
        r = screen_list(s, entities, derived=derived)
        reports.append(r)
        print(table([r])[2], flush=True)
        for q, eid, _ in r.misses[: args.misses]:
            print(f"    miss: {q!r} ({eid})", flush=True)
    print("\n".join(table(reports)))


if __name__ == "__main__":
    main()
