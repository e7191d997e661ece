"""Write the project's EAR tables (src/tradescreen/decide/data/ear/*.json) from a structured
extraction of the eCFR (default: ../shared/data/ecfr, a third-party MIT extraction of the
2026-07-23 issue; see that folder's PROVENANCE entry).

    python scripts/build_ear_tables.py [--source DIR] [--out DIR]

Every output file carries the eCFR issue date, a citation per row and the MIT notice of the
extraction it was derived from. The reading of each Country Chart cell of the CCL into a
structured requirement (a column, a destination set, Country Groups, or a pointer the engine does
not evaluate) is done here, once, by the rules in :func:`requirement_of`; the original text is
kept beside every parsed row so a reader can check it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradescreen.decide.regulations import chart_rows, iso  # noqa: E402

DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "ecfr"
DEFAULT_OUT = ROOT / "src" / "tradescreen" / "decide" / "data" / "ear"
EXTRACTION = {
    "repository": "github.com/seelpeed-debug/export-controls-agent-mcp",
    "commit": "5847b092f2a44117b2e18d06a8c6aa3e16106250",
    "licence": "MIT",
}
REASON_CODES = ("NS", "NP", "MT", "RS", "CB", "CC", "FC", "AT", "EI", "SL", "SI", "CW", "UN", "SS")
CHART_CITE = "15 CFR 738 Supp. 1"
GROUPS_CITE = "15 CFR 740 Supp. 1"


def notice(source: Path, files: list[str], issue: str) -> dict[str, Any]:
    return {
        "ecfr_issue_date": issue,
        "derived_from": {
            **EXTRACTION,
            "files": [f"src/data/{f}" for f in files],
            "notice": (source / "LICENSE").read_text("utf-8").strip(),
        },
        "generated_by": "scripts/build_ear_tables.py",
    }


# --- Country Chart --------------------------------------------------------------------------


def build_chart(src: dict[str, Any]) -> dict[str, Any]:
    body = chart_rows(src)
    inherit = {
        iso(name): {"row": iso(v["row"]), "basis": v["basis"]}
        for name, v in src["territoryInheritance"].items()
    }
    return {
        "citation": CHART_CITE,
        "columns": body["columns"],
        "column_labels": src["columnLabels"],
        "rows": body["rows"],
        "embargoed": body["embargoed"],
        "footnotes": body["footnotes"],
        "inherit": inherit,
        "inherit_note": src["territoryInheritanceNote"],
        "no_mark_caveat": src["procedure"]["noMarkCaveat"],
        "all_destinations": src["allDestinationsEntries"],
    }


# --- Country Groups -------------------------------------------------------------------------


def build_groups(src: dict[str, Any]) -> dict[str, Any]:
    groups = {
        g: {
            "label": src["labels"].get(g, g),
            "members": sorted({iso(n) for n in members}),
            "cite": f"{GROUPS_CITE}, Country Group {g}",
        }
        for g, members in src["groups"].items()
    }
    return {"citation": GROUPS_CITE, "groups": groups, "notes": src["notes"]}


# --- CCL ------------------------------------------------------------------------------------

_PARA = re.compile(r"^[a-z](\.(\d+|[a-z]))*$")


def parse_refs(eccn: str, text: str) -> list[str] | None:
    """``"4A003.b, .c, and .z.1"`` -> ``["4A003.b", "4A003.c", "4A003.z.1"]``; None when the
    text is not only paragraph references of this entry."""
    body = text.strip().rstrip(".;").strip()
    body = re.sub(r"^“(software|technology)”\s+(?=controlled by)", "", body)
    body = re.sub(
        r"^(items controlled by|controlled by|items in|commodities in|paragraphs?)\s+", "", body
    )
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", body)]
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        part = re.sub(r"^(ECCN\s+)", "", part)
        if re.match(r"^\d[A-E]\d{3}", part):
            if not part.startswith(eccn + "."):
                return None
            para = part[len(eccn) + 1 :]
        else:
            para = part.lstrip(".")
        if not _PARA.match(para):
            return None
        out.append(f"{eccn}.{para}")
    return out or None


def scope_of(eccn: str, control: str) -> dict[str, Any]:
    m = re.search(r"\bappl(?:y|ies)\s+(?:to\s+)?(.*)$", control, re.S)
    if not m:
        return {"kind": "condition", "text": control}
    rest = m.group(1).strip()
    rest = re.sub(r"\s+[A-Z]{2} Column \d\.?$", "", rest)  # cell text repeated in the control
    rest = re.sub(r"\s+only\.?$", "", rest)
    if re.fullmatch(r"(the )?entire entry\.?", rest) or re.fullmatch(
        r"entire entry\s*\((refer to|see) [^()]*\)\.?", rest
    ):
        return {"kind": "entire"}
    ex = re.fullmatch(r"(?:the )?entire entry,?\s+except:?\s*(.+)", rest, re.S)
    if ex:
        refs = parse_refs(eccn, ex.group(1))
        if refs:
            return {"kind": "except", "paragraphs": refs}
        return {"kind": "condition", "text": control}
    refs = parse_refs(eccn, rest)
    if refs:
        return {"kind": "paragraphs", "paragraphs": refs}
    return {"kind": "condition", "text": control}


_COLUMN = re.compile(r"^(?:(NS|NP|MT|RS|CB|CC|FC|AT)\s+)?Column\s+(\d)\b")
_NAMED = {"Iraq": "IQ", "Pakistan": "PK", "North Korea": "KP"}


def requirement_of(reason: str, text: str) -> dict[str, Any]:
    """One Country Chart cell of a CCL entry -> a structured requirement.

    Kinds: ``column`` (look up the destination's X), ``all`` (every destination, ``except``
    some), ``countries`` (a named set), ``groups`` (Country Groups ``any`` plus ``add`` minus
    ``excluding``), ``un`` (the destinations of § 746.1(b), i.e. the chart rows with footnote 1),
    ``pointer`` (a provision the engine does not evaluate: the user must read it), ``none``."""
    t = " ".join(text.split())
    t_cb = re.sub(r"^CB applies to entire entry\s+", "", t)
    m = _COLUMN.match(t_cb)
    if m and not re.search(r"Column \d.*Column \d", t_cb):
        col = f"{m.group(1) or reason} {m.group(2)}"
        out: dict[str, Any] = {"kind": "column", "column": col}
        see = re.search(r"See (§ [\d.()a-z]+)", t)
        if see:
            out["see"] = see.group(1)
        return out
    if re.search(r"To or within any destination worldwide|^Worldwide control", t):
        see = re.search(r"§ ?[\d.()a-zA-Z]+(?: and \([\d()a-z]+\))?", t)
        return {"kind": "all", "except": [], "see": see.group(0) if see else None}
    if re.search(r"required for ALL destinations, except Canada", t):
        return {"kind": "all", "except": ["CA"], "see": "part 742"}
    if re.search(r"required for all destinations, as specified in § 742\.13", t):
        return {"kind": "all", "except": [], "see": "§ 742.13"}
    if t.startswith("Refer to § 742.15"):
        # § 742.15(a)(1): a licence is required for EI items to all destinations except Canada.
        return {"kind": "all", "except": ["CA"], "see": "§ 742.15(a)(1)"}
    g = re.match(
        r"To or within the United Arab Emirates or destinations specified in Country Groups "
        r"D:1, D:4, and D:5 .*excluding any destination also specified in Country Groups A:5 or "
        r"A:6\. See (§ [\d.()a-zA-Z]+)",
        t,
    )
    if g:
        return {
            "kind": "groups",
            "any": ["D:1", "D:4", "D:5"],
            "add": ["AE"],
            "excluding": ["A:5", "A:6"],
            "see": g.group(1),
        }
    g = re.match(
        r"To or within Macau or a destination specified in Country Group D:5 .*See (§ [^ ]+)", t
    )
    if g:
        return {"kind": "groups", "any": ["D:5"], "add": ["MO"], "excluding": [], "see": g.group(1)}
    if re.match(r"China, Russia,? or Venezuela \(see § 742\.6\(a\)\(7\)\)", t):
        return {"kind": "countries", "countries": ["CN", "RU", "VE"], "see": "§ 742.6(a)(7)"}
    if t.startswith("A license is required") and "Commerce Country Chart is not designed" in t:
        head = t.split(" reasons")[0]
        named = [code for name, code in _NAMED.items() if name in head]
        see = re.search(r"See (§ [\d.()a-z]+)", t)
        if named:
            return {
                "kind": "countries",
                "countries": named,
                "see": see.group(1) if see else None,
            }
    if re.match(r"See § 7[46]6\.1(\(b\))?( of the EAR)? for UN controls", t):
        return {"kind": "un", "see": "§ 746.1(b)"}
    if t.startswith("See § 746.8 for specific license requirements"):
        return {"kind": "countries", "countries": ["RU", "BY"], "see": "§ 746.8"}
    if t in ("N/A.", "N/A"):
        return {"kind": "pointer", "see": None, "text": t}
    see = re.search(r"(§ [\d.()a-z]+|part 7\d\d|Supplement No\. \d to part 7\d\d)", t)
    return {"kind": "pointer", "see": see.group(1) if see else None, "text": t}


def reason_of(control: str) -> str:
    c = control.strip()
    for code in REASON_CODES:
        if re.match(rf"^{code}\b", c):
            return code
    if c.startswith("Russian industry sector"):
        return "RIS"
    return "OTHER"


def split_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The extraction merged some pairs of rows ("NP applies to entire entry AT applies to
    entire entry" | "NP Column 1 AT Column 1"): split them back."""
    out = []
    for r in rows:
        controls = re.findall(r"[A-Z]{2} applies to entire entry", r["control"])
        cols = re.findall(r"[A-Z]{2} Column \d", r["countryChart"])
        if len(controls) > 1 and len(controls) == len(cols):
            out += [{"control": c, "countryChart": k} for c, k in zip(controls, cols, strict=True)]
        else:
            out.append(r)
    return out


