"""Classification-based licence determination (15 CFR 738.4): ECCN + destination -> for each
reason for control, its Country Chart column (or the requirement the entry names instead), X or
not, and the citation.

An X means a licence is required for that reason unless a licence exception applies; each reason
is answered separately. Entries whose requirement is not a chart column (worldwide controls,
§ 742.6(a)(6) advanced computing, China/Russia/Venezuela under § 742.6(a)(7), UN controls, "see
§ 742.x") are evaluated from the structured requirement, or reported as a pointer the user must
read (``needs_review``). A paragraph-scoped reason for an ECCN given without its paragraph is
``needs_review`` naming the paragraphs. Embargoed rows (Cuba, Iran, North Korea, Syria) point to
Part 746, which ``decide/embargoes.py`` decides. EAR99 is outside the chart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tradescreen.decide.ear_tables import (
    CclEntry,
    ChartRow,
    Control,
    EarTables,
    Requirement,
    RequirementKind,
    ScopeKind,
    default_tables,
)
from tradescreen.decide.embargoes import EmbargoData, destination_controls
from tradescreen.decide.items import eccn_matches, normalize_destination, normalize_eccn
from tradescreen.decide.licence_exceptions import Candidate, candidates
from tradescreen.decide.listing_rules import SEVERITY, Effect
from tradescreen.errors import InvalidInput

CHART_CITE = "15 CFR 738.4; 15 CFR 738 Supp. 1"
NO_X_CAVEAT = (
    "No X for these reasons (15 CFR 738.4(a)(2)(ii)(B)): no licence is required on the chart "
    "only if General Prohibitions Four to Ten do not apply; the Part 744 end-use and end-user "
    "rules this engine knows are decided from your answers, or listed as conditions "
    "(see docs/decisions.md)"
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason for control of the entry, answered for the destination."""

    reason: str
    effect: Effect  # LICENSE_REQUIRED, NEEDS_REVIEW or NOT_APPLICABLE
    message: str
    requirement: str  # "NS Column 1", "all destinations except CA", "see § 742.14"...
    scope: str  # "entire entry", "4A003.b, 4A003.c", or the condition in words
    applies_to_item: bool | None
    destination_hit: bool | None  # X / in the named set; None: a pointer decides
    citations: tuple[str, ...]
    entry_text: str
    exceptions: tuple[Candidate, ...] = ()
    column: str | None = None

    @property
    def summary(self) -> str:
        """The message, with the exception candidates still available (codes only)."""
        open_ = [f"{c.code} ({c.cite})" for c in self.exceptions if not c.ruled_out]
        if not open_:
            return self.message
        return f"{self.message}; exception candidates to confirm: {', '.join(open_)}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "reason": self.reason,
            "effect": self.effect.value,
            "requirement": self.requirement,
            "column": self.column,
            "x": self.destination_hit,
            "scope": self.scope,
            "applies_to_item": self.applies_to_item,
            "message": self.message,
            "citations": list(self.citations),
            "entry_text": self.entry_text,
        }
        if self.exceptions:
            out["exception_candidates"] = [c.to_dict() for c in self.exceptions]
        return out


@dataclass(frozen=True, slots=True)
class ChartDetermination:
    classification: str
    destination: str
    row: str | None  # the chart row's name
    effect: Effect
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()
    issue_date: str = ""
    pointer: str | None = None  # embargoed rows: the Part 746 pointer
    embargo_windows: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = ()  # the no-X caveat; tables newer than the decision date

    def to_dict(self) -> dict[str, Any]:
        return {
            "classification": self.classification,
            "destination": self.destination,
            "row": self.row,
            "effect": self.effect.value,
            "ecfr_issue_date": self.issue_date,
            "pointer": self.pointer,
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
        }


def _describe(req: Requirement) -> str:
    if req.kind is RequirementKind.COLUMN:
        return f"{req.column}"
    if req.kind is RequirementKind.ALL:
        tail = f" except {', '.join(req.countries)}" if req.countries else ""
        return f"all destinations{tail} ({req.see})" if req.see else f"all destinations{tail}"
    if req.kind is RequirementKind.COUNTRIES:
        return f"{', '.join(req.countries)} ({req.see})"
    if req.kind is RequirementKind.GROUPS:
        parts = " or ".join([*req.add, *(f"Country Group {g}" for g in req.groups)])
        excl = f", excluding Country Groups {' and '.join(req.excluding)}" if req.excluding else ""
        return f"{parts}{excl} ({req.see})"
    if req.kind is RequirementKind.UN:
        return f"UN Security Council controls ({req.see})"
    return f"see {req.see}" if req.see else f"not evaluated: {req.text}"


