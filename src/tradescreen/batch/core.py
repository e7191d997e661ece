"""What both batch engines share: one input row in, one output line (or one reject) out.

The local engine (processes) and the Spark engine call :func:`process_chunk` on their own
partitions with the same screener, so their output is byte-identical for the same input.
Nothing here scores a name: the screener does (``tradescreen.screening``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from tradescreen.batch.io import (
    InputRow,
    csv_line,
    dump_jsonl,
    flatten_result,
    hit_rows,
    reject_line,
)
from tradescreen.countries import parse_country
from tradescreen.errors import InvalidInput
from tradescreen.model import Query, name_problem
from tradescreen.results import ScreenResult


class ScreenerLike(Protocol):
    """What the engines need of ``tradescreen.screening.screener.Screener``."""

    def screen(
        self,
        query: Query,
        *,
        as_of: date,
        known_at: datetime | None = None,
        threshold: float | None = None,
    ) -> ScreenResult: ...


ScreenerFactory = Callable[[], ScreenerLike]


@dataclass(frozen=True, slots=True)
class RowOptions:
    """How to turn a row into a query and a result into an output line (picklable)."""

    name_column: str
    country_column: str | None
    as_of: date
    out_format: str  # "jsonl" | "csv"
    threshold: float | None = None
    known_at: datetime | None = None
    csv_columns: tuple[str, ...] = ()  # input columns written to CSV output, in header order
    csv_rows: str = "input"  # CSV output: one row per "input" (its top hit) or per "hit"
    # JSONL: also put as_of, known_at and list_versions in every row (an output without a
    # manifest, such as a DataFrame); by default they are written once, in the run's manifest
    row_context: bool = False


ROW_CONTEXT = ("as_of", "known_at", "list_versions")
"""The keys of ``ScreenResult.to_dict()`` that are the same for every row of a run: written once
in the manifest (``batch.manifest``), not on every JSONL row."""


@dataclass
class ChunkOut:
    first_row: int
    last_row: int
    output: bytes = b""
    rejects: bytes = b""
    screened: int = 0
    rejected: int = 0
    with_hits: int = 0
    reject_rows: list[int] = field(default_factory=list)
    reject_notes: list[str] = field(default_factory=list)  # "line N: reason", the first few


def query_for(row: InputRow, opts: RowOptions) -> tuple[Query | None, str | None]:
    """The query for ``row``, or the reason the row is rejected."""
    if row.error:
        return None, row.error
    if opts.name_column not in row.columns:
        return None, f"missing name column {opts.name_column!r}"
    raw = row.columns.get(opts.name_column)
    problem = name_problem(raw)
    if problem:
        return None, problem
    country: str | None = None
    if opts.country_column:
        value = row.columns.get(opts.country_column)
        if isinstance(value, str):
            # "China" and "CHN" are CN as in every other channel; a value that is no country
            # is screened without one (never a reason to leave a party unscreened).
            try:
                country = parse_country(value)
            except InvalidInput:
                country = None
    return Query(name=" ".join(str(raw).split()), country=country), None


def output_line(row: InputRow, result: dict[str, Any], opts: RowOptions) -> bytes:
    if opts.out_format == "jsonl":
        if not opts.row_context:
            result = {k: v for k, v in result.items() if k not in ROW_CONTEXT}
        return dump_jsonl({"row": row.number, "input": row.columns, **result})
    values = [row.columns.get(c) for c in opts.csv_columns]
    if opts.csv_rows == "hit":
        return b"".join(csv_line([*values, *r]) for r in hit_rows(row.number, result))
    flat = flatten_result(row.number, result)
    return csv_line([*values, *flat.values()])


@dataclass(frozen=True, slots=True)
class RowOut:
    """One row's outcome: its output line, or its reject line (the other is empty)."""

    number: int
    output: bytes = b""
    reject: bytes = b""
    hit: bool = False
    note: str = ""  # a reject's "line N: reason"


def process_rows(
    screener: ScreenerLike, rows: Iterable[InputRow], opts: RowOptions
) -> Iterator[RowOut]:
    """Each row of ``rows`` screened (or rejected), in input order: what :func:`process_chunk`
    joins into a chunk, and what the Spark engine writes one record per row."""
    for row in rows:
        query, problem = query_for(row, opts)
        if query is not None:
            try:
                result = screener.screen(
                    query, as_of=opts.as_of, known_at=opts.known_at, threshold=opts.threshold
                )
            except InvalidInput as exc:  # the screener refused this one query
                problem = f"invalid query: {exc}"
            else:
                d = result.to_dict()
                yield RowOut(row.number, output=output_line(row, d, opts), hit=bool(d.get("hits")))
                continue
        why = problem or "rejected"
        where = f"line {row.line}" if row.line is not None else f"row {row.number}"
        yield RowOut(
            row.number, reject=reject_line(row, why, opts.name_column), note=f"{where}: {why}"
        )


def process_chunk(screener: ScreenerLike, rows: Sequence[InputRow], opts: RowOptions) -> ChunkOut:
    """Screen every good row of ``rows``; bad rows become rejects. Input order is kept."""
    out = ChunkOut(first_row=rows[0].number if rows else 0, last_row=rows[-1].number if rows else 0)
    lines: list[bytes] = []
    rejects: list[bytes] = []
    for r in process_rows(screener, rows, opts):
        if r.reject:
            rejects.append(r.reject)
            out.rejected += 1
            out.reject_rows.append(r.number)
            if len(out.reject_notes) < 5:
                out.reject_notes.append(r.note)
        else:
            lines.append(r.output)
            out.screened += 1
            out.with_hits += r.hit
    out.output = b"".join(lines)
    out.rejects = b"".join(rejects)
    return out


__all__ = [
    "ROW_CONTEXT",
    "ChunkOut",
    "RowOptions",
    "RowOut",
    "ScreenerFactory",
    "ScreenerLike",
    "output_line",
    "process_chunk",
    "process_rows",
    "query_for",
]
