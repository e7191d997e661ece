"""The bundled sample data: format, provenance, and agreement with the real lists."""

from __future__ import annotations

import csv
import gzip
import re
from datetime import date
from pathlib import Path

import pytest
from tests.data_paths import LISTS, require_data

from tradescreen.sources.citations import parse_citations

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "lists" / "us_csl_sample.csv"
SOURCES_MD = REPO / "examples" / "lists" / "SOURCES.md"
COUNTERPARTIES = REPO / "examples" / "counterparties.csv"
REAL_CSL = LISTS / "us_csl" / "consolidated_2022-04.csv.gz"
CSL_HEADER = [
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
]


def _sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", name.lower()).split())


def test_sample_has_the_exact_csl_header_and_29_fields_per_row() -> None:
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == CSL_HEADER
    assert all(len(r) == 29 for r in rows)
    assert len(rows) - 1 >= 30


def test_every_row_cites_its_source() -> None:
    for r in _sample():
        assert r["remarks"].startswith("Sample written by tradescreen from "), r["_id"]
        assert r["source_information_url"].startswith("https://"), r["_id"]
        assert r["source_list_url"].startswith("https://"), r["_id"]
        if not r["source"].startswith("Specially Designated Nationals"):
            cites = parse_citations(r["federal_register_notice"])
            assert cites, f"{r['_id']}: no Federal Register citation"
            cited = re.search(r"from (\d+) FR (\d+)", r["remarks"])
            assert cited, r["remarks"]
            assert r["source_information_url"].endswith(f"/{cited[1]}/{cited[2]}")
            assert date.fromisoformat(r["start_date"]) <= date(2020, 12, 31)
        if r["source"].startswith("Entity List"):
            assert r["license_requirement"].startswith("For all items subject to the EAR")
            assert r["license_policy"].startswith(("Presumption of denial", "Case-by-case"))


def test_sources_md_has_one_line_per_row() -> None:
    text = SOURCES_MD.read_text(encoding="utf-8")
    for r in _sample():
        lines = [ln for ln in text.splitlines() if ln.startswith(f"| `{r['_id']}` |")]
        assert len(lines) == 1, r["_id"]
        assert r["name"] in lines[0]


@pytest.mark.realdata
def test_sample_agrees_with_the_real_2022_csl() -> None:
    """Names, list, citations and dates come from the real list, not from memory."""
    require_data(REAL_CSL)  # skipped without the data folder; a failure in CI
    real: dict[tuple[str, str], list[dict[str, str]]] = {}
    with gzip.open(REAL_CSL, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            real.setdefault((row["source"], _norm(row["name"])), []).append(row)
    for r in _sample():
        key = (r["source"], _norm(r["name"]))
        # the CSL sometimes appends the city to the name ("..., Nanjing, Jiangsu"); the eCFR
        # and our sample do not
        matches = real.get(key) or [
            m
            for (src, n), ms in real.items()
            if src == key[0] and n.startswith(key[1] + " ")
            for m in ms
        ]
        assert matches, f"{r['name']!r} is not on the real {r['source']}"
        real_cites = {
            (c.volume, c.page)
            for m in matches
            for c in parse_citations(m["federal_register_notice"])
        }
        ours = {(c.volume, c.page) for c in parse_citations(r["federal_register_notice"])}
        assert ours <= real_cites, f"{r['name']}: {ours - real_cites} not in the real list"
        real_alts = {_norm(a) for m in matches for a in m["alt_names"].split(";") if a.strip()}
        for alt in filter(None, (a.strip() for a in r["alt_names"].split(";"))):
            assert _norm(alt) in real_alts or any(_norm(alt) in x for x in real_alts), alt
        real_starts = {m["start_date"] for m in matches if m["start_date"]}
        if r["start_date"]:
            # ours is the effective date; the CSL gives the publication date, 0-5 days later
            gaps = [
                (date.fromisoformat(s) - date.fromisoformat(r["start_date"])).days
                for s in real_starts
            ]
            assert any(0 <= g <= 5 for g in gaps), (r["name"], r["start_date"], real_starts)
        if r["end_date"]:
            assert r["end_date"] in {m["end_date"] for m in matches}, r["name"]


def test_counterparties_file() -> None:
    with COUNTERPARTIES.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "name", "country", "expected"]
    assert 35 <= len(rows) <= 60
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["expected"] for r in rows} == {"listed", "clear"}
    assert all(re.fullmatch(r"[A-Z]{2}", r["country"]) for r in rows)
    # native-script spellings are part of the sample
    assert any(not r["name"].isascii() for r in rows)