def _hit(req: Requirement, code: str, row: ChartRow | None, tables: EarTables) -> bool | None:
    if req.kind is RequirementKind.COLUMN:
        if row is None or row.pointer is not None:
            return None
        return req.column in row.x
    if req.kind is RequirementKind.ALL:
        return code not in req.countries
    gov = row.code if row is not None else code  # Hong Kong is governed by the China row
    if req.kind is RequirementKind.COUNTRIES:
        return code in req.countries or gov in req.countries
    if req.kind is RequirementKind.GROUPS:
        if code in req.add or gov in req.add:
            return True
        inside = any(tables.in_group(gov, g) for g in req.groups)
        excluded = any(tables.in_group(gov, g) for g in req.excluding)
        return inside and not excluded
    if req.kind is RequirementKind.UN:
        return None if row is not None and 1 in row.footnotes else False
    return None


def _finding(
    control: Control,
    entry: CclEntry,
    item: str,
    code: str,
    row: ChartRow | None,
    tables: EarTables,
) -> Finding:
    req = control.requires
    applies = control.scope.applies(item)
    hit = _hit(req, code, row, tables)
    cites = [entry.cite]
    if req.kind is RequirementKind.COLUMN and row is not None:
        cites.append(row.cite)
    if req.see:
        cites.append(f"15 CFR {req.see.removeprefix('§ ')}")
    where = row.name if row is not None else code
    what = _describe(req)
    if applies is False:
        effect = Effect.NOT_APPLICABLE
        message = f"{control.reason} applies to {control.scope.describe()}, not to {item}"
    elif hit is False:
        effect = Effect.NOT_APPLICABLE
        message = f"{control.reason} ({what}): no licence required for {where} on this reason"
    elif applies and hit:
        effect = Effect.LICENSE_REQUIRED
        mark = f"{what} has an X for {where}" if req.kind is RequirementKind.COLUMN else what
        message = (
            f"{control.reason} ({entry.eccn}): {mark}: licence required for this reason "
            "unless a licence exception applies"
        )
    else:
        effect = Effect.NEEDS_REVIEW
        if hit is None and row is not None and row.pointer and req.kind is RequirementKind.COLUMN:
            message = f"{control.reason} ({what}): {where}: {row.pointer}"
        elif hit is None:
            message = f"{control.reason} ({entry.eccn}): {what}; {control.text}: read the entry"
        elif control.scope.kind is ScopeKind.CONDITION:
            message = (
                f"{control.reason} ({what}, X for {where}): licence required if the item is "
                f"as the entry says: {control.scope.describe()}"
            )
        else:
            message = (
                f"{control.reason} ({what}, licence required for {where}) applies to "
                f"{control.scope.describe()}: give the item's paragraph ({item} is not enough)"
            )
    return Finding(
        reason=control.reason,
        effect=effect,
        message=message,
        requirement=what,
        scope=control.scope.describe(),
        applies_to_item=applies,
        destination_hit=hit,
        citations=tuple(dict.fromkeys(cites)),
        entry_text=control.text,
        column=req.column,
    )


_ECCN_REF = re.compile(r"\b\d[A-E]\d{3}(?:\.[a-z0-9]+)*")


def _footnote_findings(item: str, row: ChartRow, tables: EarTables) -> list[Finding]:
    """Footnotes of the destination's row that name this item impose requirements the grid
    does not show (footnote 7: 9A515.e to India for RS 2; footnote 10: firearms to Australia
    and the United Kingdom): the user must read them."""
    out = []
    for n in row.footnotes:
        text = tables.footnotes.get(n, "")
        refs = [r.rstrip(".") for r in _ECCN_REF.findall(text)]
        if not any(eccn_matches(r, item) or r.startswith(item + ".") for r in refs):
            continue
        out.append(
            Finding(
                reason="footnote",
                effect=Effect.NEEDS_REVIEW,
                message=f"Country Chart footnote {n} for {row.name} names {item}: {text}",
                requirement=f"footnote {n}",
                scope=", ".join(dict.fromkeys(refs)),
                applies_to_item=None,
                destination_hit=True,
                citations=(f"15 CFR 738 Supp. 1, footnote {n}",),
                entry_text=text,
            )
        )
    return out


