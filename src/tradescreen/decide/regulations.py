"""Point-in-time versions of the Country Chart (15 CFR 738 Supp. 1).

The package ships the tables of one eCFR issue (``data/ear/``). ``tradescreen update
--regulations`` reads the official versioner XML for a date (``ecfr_xml.py``) and writes a
version beside the database (``<dir>/ecfr-YYYY-MM-DD/country_chart.json`` and
``country_groups.json`` from Part 740, the shipped shapes); :func:`tables_for` gives, for a
decision date, the newest chart and groups issued on or before it (the shipped ones included).
The CCL and the Part 740 exception list stay those shipped.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from tradescreen.countries import to_iso2
from tradescreen.decide.ear_tables import EarTables, default_tables, parse_tables
from tradescreen.errors import InvalidInput

CHART_CITE = "15 CFR 738 Supp. 1"
# Names in the chart that the shared country table does not resolve.
NAME_CODES = {
    "Cote d'lvoire": "CI",  # sic, in Supp. 1 to Part 740
    "Cote d'Ivoire": "CI",
    "Seycheles": "SC",  # sic, in Supp. 1 to Part 738
    "Sint Maarten (the Dutch two-fifths of the island of Saint Martin)": "SX",
    "South Sudan, Republic of": "SS",
    "Kosovo": "XK",
    "United States": "US",
}
# 738.3(b) and 85 FR 83788: destinations without a row that the EAR itself assigns to one.
INHERIT = {
    "HK": {
        "row": "CN",
        "basis": "BIS removed the Hong Kong entry from the Commerce Country Chart effective 23 "
        "December 2020 (85 FR 83788); licence requirements for Hong Kong are governed by the "
        "entry for China.",
    },
    "LI": {
        "row": "CH",
        "basis": "Footnote 5 to Supplement No. 1 to Part 738, and 738.3(b): Liechtenstein "
        "serves as one territory with Switzerland for purposes of the EAR.",
    },
    "KY": {
        "row": "GB",
        "basis": "738.3(b), which gives the Cayman Islands as its worked example of a dependent "
        "territory.",
    },
}


def iso(name: str) -> str:
    code = NAME_CODES.get(name) or to_iso2(name)
    if not code:
        raise InvalidInput(f"Country Chart: no ISO code for the row {name!r}")
    return code


def chart_rows(src: dict[str, Any]) -> dict[str, Any]:
    """``countries``/``embargoed``/``footnotes`` (by row name) -> the shipped table's body."""
    rows = {
        iso(name): {
            "name": name,
            "x": row["marks"],
            "footnotes": row["footnotes"],
            "cite": f"{CHART_CITE} ({name})",
        }
        for name, row in src["countries"].items()
    }
    embargoed = {
        iso(name): {
            "name": name,
            "pointer": row["pointer"],
            "footnotes": row["footnotes"],
            "cite": f"{CHART_CITE} ({name})",
        }
        for name, row in src["embargoed"].items()
    }
    return {
        "citation": CHART_CITE,
        "columns": src["columns"],
        "rows": dict(sorted(rows.items())),
        "embargoed": dict(sorted(embargoed.items())),
        "footnotes": src["footnotes"],
    }


_VERSION = re.compile(r"^ecfr-(\d{4}-\d{2}-\d{2})$")


CHART_FILE, GROUPS_FILE = "country_chart.json", "country_groups.json"


def chart_document(issue: date, src: dict[str, Any], url: str) -> dict[str, Any]:
    """The shipped table's shape for a chart read from the XML; InvalidInput when rows the
    shipped table has are missing (more than 10)."""
    body = chart_rows(src)
    missing = set(default_tables().rows) - set(body["rows"]) - set(body["embargoed"])
    if len(missing) > 10:
        raise InvalidInput(f"eCFR XML: {len(missing)} chart rows missing (e.g. {min(missing)})")
    return {**_head(issue, url), **body, "inherit": INHERIT}


def groups_document(issue: date, groups: dict[str, list[str]], url: str) -> dict[str, Any]:
    body = {
        g: {
            "label": g,
            "members": sorted({iso(n) for n in names}),
            "cite": f"15 CFR 740 Supp. 1, Country Group {g}",
        }
        for g, names in groups.items()
    }
    return {**_head(issue, url), "citation": "15 CFR 740 Supp. 1", "groups": body, "notes": {}}


def _head(issue: date, url: str) -> dict[str, Any]:
    return {
        "ecfr_issue_date": issue.isoformat(),
        "derived_from": {"url": url, "format": "eCFR versioner XML (public domain)"},
        "generated_by": "tradescreen update --regulations",
    }


def write_version(directory: Path, issue: date, docs: dict[str, dict[str, Any]]) -> list[Path]:
    """Write one version's files (each atomically); returns them."""
    target = directory / f"ecfr-{issue.isoformat()}"
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for name, doc in docs.items():
        tmp = target / f".{name}.tmp"
        tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
        os.replace(tmp, target / name)
        out.append(target / name)
    return out


def versions(directory: Path | None, name: str = CHART_FILE) -> list[tuple[date, Path]]:
    if directory is None or not directory.is_dir():
        return []
    out = []
    for sub in directory.iterdir():
        m = _VERSION.match(sub.name)
        if m and (sub / name).is_file():
            out.append((date.fromisoformat(m.group(1)), sub / name))
    return sorted(out)


def _pick(as_of: date, stored: list[tuple[date, Path]], shipped: date) -> Path | None:
    """The newest version issued on or before ``as_of`` (None: the shipped one); before every
    version, the oldest."""
    candidates: list[tuple[date, Path | None]] = [*stored, (shipped, None)]
    candidates.sort(key=lambda v: (v[0], v[1] is not None))
    before = [v for v in candidates if v[0] <= as_of]
    return (before[-1] if before else candidates[0])[1]


def tables_for(as_of: date, directory: Path | None) -> EarTables:
    """The tables with the Country Chart in force on ``as_of``: the newest version issued on or
    before it (stored or shipped); before every version, the oldest one (a warning says so)."""
    shipped = default_tables()
    ship_day = date.fromisoformat(shipped.issue_date)
    out = shipped
    chart_path = _pick(as_of, versions(directory, CHART_FILE), ship_day)
    if chart_path is not None:
        chart = json.loads(chart_path.read_text("utf-8"))
        view = parse_tables(chart, {"entries": {}}, {"groups": {}}, {"exceptions": {}})
        out = replace(
            out,
            issue_date=chart["ecfr_issue_date"],
            rows=view.rows,
            inherit=view.inherit,
            footnotes=view.footnotes,
        )
    groups_path = _pick(as_of, versions(directory, GROUPS_FILE), ship_day)
    if groups_path is not None:
        raw = json.loads(groups_path.read_text("utf-8"))["groups"]
        out = replace(out, groups={g: frozenset(v["members"]) for g, v in raw.items()})
    return out


__all__ = [
    "CHART_FILE",
    "GROUPS_FILE",
    "INHERIT",
    "chart_document",
    "chart_rows",
    "groups_document",
    "iso",
    "tables_for",
    "versions",
    "write_version",
]
