"""Audit export for auditors: CSV (spreadsheet-safe) and JSON.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) get a leading apostrophe. The JSON export is the records as stored plus
the verification report, so an auditor can re-check the MACs with the key.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, TextIO

import orjson
from sqlalchemy import Connection

from tradescreen.audit.chain import AuditRecord, iter_records, verify
from tradescreen.csvsafe import safe_cell
from tradescreen.errors import InvalidInput

COLUMNS = ("seq", "at", "actor", "action", "summary", "payload", "prev_mac", "mac")
FORMATS = ("csv", "json")


def neutralise(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would treat as a formula."""
    return safe_cell(cell)


def summary(rec: AuditRecord) -> str:
    """A one-line human summary of a record for the CSV and the web UI."""
    p = rec.payload
    if rec.action == "screening":
        name = (p.get("query") or {}).get("name", "")
        hits = p.get("hits") or []
        return f"screened {name!r}: {len(hits)} hit(s)"
    if rec.action == "screening_batch":
        return f"screened a batch of {p.get('count', 0)}"
    if rec.action.startswith("review."):
        what = rec.action.split(".", 1)[1]
        verdict = p.get("verdict") or p.get("status", "")
        return f"alert {p.get('alert_id')} {what} {verdict} ({p.get('entity_name', '')})".strip()
    if rec.action == "audit.pruned":
        return f"pruned {p.get('removed', 0)} record(s) through {p.get('through_seq')}"
    if rec.action == "decision":
        decision = p.get("decision") or {}
        outcome = decision.get("outcome") or decision.get("result") or ""
        return f"decision {outcome}".strip()
    return rec.action


def _range(since_seq: int | None, until_seq: int | None) -> dict[str, Any]:
    if since_seq is not None and until_seq is not None and since_seq > until_seq:
        raise InvalidInput("--since must not be after --until")
    return {"since_seq": since_seq, "until_seq": until_seq}


def csv_row(rec: AuditRecord) -> list[str]:
    """One record as a CSV row, formulas neutralised: the one row writer of every CSV export
    (CLI file, API stream), so no channel leaves a formula live."""
    payload = orjson.dumps(rec.payload, option=orjson.OPT_SORT_KEYS).decode()
    cells = [str(rec.seq), rec.at, rec.actor, rec.action, summary(rec), payload]
    return [neutralise(c) for c in cells] + [rec.prev_mac, rec.mac]


def csv_chunks(
    conn: Connection,
    *,
    since_seq: int | None = None,
    until_seq: int | None = None,
    action: str | None = None,
    chunk_chars: int = 64_000,
) -> Iterator[str]:
    """The CSV export as text chunks (for a streamed response)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rec in iter_records(conn, action=action, **_range(since_seq, until_seq)):
        writer.writerow(csv_row(rec))
        if buf.tell() >= chunk_chars:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def export_csv(
    conn: Connection,
    out: TextIO,
    *,
    since_seq: int | None = None,
    until_seq: int | None = None,
    action: str | None = None,
) -> int:
    """Write the records as CSV (one row per record, payload as JSON text); returns the count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for rec in iter_records(conn, action=action, **_range(since_seq, until_seq)):
        writer.writerow(csv_row(rec))
        n += 1
    return n


def export_json(
    conn: Connection,
    out: TextIO,
    *,
    key: bytes | None = None,
    since_seq: int | None = None,
    until_seq: int | None = None,
) -> int:
    """Write ``{"verification": ..., "records": [...]}``; with ``key`` the chain is verified
    first and the report included. Streams one record per line. Returns the count."""
    rng = _range(since_seq, until_seq)
    report = verify(conn, key).to_dict() if key is not None else None
    out.write('{"verification": ')
    out.write(orjson.dumps(report, option=orjson.OPT_SORT_KEYS).decode())
    out.write(',\n "records": [')
    n = 0
    for rec in iter_records(conn, **rng):
        out.write(",\n  " if n else "\n  ")
        out.write(orjson.dumps(rec.to_dict(), option=orjson.OPT_SORT_KEYS).decode())
        n += 1
    out.write("\n ]}\n")
    return n


__all__ = ["FORMATS", "export_csv", "export_json", "neutralise", "summary"]
