"""The EAR tables as typed data: the Commerce Country Chart (15 CFR 738 Supp. 1), the CCL
licence requirements (15 CFR 774 Supp. 1), the Country Groups (15 CFR 740 Supp. 1) and the
licence exceptions of Part 740.

The files in ``data/ear/`` are written by ``scripts/build_ear_tables.py`` from a structured
extraction of the eCFR; each carries the eCFR issue date it reflects, a citation per row and the
MIT notice of that extraction. This module only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from tradescreen.decide.items import eccn_matches


class ScopeKind(StrEnum):
    ENTIRE = "entire"  # the reason applies to the entire entry
    PARAGRAPHS = "paragraphs"  # only to the listed paragraphs
    EXCEPT = "except"  # to the entire entry except the listed paragraphs
    CONDITION = "condition"  # to items meeting a condition in words (the user confirms)


class RequirementKind(StrEnum):
    COLUMN = "column"  # a Country Chart column: X or not for the destination
    ALL = "all"  # every destination (``except`` some)
    COUNTRIES = "countries"  # a named set of destinations
    GROUPS = "groups"  # Country Groups (``any`` + ``add`` - ``excluding``)
    UN = "un"  # § 746.1(b) destinations (the chart rows carrying footnote 1)
    POINTER = "pointer"  # a provision this engine does not evaluate


@dataclass(frozen=True, slots=True)
class Scope:
    kind: ScopeKind
    paragraphs: tuple[str, ...] = ()
    text: str | None = None

    def applies(self, item: str) -> bool | None:
        """True / False, or None when the item's paragraph (or a condition) decides."""
        if self.kind is ScopeKind.ENTIRE:
            return True
        if self.kind is ScopeKind.CONDITION:
            return None
        inside = any(eccn_matches(p, item) for p in self.paragraphs)
        above = any(p.startswith(item + ".") for p in self.paragraphs)
        if self.kind is ScopeKind.PARAGRAPHS:
            return True if inside else (None if above else False)
        return False if inside else (None if above else True)  # EXCEPT

    def describe(self) -> str:
        if self.kind is ScopeKind.ENTIRE:
            return "entire entry"
        if self.kind is ScopeKind.PARAGRAPHS:
            return ", ".join(self.paragraphs)
        if self.kind is ScopeKind.EXCEPT:
            return "entire entry except " + ", ".join(self.paragraphs)
        return self.text or ""


@dataclass(frozen=True, slots=True)
class Requirement:
    kind: RequirementKind
    column: str | None = None
    countries: tuple[str, ...] = ()  # COUNTRIES; ALL: the exceptions
    groups: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    excluding: tuple[str, ...] = ()
    see: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Control:
    reason: str  # NS, NP, MT, RS, CB, CC, FC, AT, EI, SL, UN, RIS (Russian industry sector)...
    scope: Scope
    requires: Requirement
    text: str  # the entry's own words: "<control> | <country chart cell>"


@dataclass(frozen=True, slots=True)
class CclEntry:
    eccn: str
    cite: str
    reasons: str | None
    controls: tuple[Control, ...]
    exceptions: dict[str, str]  # code -> the entry's own text ("$5000; N/A for 4A003.b...")
    lvs_limit_usd: int | None
    reserved: frozenset[str]  # top-level paragraphs the entry marks [Reserved] (when known)


@dataclass(frozen=True, slots=True)
class ChartRow:
    code: str
    name: str
    x: frozenset[str]
    footnotes: tuple[int, ...]
    cite: str
    pointer: str | None = None  # embargoed rows: "See part 746 ..."


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    code: str
    title: str
    cite: str


@dataclass(frozen=True, slots=True)
class EarTables:
    issue_date: str
    rows: dict[str, ChartRow]
    inherit: dict[str, tuple[str, str]]  # code -> (row code, basis)
    footnotes: dict[int, str]
    groups: dict[str, frozenset[str]]
    entries: dict[str, CclEntry]
    exceptions: dict[str, ExceptionInfo]
    derived_from: dict[str, Any]

    def row_for(self, code: str) -> tuple[ChartRow | None, str | None]:
        """The chart row governing a destination and, if inherited, the basis."""
        if code in self.rows:
            return self.rows[code], None
        if code in self.inherit:
            target, basis = self.inherit[code]
            return self.rows.get(target), basis
        return None, None

    def in_group(self, code: str, group: str) -> bool:
        return code in self.groups.get(group, frozenset())


def _scope(raw: dict[str, Any]) -> Scope:
    return Scope(ScopeKind(raw["kind"]), tuple(raw.get("paragraphs", ())), raw.get("text"))


def _requirement(raw: dict[str, Any]) -> Requirement:
    kind = RequirementKind(raw["kind"])
    return Requirement(
        kind=kind,
        column=raw.get("column"),
        countries=tuple(raw.get("countries", raw.get("except", ()))),
        groups=tuple(raw.get("any", ())),
        add=tuple(raw.get("add", ())),
        excluding=tuple(raw.get("excluding", ())),
        see=raw.get("see"),
        text=raw.get("text"),
    )


def parse_tables(
    chart: dict[str, Any], ccl: dict[str, Any], groups: dict[str, Any], exc: dict[str, Any]
) -> EarTables:
    rows = {
        code: ChartRow(code, r["name"], frozenset(r["x"]), tuple(r["footnotes"]), r["cite"])
        for code, r in chart["rows"].items()
    }
    for code, r in chart["embargoed"].items():
        rows[code] = ChartRow(
            code, r["name"], frozenset(), tuple(r["footnotes"]), r["cite"], r["pointer"]
        )
    entries = {
        eccn: CclEntry(
            eccn=eccn,
            cite=e["cite"],
            reasons=e.get("reasons"),
            controls=tuple(
                Control(c["reason"], _scope(c["scope"]), _requirement(c["requires"]), c["text"])
                for c in e["controls"]
            ),
            exceptions=dict(e.get("exceptions", {})),
            lvs_limit_usd=e.get("lvs_limit_usd"),
            reserved=frozenset(e.get("reserved", ())),
        )
        for eccn, e in ccl["entries"].items()
    }
    return EarTables(
        issue_date=chart["ecfr_issue_date"],
        rows=rows,
        inherit={k: (v["row"], v["basis"]) for k, v in chart["inherit"].items()},
        footnotes={int(k): v for k, v in chart["footnotes"].items()},
        groups={g: frozenset(v["members"]) for g, v in groups["groups"].items()},
        entries=entries,
        exceptions={
            k: ExceptionInfo(k, v["title"], v["cite"]) for k, v in exc["exceptions"].items()
        },
        derived_from=chart["derived_from"],
    )


def _read(name: str) -> dict[str, Any]:
    text = resources.files("tradescreen.decide").joinpath(f"data/ear/{name}").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def default_tables() -> EarTables:
    return parse_tables(
        _read("country_chart.json"),
        _read("ccl.json"),
        _read("country_groups.json"),
        _read("license_exceptions.json"),
    )


__all__ = [
    "CclEntry",
    "ChartRow",
    "Control",
    "EarTables",
    "ExceptionInfo",
    "Requirement",
    "RequirementKind",
    "Scope",
    "ScopeKind",
    "default_tables",
    "parse_tables",
]