def entry_for(classification: str, tables: EarTables | None = None) -> CclEntry:
    """The CCL entry of an ECCN (any paragraph); InvalidInput when the CCL data has none."""
    tables = tables or default_tables()
    item = normalize_eccn(classification)
    base = item.split(".")[0]
    entry = tables.entries.get(base)
    if entry is None and base[1] == "Y":
        series = ", ".join(f"{base[0]}{g}{base[2:]}" for g in "ABCDE")
        raise InvalidInput(f"item: {base} names a series, not an ECCN: give one of {series}")
    if entry is None:
        raise InvalidInput(
            f"item: {base} is not an ECCN of the Commerce Control List "
            f"(15 CFR 774 Supp. 1, eCFR {tables.issue_date})"
        )
    if "." in item and item.split(".")[1] in entry.reserved:
        raise InvalidInput(f"item: {item} is not a paragraph of {base} (reserved in the CCL)")
    return entry


def at_only(classification: str, tables: EarTables | None = None) -> bool:
    """True when the item is controlled on the CCL for anti-terrorism reasons only (every
    reason that applies, or may apply, to it is AT); EAR99 is not. For the Entity List
    carve-outs written for "EAR99 or AT-only" items (the x9xx numbering is only a hint)."""
    item = normalize_eccn(classification)
    if item == "EAR99":
        return False
    entry = entry_for(item, tables)
    live = [c for c in entry.controls if c.scope.applies(item) is not False]
    return bool(live) and all(c.reason == "AT" for c in live)


def determine(
    classification: str,
    destination: str,
    *,
    as_of: date | None = None,
    value: float | None = None,
    tables: EarTables | None = None,
    embargoes: EmbargoData | None = None,
) -> ChartDetermination:
    """The Country Chart determination for one classified item and destination."""
    tables = tables or default_tables()
    item = normalize_eccn(classification)
    dest = normalize_destination(destination)
    if item == "EAR99":
        return ChartDetermination(
            item,
            dest,
            None,
            Effect.NOT_APPLICABLE,
            (),
            ("EAR99 items are outside the Country Chart (15 CFR 734.3(c))",),
            tables.issue_date,
        )
    entry = entry_for(item, tables)
    code = dest[:2]
    row, basis = tables.row_for(code)
    notes: list[str] = []
    if basis:
        notes.append(f"{code}: governed by the {row.name if row else '?'} row: {basis}")
    if row is not None:
        notes += [f"footnote {n}: {tables.footnotes[n]}" for n in row.footnotes]
    findings = [_finding(c, entry, item, code, row, tables) for c in entry.controls]
    if row is not None:
        findings += _footnote_findings(item, row, tables)
    pointer: str | None = None
    windows: tuple[str, ...] = ()
    if row is not None and row.pointer is not None:
        pointer = row.pointer
        day = as_of or date.today()
        found, _hints = destination_controls(dest, day, embargoes)
        windows = tuple(f"{w.name} ({w.ear_section})" for w in found)
        # the embargo reasons decide; a Part 746 row with no window in force is not a clearance
        findings = [
            f
            if f.effect is not Effect.NEEDS_REVIEW or f.column is None or not windows
            else _decided_by_embargo(f, windows)
            for f in findings
        ]
    if row is None:
        findings.append(
            Finding(
                reason="chart",
                effect=Effect.NEEDS_REVIEW,
                message=(
                    f"{code}: no Country Chart row and no territory rule in 738.3(b) names one; "
                    "the requirement is indeterminate"
                ),
                requirement="no row",
                scope="entire entry",
                applies_to_item=True,
                destination_hit=None,
                citations=("15 CFR 738.3(b)", CHART_CITE),
                entry_text="",
            )
        )
    findings = candidates(findings, entry, item, code, row, tables, value)
    worst = max((f.effect for f in findings), key=lambda e: SEVERITY[e], default=None)
    warnings = []
    day = as_of or date.today()
    if day < date.fromisoformat(tables.issue_date):
        warnings.append(
            f"Country Chart and CCL as in the eCFR of {tables.issue_date}: the entries in force "
            f"on {day.isoformat()} may have differed"
        )
    if worst in (None, Effect.NOT_APPLICABLE):
        warnings.append(NO_X_CAVEAT)
    return ChartDetermination(
        classification=item,
        destination=dest,
        row=row.name if row else None,
        effect=worst or Effect.NOT_APPLICABLE,
        findings=tuple(findings),
        notes=tuple(notes),
        issue_date=tables.issue_date,
        pointer=pointer,
        embargo_windows=windows,
        warnings=tuple(warnings),
    )


def _decided_by_embargo(f: Finding, windows: tuple[str, ...]) -> Finding:
    from dataclasses import replace

    return replace(
        f,
        effect=Effect.NOT_APPLICABLE,
        message=f"{f.message}; decided by the embargo rule: {', '.join(windows)}",
    )


__all__ = [
    "CHART_CITE",
    "NO_X_CAVEAT",
    "ChartDetermination",
    "Finding",
    "at_only",
    "determine",
    "entry_for",
]
