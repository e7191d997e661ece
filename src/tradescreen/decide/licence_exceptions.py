"""Licence exceptions as candidates (15 CFR 740): for each reason that needs a licence, the
exceptions the CCL entry lists, with the conditions the user must confirm, and the restrictions
that rule them out (§ 740.2, the Country Group each exception is limited to, the entry's own
"N/A for ..." words, the LVS value limit).

A candidate never changes a finding's effect: ``license_required`` stays ``license_required``
until the user has confirmed an exception's conditions (and records that outside this engine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tradescreen.decide.ear_tables import CclEntry, ChartRow, EarTables
from tradescreen.decide.items import eccn_matches
from tradescreen.decide.listing_rules import Effect

if TYPE_CHECKING:
    from tradescreen.decide.country_chart import Finding

# Exceptions limited to a destination group: code -> (groups, citation).
_DEST_GROUPS = {
    "LVS": (("B",), "15 CFR 740.3"),
    "GBS": (("B",), "15 CFR 740.4"),
    "TSR": (("B",), "15 CFR 740.6"),
    "STA": (("A:5", "A:6"), "15 CFR 740.20(c)"),
}
# § 740.2(a)(3): surreptitious listening items: no exception except GOV (official US use).
_SL_ONLY_GOV = "15 CFR 740.2(a)(3)"
_MT = "15 CFR 740.2(a)(5)"
_ALL = "none of the restrictions on all licence exceptions in 15 CFR 740.2 applies"


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    title: str
    cite: str
    entry_text: str  # the entry's own words for this exception
    conditions: tuple[str, ...]  # what the user must confirm
    ruled_out: tuple[str, ...] = ()  # why it cannot be used here (empty: still a candidate)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "title": self.title,
            "citation": self.cite,
            "entry_text": self.entry_text,
            "conditions": list(self.conditions),
            "available": not self.ruled_out,
        }
        if self.ruled_out:
            out["ruled_out"] = list(self.ruled_out)
        return out


def _na_reasons(text: str) -> set[str]:
    """``"N/A for MT, NP; ..."`` -> {"MT", "NP"}."""
    out: set[str] = set()
    for m in re.finditer(r"N/A for ((?:[A-Z]{2}(?:,\s*|\s+and\s+|\s*$|(?=;)))+)", text):
        out |= set(re.findall(r"[A-Z]{2}", m.group(1)))
    return out


_REF = re.compile(r"^(?:\d[A-E]\d{3})?\.?([a-z](?:\.[a-z0-9]+)*)\.?$")


def _na_paragraphs(text: str, eccn: str) -> list[str]:
    """``"$5000; N/A for 4A003.b, c, and z."`` -> ["4A003.b", "4A003.c", "4A003.z"]."""
    out = []
    for m in re.finditer(r"N/A for ([^;]+)", text):
        for raw in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", m.group(1).strip()):
            token = raw.strip()
            ref = _REF.match(token)
            if ref and (not token[:1].isdigit() or token.startswith(eccn + ".")):
                out.append(f"{eccn}.{ref.group(1)}")
    return out


def _yes_for(text: str, eccn: str) -> list[str] | None:
    """``"Yes for 4A003.z.1.a, z.2.a"`` -> the paragraphs the entry makes the exception
    available for; None when it is not limited to paragraphs, or names ranges ("a.2 to
    a.14") this reader does not expand."""
    m = re.match(r"^Yes,?\s+(?:for\s+)?(.*)$", text, re.S)
    ranges = r"(?:\d|\.[a-z0-9]+)\s+(?:to|through)\s+(?:\d[A-E]\d{3}|\.?[a-z]\.\d)"
    if not m or re.search(ranges, m.group(1)):
        return None
    seg = m.group(1)
    refs = [f"{eccn}.{p}" for p in re.findall(rf"{eccn}\.([a-z](?:\.[a-z0-9]+)*)", seg)]
    refs += [f"{eccn}.{p}" for p in re.findall(r"(?<![\w.])([a-z]\.\d+(?:\.[a-z0-9]+)*)", seg)]
    return refs or None


def _one(
    code: str,
    text: str,
    reason: str,
    entry: CclEntry,
    item: str,
    dest: str,
    row: ChartRow | None,
    tables: EarTables,
    value: float | None,
    mt_controlled: bool,
) -> Candidate | None:
    clean = text.strip()
    if re.fullmatch(r"N/A\.?", clean) or clean.lower().startswith("no"):
        return None
    info = tables.exceptions.get(code)
    title = info.title if info else code
    cite = info.cite if info else "15 CFR 740"
    conditions = [f"the item and transaction meet {cite} ({title})", _ALL]
    ruled: list[str] = []
    if code == "STA":
        conditions.append(f"the entry's STA restrictions: {clean}")
    elif clean not in ("Yes", "Yes."):
        conditions.append(f"the entry's conditions: {clean}")
    if reason in _na_reasons(clean):
        ruled.append(f"{entry.cite}: {code} is N/A for {reason}")
    only = _yes_for(clean, entry.eccn)
    if only and not any(eccn_matches(p, item) or p.startswith(item + ".") for p in only):
        ruled.append(f"{entry.cite}: {code} is available only for {', '.join(only)}")
    excluded = [p for p in _na_paragraphs(clean, entry.eccn) if eccn_matches(p, item)]
    if excluded:
        ruled.append(f"{entry.cite}: {code} is N/A for {', '.join(excluded)}")
    if code == "LVS":
        limit = entry.lvs_limit_usd
        if limit is not None:
            conditions.append(f"net value of the shipment at most ${limit:,} (the entry's limit)")
            if value is not None and value > limit:
                ruled.append(f"value ${value:,.0f} exceeds the LVS limit ${limit:,} ({entry.cite})")
    groups = _DEST_GROUPS.get(code)
    gov = row.code if row is not None else dest
    if groups is not None:
        names, gcite = groups
        if not any(tables.in_group(gov, g) for g in names):
            ruled.append(
                f"{gcite}: destination {dest} is not in Country Group {' or '.join(names)}"
            )
    if any(tables.in_group(gov, g) for g in ("E:1", "E:2")):
        ruled.append(
            f"destination {dest} is in Country Group E:1/E:2: Part 746 governs which exceptions "
            "apply"
        )
    if mt_controlled:
        ruled.append(f"{_MT}: the item is controlled for MT reasons (limited carve-outs there)")
    if reason == "SL":
        ruled.append(f"{_SL_ONLY_GOV}: only GOV for official U.S. Government use")
    return Candidate(code, title, cite, clean, tuple(conditions), tuple(ruled))


def candidates(
    findings: list[Finding],
    entry: CclEntry,
    item: str,
    dest: str,
    row: ChartRow | None,
    tables: EarTables,
    value: float | None,
) -> list[Finding]:
    """The findings with their exception candidates attached (effects unchanged)."""
    mt_controlled = any(
        f.reason == "MT" and f.applies_to_item is True and f.effect is Effect.LICENSE_REQUIRED
        for f in findings
    )
    out = []
    for f in findings:
        if f.effect not in (Effect.LICENSE_REQUIRED, Effect.NEEDS_REVIEW) or f.reason in (
            "chart",
            "footnote",
        ):
            out.append(f)
            continue
        found = []
        for code, text in entry.exceptions.items():
            cand = _one(code, text, f.reason, entry, item, dest, row, tables, value, mt_controlled)
            if cand is not None:
                found.append(cand)
        out.append(replace(f, exceptions=tuple(found)))
    return out


__all__ = ["Candidate", "candidates"]
