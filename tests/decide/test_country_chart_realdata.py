"""The shipped EAR tables and the Country Chart decisions, cross-checked against the eCFR
extraction in the real-data folder's ``ecfr/`` (a third-party MIT extraction of the 2026-07-23
eCFR; see PROVENANCE.md). The expectations here are computed from the extraction's own files, not
from the project's tables."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.data_paths import DATA, require_data

from tradescreen.decide.decision import DecisionContext, check
from tradescreen.decide.ear_tables import default_tables
from tradescreen.decide.items import Item, Party, Role, Transaction
from tradescreen.decide.static_screener import StaticScreener
from tradescreen.model import Entity, EntityKind, Listing, Name

REPO = Path(__file__).resolve().parents[2]
ECFR = DATA / "ecfr"
SHIPPED = REPO / "src" / "tradescreen" / "decide" / "data" / "ear"
ISSUE = date(2026, 7, 23)

pytestmark = pytest.mark.realdata


def _need_data() -> None:
    require_data("ecfr", "country-chart.json")


def _load(name: str) -> dict[str, Any]:
    _need_data()
    data: dict[str, Any] = json.loads((ECFR / name).read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def chart() -> dict[str, Any]:
    return _load("country-chart.json")


@pytest.fixture(scope="module")
def ccl() -> dict[str, Any]:
    return _load("ccl.json")


@pytest.fixture(scope="module")
def codes(chart: dict[str, Any]) -> dict[str, str]:
    """Extraction row name -> the ISO code the shipped table files it under."""
    by_name = {row.name: code for code, row in default_tables().rows.items()}
    assert set(by_name) == set(chart["countries"]) | set(chart["embargoed"])
    return by_name


def test_shipped_tables_are_what_the_script_writes(tmp_path: Path) -> None:
    _need_data()
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_ear_tables.py"),
            *("--source", str(ECFR), "--out", str(tmp_path)),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    for name in ("country_chart.json", "ccl.json", "country_groups.json"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    assert (tmp_path / "license_exceptions.json").read_bytes() == (
        SHIPPED / "license_exceptions.json"
    ).read_bytes()


def test_shipped_chart_marks_and_groups_equal_the_extraction(
    chart: dict[str, Any], codes: dict[str, str]
) -> None:
    tables = default_tables()
    assert tables.issue_date == chart["ecfrIssueDate"] == ISSUE.isoformat()
    assert "MIT License" in tables.derived_from["notice"]
    for name, row in chart["countries"].items():
        shipped = tables.rows[codes[name]]
        assert shipped.x == frozenset(row["marks"]), name
        assert shipped.footnotes == tuple(row["footnotes"]), name
        assert shipped.cite == f"15 CFR 738 Supp. 1 ({name})"
    for name, row in chart["embargoed"].items():
        assert tables.rows[codes[name]].pointer == row["pointer"]
    groups = _load("country-groups.json")["groups"]
    assert set(tables.groups) == set(groups)
    for g, members in groups.items():
        assert len(tables.groups[g]) == len(set(members)), g
    assert "CN" in tables.groups["D:5"] and "MO" not in tables.groups["D:5"]


def test_shipped_ccl_columns_equal_the_extraction(ccl: dict[str, Any]) -> None:
    tables = default_tables()
    assert set(tables.entries) == {e["eccn"] for e in ccl["entries"]}
    checked = 0
    for e in ccl["entries"]:
        want = [
            f"{m.group(1)} {m.group(2)}"
            for r in e["countryChart"]
            for m in [re.match(r"^([A-Z]{2}) Column (\d)\.?$", r["countryChart"].strip())]
            if m
        ]
        got = [c.requires.column for c in tables.entries[e["eccn"]].controls if c.requires.column]
        assert all(w in got for w in want), e["eccn"]
        checked += len(want)
    assert checked > 1000


def _entire_entry_columns(e: dict[str, Any]) -> list[str] | None:
    """The columns of an entry whose every reason applies to the entire entry and names a
    column (read from the extraction's words); None for any other entry."""
    rows = e["countryChart"]
    if not rows:
        return None
    cols = []
    for r in rows:
        if not re.fullmatch(r"[A-Z]{2} applies to entire entry\.?", r["control"].strip()):
            return None
        m = re.fullmatch(r"([A-Z]{2}) Column (\d)\.?", r["countryChart"].strip())
        if not m or m.group(1) != r["control"][:2]:
            return None
        cols.append(f"{m.group(1)} {m.group(2)}")
    return cols


def test_every_entire_entry_eccn_to_every_chart_row(
    chart: dict[str, Any], ccl: dict[str, Any], codes: dict[str, str]
) -> None:
    """For an unlisted party: license_required exactly where the chart has an X in one of the
    entry's columns, no_restriction elsewhere (15 CFR 738.4(a)(2)); on this date Russia and
    Belarus need a licence for every CCL item (15 CFR 746.8(a)(1), 87 FR 22130), and the
    embargoed rows (Part 746) are never cleared."""
    listed = Entity(
        "el:other",
        EntityKind.ORGANIZATION,
        (Name("Unrelated Listed Trading Co"),),
        (Listing("us_bis_el", "Entity List", start_date=date(2019, 1, 1)),),
    )
    screener, ctx = StaticScreener([listed]), DecisionContext()
    party = (Party("Acme Widgets GmbH", Role.END_USER),)
    entries = [(e["eccn"], cols) for e in ccl["entries"] if (cols := _entire_entry_columns(e))]
    assert len(entries) > 150
    counts = {"license_required": 0, "no_restriction": 0}
    for eccn, cols in entries:
        for name, row in chart["countries"].items():
            code = codes[name]
            d = check(
                Transaction(party, Item.parse(eccn), code, ISSUE), screener=screener, context=ctx
            )
            if code in ("RU", "BY"):
                want = "license_required"
            else:
                want = "license_required" if set(cols) & set(row["marks"]) else "no_restriction"
            assert d.decision == want, (eccn, name, cols, row["marks"])
            counts[want] += 1
        for name in chart["embargoed"]:
            d = check(
                Transaction(party, Item.parse(eccn), codes[name], ISSUE),
                screener=screener,
                context=ctx,
            )
            assert d.decision in ("prohibited", "license_required"), (eccn, name, d.decision)
    assert counts["license_required"] > 10_000 and counts["no_restriction"] > 10_000
