"""Reader of the official eCFR versioner XML for the Commerce Country Chart
(``/api/versioner/v1/full/{date}/title-15.xml?part=738``, Supplement No. 1 to Part 738) and
the Country Groups (``?part=740``, Supplement No. 1 to Part 740).

The chart is a grid whose meaning lives in the empty cells: an empty ``<TD/>`` keeps its column,
so cells are read by position. Embargoed rows (Cuba, Iran, North Korea, Syria) are a name and one
merged cell pointing to Part 746; single-cell rows are the footnotes. The result has the shape of
the extraction ``scripts/build_ear_tables.py`` reads (``columns``, ``countries``, ``embargoed``,
``footnotes``), so the same builder writes the project's table from either source. A table whose
columns differ from the 16 known ones, or with too few rows, is refused: a shifted chart would
answer confidently and wrongly.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from tradescreen.errors import InvalidInput

COLUMNS = (
    "CB 1", "CB 2", "CB 3", "NP 1", "NP 2", "NS 1", "NS 2", "MT 1",
    "RS 1", "RS 2", "FC 1", "CC 1", "CC 2", "CC 3", "AT 1", "AT 2",
)  # fmt: skip
SUPPLEMENT = "Supplement No. 1 to Part 738"
MIN_ROWS = 190


def _local(el: etree._Element) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1].upper()


def _text(el: etree._Element, *, skip_sup: bool = False) -> str:
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if skip_sup and _local(node) in ("SUP", "SU"):
            if node.tail:
                parts.append(node.tail)
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node is not el and node.tail:
            parts.append(node.tail)

    walk(el)
    return " ".join("".join(parts).split())


def _sups(el: etree._Element) -> list[int]:
    return [int(t) for s in el.iter() if _local(s) in ("SUP", "SU") if (t := _text(s)).isdigit()]


def parse_chart_xml(data: bytes) -> dict[str, Any]:
    """The Country Chart of a Part 738 versioner XML document; InvalidInput when absent or
    malformed."""
    sup = _appendix(_root(data), SUPPLEMENT)
    table = next(
        (
            t
            for t in sup.iter()
            if _local(t) == "TABLE"
            and any(_local(c) == "TH" and _text(c) == "CB 1" for c in t.iter())
        ),
        None,
    )
    if table is None:
        raise InvalidInput("eCFR XML: no Country Chart table (no 'CB 1' header cell)")
    rows = [r for r in table.iter() if _local(r) == "TR"]
    header = [c for c in rows[1] if _local(c) in ("TD", "TH")] if len(rows) > 1 else []
    columns = [_text(c) for c in header]
    if tuple(columns) != COLUMNS:
        raise InvalidInput(f"eCFR XML: Country Chart columns changed: {', '.join(columns)}")
    countries: dict[str, Any] = {}
    embargoed: dict[str, Any] = {}
    footnotes: dict[str, str] = {}
    for row in rows[2:]:
        cells = [c for c in row if _local(c) in ("TD", "TH")]
        if len(cells) == 1:
            m = re.match(r"^(\d+)\s+(.+)$", _text(cells[0]))
            if m:
                footnotes[m.group(1)] = m.group(2)
            continue
        name = _text(cells[0], skip_sup=True)
        if not name:
            continue
        notes = _sups(cells[0])
        if len(cells) == 2:
            embargoed[name] = {"pointer": _text(cells[1]), "footnotes": notes}
            continue
        if len(cells) != len(COLUMNS) + 1:
            raise InvalidInput(f"eCFR XML: row {name!r} has {len(cells)} cells")
        marks = []
        for col, cell in zip(COLUMNS, cells[1:], strict=True):
            value = _text(cell)
            if value.upper() == "X":
                marks.append(col)
            elif value:
                raise InvalidInput(f"eCFR XML: row {name!r}, {col}: mark {value!r} is not X")
        countries[name] = {"marks": marks, "footnotes": notes}
    if len(countries) < MIN_ROWS:
        raise InvalidInput(f"eCFR XML: only {len(countries)} Country Chart rows")
    return {
        "columns": list(COLUMNS),
        "countries": countries,
        "embargoed": embargoed,
        "footnotes": footnotes,
    }


GROUPS_SUPPLEMENT = "Supplement No. 1 to Part 740"
GROUP_TABLES = {
    "Country Group A": ("A:1", "A:2", "A:3", "A:4", "A:5", "A:6"),
    "Country Group D": ("D:1", "D:2", "D:3", "D:4", "D:5"),
    "Country Group E": ("E:1", "E:2"),
}
MIN_GROUP_B = 50


def _root(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"eCFR XML: not well-formed ({exc})") from None


def _appendix(root: etree._Element, name: str) -> etree._Element:
    found = next((d for d in root.iter() if _local(d) == "DIV9" and d.get("N") == name), None)
    if found is None:
        raise InvalidInput(f"eCFR XML: no {name}")
    return found


def parse_groups_xml(data: bytes) -> dict[str, list[str]]:
    """Country Groups A:1 ... E:2 (Supplement No. 1 to Part 740) by row name: the A, D and E
    tables read by position (an X marks membership), Group B from its list."""
    sup = _appendix(_root(data), GROUPS_SUPPLEMENT)
    groups: dict[str, list[str]] = {}
    for caption, labels in GROUP_TABLES.items():
        table = next(
            (
                t
                for t in sup.iter()
                if _local(t) == "TABLE"
                and any(_local(c) == "CAPTION" and caption in _text(c) for c in t.iter())
            ),
            None,
        )
        if table is None:
            raise InvalidInput(f"eCFR XML: no {caption} table")
        for label in labels:
            groups[label] = []
        for row in (r for r in table.iter() if _local(r) == "TR"):
            cells = [c for c in row if _local(c) == "TD"]
            if not cells:
                continue
            name = re.sub(r"\s+\d+$", "", _text(cells[0], skip_sup=True))
            if not name or len(name) > 80 or re.match(r"^(\d+|\(\w\))\s", name):
                continue  # footnote rows
            for label, cell in zip(labels, cells[1:], strict=False):
                if "X" in _text(cell).upper():
                    groups[label].append(name)
    heads = [h for h in sup.iter() if _local(h).startswith("HD") and "Country Group B" in _text(h)]
    b_list = None
    if heads:
        b_list = next((el for el in heads[0].itersiblings() if _local(el) == "SCOL2"), None)
    if b_list is None:
        raise InvalidInput("eCFR XML: no Country Group B list")
    groups["B"] = [t for li in b_list.iter() if _local(li) == "LI" if (t := _text(li))]
    if len(groups["B"]) < MIN_GROUP_B:
        raise InvalidInput(f"eCFR XML: Country Group B has only {len(groups['B'])} entries")
    return groups


__all__ = [
    "COLUMNS",
    "GROUPS_SUPPLEMENT",
    "GROUP_TABLES",
    "SUPPLEMENT",
    "parse_chart_xml",
    "parse_groups_xml",
]