_RESERVED = re.compile(r"\[Reserved\]\s*$")


def reserved_paragraphs(paragraphs: dict[str, str]) -> set[str]:
    """Top-level paragraphs the entry marks "[Reserved]" ("d": "to f. [Reserved]" reserves d
    to f; "h": "through y. [Reserved]" reserves h to y)."""
    out: set[str] = set()
    for key, text in paragraphs.items():
        if len(key) != 1 or not _RESERVED.search(text):
            continue
        span = re.match(r"^(?:to|through)\s+([a-z])\.", text.strip())
        end = span.group(1) if span else key
        out |= {chr(c) for c in range(ord(key), ord(end) + 1)}
    return out


def build_entry(e: dict[str, Any], all_dest: dict[str, Any]) -> dict[str, Any]:
    eccn = e["eccn"]
    cite = f"15 CFR 774 Supp. 1, ECCN {eccn}"
    controls: list[dict[str, Any]] = []
    for r in split_rows(e["countryChart"]):
        reason = reason_of(r["control"])
        if reason == "OTHER" and re.match(r"^Column \d", r["countryChart"]):
            reason = "AT"
        controls.append(
            {
                "reason": reason,
                "scope": scope_of(eccn, r["control"]),
                "requires": requirement_of(reason, r["countryChart"]),
                "text": f"{r['control']} | {r['countryChart']}",
            }
        )
    listed_all = [x.split(" ")[0] for x in all_dest.get("govOnly", {}).get("entries", [])] + [
        x.split(" ")[0] for x in all_dest.get("noLicenceExceptions", [])
    ]
    if not controls:
        heading = e.get("heading") or ""
        rfc = (e.get("reasonForControl") or "").strip()
        if eccn in listed_all:
            controls.append(
                {
                    "reason": rfc.split(",")[0].strip() or "OTHER",
                    "scope": {"kind": "entire"},
                    "requires": {"kind": "all", "except": [], "see": "§ 738.3(a)(1)"},
                    "text": all_dest["note"],
                }
            )
        else:
            if "subject to the ITAR" in heading:
                why = "the entry says its items are subject to the ITAR (22 CFR 120-130)"
            elif rfc.startswith("SS"):
                why = "short supply controls: see part 754"
            elif not rfc:
                why = "the extraction carries no licence requirements for this entry"
            else:
                why = f"reasons {rfc}: the extraction carries no Country Chart rows"
            controls.append(
                {
                    "reason": rfc.split(",")[0].strip().rstrip(".") or "OTHER",
                    "scope": {"kind": "entire"},
                    "requires": {"kind": "pointer", "see": None, "text": why},
                    "text": why,
                }
            )
    paragraphs = e.get("topLevelParagraphs") or {}
    exceptions: dict[str, str] = e.get("licenceExceptionFlags") or {}
    out: dict[str, Any] = {
        "cite": cite,
        "reasons": e.get("reasonForControl"),
        "controls": controls,
        "exceptions": exceptions,
    }
    lvs = re.search(r"\$\s?([\d,]+)", exceptions.get("LVS", ""))
    if lvs:
        out["lvs_limit_usd"] = int(lvs.group(1).replace(",", ""))
    reserved = reserved_paragraphs(paragraphs)
    for c in controls:
        scope: dict[str, Any] = c["scope"]
        for ref in scope.get("paragraphs", []):
            reserved.discard(ref.split(".")[1])
    if reserved:
        out["reserved"] = sorted(reserved)
    return out


