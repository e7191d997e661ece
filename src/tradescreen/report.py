"""Render a batch of screening results: a readable terminal report (rich), JSONL and CSV.

Used by ``python -m tradescreen.demo`` and usable by any command that screens several
counterparties. Input is a sequence of ``(row, result)`` pairs, where ``row`` is the
counterparty as the user gave it (its columns, e.g. ``id``, ``name``, ``country``) and
``result`` is the :class:`~tradescreen.results.ScreenResult` for it. Input order is kept.

JSONL (one line per counterparty, same shape as ``tradescreen batch`` JSONL output plus
``verdict``)::

    {"row": 1, "input": {...the row's columns...}, "verdict": "hit" | "clear",
     "query": ..., "as_of": ..., "known_at": ..., "list_versions": [...], "warnings": [...],
     "hits": [...]}          # the keys of ScreenResult.to_dict()

CSV: the row's columns, then :data:`CSV_RESULT_COLUMNS` (best hit only). Every cell that a
spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tradescreen.csvsafe import safe_cell
from tradescreen.match.explanation import Explanation
from tradescreen.match.render import to_text
from tradescreen.results import Hit, ScreenResult

Row = Mapping[str, str]
Pair = tuple[Row, ScreenResult]

VERDICT_HIT = "hit"
VERDICT_CLEAR = "clear"

CSV_RESULT_COLUMNS = (
    "row",
    "verdict",
    "hit_count",
    "score",
    "listed_name",
    "matched_name",
    "entity_id",
    "lists",
    "federal_register",
    "start_date",
    "end_date",
    "license_policy",
    "source_url",
    "why",
    "warnings",
)


# ---------------------------------------------------------------------------
# What one result says, in words


def verdict(result: ScreenResult) -> str:
    """``hit`` when the screener returned any hit (at or above its threshold), else ``clear``."""
    return VERDICT_HIT if result.hits else VERDICT_CLEAR


def best_hit(result: ScreenResult) -> Hit | None:
    """The highest-scoring hit (the screener returns hits best first)."""
    return max(result.hits, key=lambda h: h.score) if result.hits else None


def explain(explanation: Explanation, limit: int = 160) -> str:
    """One line saying why a hit matched (``match.render.to_text``: the words as written on
    both sides, the words on one side only, the penalties, the facts that agreed)."""
    return to_text(explanation, limit)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _citations(hit: Hit) -> list[str]:
    seen: dict[str, None] = {}
    for listing in hit.listings:
        for c in listing.citations:
            seen.setdefault(str(c).split(" (")[0], None)
    return list(seen)


def _lists(hit: Hit) -> list[str]:
    return list(dict.fromkeys(x.list_code for x in hit.listings))


def _label(row: Row) -> str:
    name = str(row.get("name", "")).strip()
    country = str(row.get("country", "") or "").strip()
    return f"{name} ({country})" if country else name


# ---------------------------------------------------------------------------
# Terminal report


def render_report(results: Sequence[Pair], console: Console) -> None:
    """Print one line per counterparty (verdict, best hit, score, list, FR citation, why),
    then a summary: counts, the as-of date(s) and every list version used."""
    table = Table(
        title="Screening report",
        show_lines=False,
        header_style="bold",
        expand=False,
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("counterparty", overflow="fold", max_width=34)
    table.add_column("verdict", no_wrap=True)
    table.add_column("best hit (listed name)", overflow="fold", max_width=34)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("list", no_wrap=True)
    table.add_column("Federal Register", overflow="fold", max_width=14)
    table.add_column("why", overflow="fold", max_width=40)

    for i, (row, result) in enumerate(results, start=1):
        hit = best_hit(result)
        # Every cell is a Text, never markup: names may contain "[...]".
        if hit is None:
            table.add_row(Text(str(i)), Text(_label(row)), Text("clear", style="green"))
            continue
        listed = Text(hit.entity.name)
        if hit.matched_name and hit.matched_name != hit.entity.name:
            listed.append(f" (matched: {hit.matched_name})", style="dim")
        if len(result.hits) > 1:
            listed.append(f" +{len(result.hits) - 1} more", style="dim")
        cites = _citations(hit)
        table.add_row(
            Text(str(i)),
            Text(_label(row)),
            Text("HIT", style="bold red"),
            listed,
            Text(f"{hit.score:.2f}"),
            Text(", ".join(_lists(hit)) or "-"),
            Text(", ".join(cites[:2]) + (" …" if len(cites) > 2 else "") if cites else "-"),
            Text(explain(hit.explanation, limit=90)),
        )
    console.print(table)
    console.print(_summary(results))


def _summary(results: Sequence[Pair]) -> Panel:
    n = len(results)
    with_hits = sum(1 for _, r in results if r.hits)
    as_of = sorted({r.as_of.isoformat() for _, r in results})
    lines: list[Text | Table] = [
        Text.assemble(
            ("screened ", ""),
            (str(n), "bold"),
            ("  ·  with hits ", ""),
            (str(with_hits), "bold red" if with_hits else "bold"),
            ("  ·  clear ", ""),
            (str(n - with_hits), "bold green"),
            ("  ·  as of ", ""),
            (", ".join(as_of) or "-", "bold"),
        )
    ]
    versions = {v.id: v for _, r in results for v in r.list_versions}
    if versions:
        vt = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        vt.add_column("list", no_wrap=True)
        vt.add_column("name", overflow="fold", style="dim")
        vt.add_column("version", justify="right")
        vt.add_column("records", justify="right")
        vt.add_column("data date")
        vt.add_column("loaded at")
        vt.add_column("sha256")
        for v in sorted(versions.values(), key=lambda v: (v.list_code, v.id)):
            vt.add_row(
                v.list_code,
                v.list_name,
                str(v.id),
                str(v.record_count),
                v.data_date.isoformat() if v.data_date else "-",
                v.retrieved_at.isoformat(timespec="seconds"),
                v.sha256[:12],
            )
        lines.append(Text("lists and versions used:"))
        lines.append(vt)
    warnings = sorted({w for _, r in results for w in r.warnings})
    for w in warnings[:10]:
        lines.append(Text(f"warning: {w}", style="yellow"))
    if len(warnings) > 10:
        lines.append(Text(f"... and {len(warnings) - 10} more warnings", style="yellow"))
    return Panel(Group(*lines), title="Summary", expand=False)


# ---------------------------------------------------------------------------
# Files


def to_record(number: int, row: Row, result: ScreenResult) -> dict[str, Any]:
    """The JSONL record of one counterparty (see the module docstring)."""
    return {"row": number, "input": dict(row), "verdict": verdict(result), **result.to_dict()}


def write_jsonl(results: Iterable[Pair], path: str | Path) -> int:
    """Write one JSON line per counterparty, in input order. Returns the number of lines."""
    n = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as fh:
        for n, (row, result) in enumerate(results, start=1):
            fh.write(json.dumps(to_record(n, row, result), ensure_ascii=False, default=str))
            fh.write("\n")
    return n


def csv_values(number: int, result: ScreenResult) -> dict[str, str]:
    """The :data:`CSV_RESULT_COLUMNS` of one result (best hit only), not yet neutralised."""
    hit = best_hit(result)
    out = dict.fromkeys(CSV_RESULT_COLUMNS, "")
    out.update(
        row=str(number),
        verdict=verdict(result),
        hit_count=str(len(result.hits)),
        warnings="; ".join(result.warnings),
    )
    if hit is None:
        return out
    starts = sorted({x.start_date.isoformat() for x in hit.listings if x.start_date})
    ends = sorted({x.end_date.isoformat() for x in hit.listings if x.end_date})
    policies = list(dict.fromkeys(x.license_policy for x in hit.listings if x.license_policy))
    urls = list(dict.fromkeys(x.source_url for x in hit.listings if x.source_url))
    out.update(
        score=f"{hit.score:.4f}",
        listed_name=hit.entity.name,
        matched_name=hit.matched_name,
        entity_id=hit.entity.id,
        lists=";".join(_lists(hit)),
        federal_register=";".join(_citations(hit)),
        start_date=";".join(starts),
        end_date=";".join(ends),
        license_policy=" | ".join(policies),
        source_url=";".join(urls),
        why=explain(hit.explanation, limit=500),
        warnings="; ".join([*result.warnings, *hit.warnings]),
    )
    return out


def write_csv(results: Iterable[Pair], path: str | Path) -> int:
    """Write the input columns plus :data:`CSV_RESULT_COLUMNS`, one line per counterparty.

    Input columns come from the first row (later rows' extra columns are dropped); an input
    column whose name clashes with a result column is kept under ``input_<name>``.
    Returns the number of data lines written."""
    n = 0
    writer: Any = None
    input_cols: list[str] = []
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        for n, (row, result) in enumerate(results, start=1):
            if writer is None:
                input_cols = list(row.keys())
                header = [
                    f"input_{c}" if c in CSV_RESULT_COLUMNS else c for c in input_cols
                ] + list(CSV_RESULT_COLUMNS)
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow([safe_cell(h) for h in header])
            values = [row.get(c, "") for c in input_cols]
            values += list(csv_values(n, result).values())
            writer.writerow([safe_cell(v) for v in values])
        if writer is None:  # no rows: still a valid CSV with the result columns
            csv.writer(fh, lineterminator="\n").writerow(CSV_RESULT_COLUMNS)
    return n


__all__ = [
    "CSV_RESULT_COLUMNS",
    "best_hit",
    "csv_values",
    "explain",
    "render_report",
    "safe_cell",
    "to_record",
    "verdict",
    "write_csv",
    "write_jsonl",
]
