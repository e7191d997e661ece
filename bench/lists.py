"""Entities of the real lists for the benchmarks (../shared/data/lists, read by path).

Uses the project's readers (``tradescreen.sources.read_source``) when they handle a file and
falls back to a minimal reader of the same files otherwise, so the benchmarks run on any tree.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from lxml import etree

from tradescreen.model import Citation, Entity, EntityKind, Listing, Name, NameKind

# The real-data folder, found as the tests find it (tests/data_paths.py).
DATA = Path(
    os.environ.get("TRADESCREEN_TEST_DATA", "").strip()
    or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)
LISTS = DATA / "lists"
EVAL = DATA / "eval"

CSL_2022 = LISTS / "us_csl" / "consolidated_2022-04.csv.gz"
EL_2026 = LISTS / "us_bis_entity_list" / "bis_entity_list_ecfr_2026-07.json"
UN = LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml.gz"
SDN_2024 = LISTS / "us_ofac_sdn" / "2024-05-03" / "sdn.csv"
EU = [LISTS / "eu_opensanctions_journal" / f for f in ("32014R0833.csv.gz", "32014R0269.csv.gz")]
CONS_2025 = LISTS / "us_ofac_cons" / "2025-12"
NSF_JSON = sorted(p for p in LISTS.glob("us_*/*.json"))

_CITE = re.compile(r"(\d+)\s*FR\s*(\d+)")
_KIND = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
}


def _open(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8")
    return open(path, encoding="utf-8", errors="replace")


def _cites(text: str | None) -> tuple[Citation, ...]:
    return tuple(Citation(int(v), int(p)) for v, p in _CITE.findall(text or ""))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10]) if text else None
    except ValueError:
        return None


def _via_readers(paths: list[Path]) -> list[Entity] | None:
    """The project's own readers (dates of birth, countries, kinds, start dates)."""
    try:
        from tradescreen.sources import read_source
    except ImportError:
        return None
    try:
        return list(read_source(paths).entities)
    except Exception as exc:  # a reader not finished: fall back to the minimal one
        print(f"reader failed on {paths[0].name}: {exc}; using the fallback", file=sys.stderr)
        return None


def csl(path: Path = CSL_2022) -> Iterator[Entity]:
    with _open(path) as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if not row.get("name") or row.get("_id") == "_id":
                continue
            code = (
                "us_bis_el"
                if row["source"].startswith("Entity List")
                else ("csl:" + row["source"].split("(")[-1].rstrip(") ").lower())
            )
            names = [Name(row["name"])] + [
                Name(a.strip(), NameKind.AKA) for a in row["alt_names"].split(";") if a.strip()
            ]
            listing = Listing(
                code,
                row["source"],
                citations=_cites(row["federal_register_notice"]),
                start_date=_date(row["start_date"]),
                end_date=_date(row["end_date"]),
                license_requirement=row["license_requirement"] or None,
                license_policy=row["license_policy"] or None,
            )
            kind = _KIND.get(
                row["type"].lower(),
                EntityKind.ORGANIZATION
                if row["source"].startswith(("Entity", "Military"))
                else EntityKind.UNKNOWN,
            )
            yield Entity(f"csl-{row['_id'] or i}", kind, tuple(names), (listing,))


def nsf_json(path: Path) -> Iterator[Entity]:
    data = json.loads(path.read_text())
    code = data.get("list_id") or path.parent.name
    for i, e in enumerate(data.get("entities", [])):
        if not e.get("name"):
            continue
        names = [Name(e["name"])] + [Name(a, NameKind.AKA) for a in e.get("aliases") or [] if a]
        listing = Listing(
            code,
            code,
            citations=_cites(e.get("federal_register")),
            start_date=_date(e.get("effective_date")),
        )
        yield Entity(f"{code}-{i}", EntityKind.UNKNOWN, tuple(names), (listing,))


def un_xml(path: Path = UN) -> Iterator[Entity]:
    with gzip.open(path) as fh:
        root = etree.parse(fh).getroot()
    for tag, kind in (("INDIVIDUAL", EntityKind.PERSON), ("ENTITY", EntityKind.ORGANIZATION)):
        for el in root.iter(tag):
            parts = [
                el.findtext(f) or ""
                for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            ]
            names = [Name(" ".join(p.strip() for p in parts if p.strip()))]
            native = el.findtext("NAME_ORIGINAL_SCRIPT")
            if native:
                names.append(Name(native.strip(), NameKind.NATIVE))
            for alias in el.iter(f"{tag}_ALIAS"):
                a = (alias.findtext("ALIAS_NAME") or "").strip()
                if a:
                    weak = (alias.findtext("QUALITY") or "").lower() == "low"
                    names.append(Name(a, NameKind.WEAK_AKA if weak else NameKind.AKA))
            dobs = tuple(
                y
                for y in (
                    d.findtext("YEAR") or d.findtext("DATE") or ""
                    for d in el.iter(f"{tag}_DATE_OF_BIRTH")
                )
                if y
            )
            listing = Listing(
                "un_sc",
                "UN Security Council Consolidated List",
                start_date=_date(el.findtext("LISTED_ON")),
            )
            yield Entity(
                f"un-{el.findtext('DATAID')}", kind, tuple(names), (listing,), birth_dates=dobs
            )


def sdn_csv(path: Path = SDN_2024) -> Iterator[Entity]:
    with open(path, encoding="latin-1") as fh:
        for row in csv.reader(fh):
            if len(row) < 3 or not row[1].strip():
                continue
            kind = _KIND.get(row[2].strip().strip("-0").lower() or "entity", EntityKind.UNKNOWN)
            listing = Listing("us_ofac_sdn", "OFAC SDN", start_date=None)
            yield Entity(f"sdn-{row[0]}", kind, (Name(row[1].strip()),), (listing,))


def eu_csv(path: Path) -> Iterator[Entity]:
    with _open(path) as fh:
        for row in csv.DictReader(fh):
            if not row.get("name"):
                continue
            names = [Name(row["name"])] + [
                Name(a.strip(), NameKind.AKA)
                for a in (row.get("alias") or "").split(";")
                if a.strip()
            ]
            kind = EntityKind.PERSON if row.get("schema") == "Person" else EntityKind.UNKNOWN
            listing = Listing("eu_" + row["celex"], row["celex"])
            yield Entity(f"eu-{row['celex']}-{row['recordId']}", kind, tuple(names), (listing,))


def groups(*, readers: bool = True) -> dict[str, list[Entity]]:
    """Every list in ../shared/data/lists (newest file of each), one entity list per file."""

    def read(path: Path, fallback: Iterator[Entity]) -> list[Entity]:
        got = _via_readers([path]) if readers else None
        return got if got is not None else list(fallback)

    out: dict[str, list[Entity]] = {
        "csl_2022": read(CSL_2022, csl()),
        "un_sc": read(UN, un_xml()),
        "us_ofac_sdn_2024": read(SDN_2024, sdn_csv()),
    }
    for p in EU:
        out[p.name.split(".")[0]] = read(p, eu_csv(p))
    for p in NSF_JSON:
        out[p.stem] = read(p, nsf_json(p))
    cons = _via_readers([CONS_2025]) if readers else None
    if cons is not None:
        out["us_ofac_cons_2025"] = cons
    return out