def build_ccl(src: dict[str, Any], chart_src: dict[str, Any]) -> dict[str, Any]:
    entries = {
        e["eccn"]: build_entry(e, chart_src["allDestinationsEntries"]) for e in src["entries"]
    }
    return {"citation": "15 CFR 774 Supp. 1", "entries": dict(sorted(entries.items()))}


def build_exceptions(src: dict[str, Any]) -> dict[str, Any]:
    rows = {}
    for x in src["exceptions"]:
        for sym in x["symbols"]:
            rows[sym] = {"title": x["title"], "cite": f"15 CFR {x['sectionNumber']}"}
    return {"citation": "15 CFR 740", "exceptions": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    src: Path = args.source

    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((src / name).read_text("utf-8"))
        return data

    chart, ccl = load("country-chart.json"), load("ccl.json")
    groups, exc = load("country-groups.json"), load("license-exception-catalog.json")
    issue = chart["ecfrIssueDate"]
    for other in (ccl, groups, exc):
        if other["ecfrIssueDate"] != issue:
            raise SystemExit("build_ear_tables: the extraction's files differ in issue date")
    outputs = {
        "country_chart.json": (build_chart(chart), ["country-chart.json"]),
        "country_groups.json": (build_groups(groups), ["country-groups.json"]),
        "ccl.json": (build_ccl(ccl, chart), ["ccl.json", "country-chart.json"]),
        "license_exceptions.json": (build_exceptions(exc), ["license-exception-catalog.json"]),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (body, files) in outputs.items():
        doc = {**notice(src, files, issue), **body}
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        (args.out / name).write_text(text + "\n", "utf-8")
        print(f"{name}: {len(text):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
