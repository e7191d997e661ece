"""Audit-trail use cases: verify, export (CSV or JSON), anchor, prune, the newest records.
The CLI (``tradescreen audit …``), the API (``/v1/audit/…``) and the web UI (``/ui/audit``)
call these through :class:`tradescreen.services.Services`, with its key and its clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.engine import Engine

from tradescreen.audit.chain import (
    AuditRecord,
    VerifyReport,
    export_anchor,
    iter_records,
    prune,
    recent,
    verify,
)
from tradescreen.audit.export import FORMATS, csv_chunks, export_csv, export_json, summary
from tradescreen.errors import InvalidInput


def verify_chain(engine: Engine, key: bytes, *, anchors: Path | None = None) -> VerifyReport:
    with engine.connect() as conn:
        return verify(conn, key, anchors=anchors)


def export_to(
    engine: Engine,
    key: bytes,
    out: TextIO,
    *,
    fmt: str = "csv",
    since_seq: int | None = None,
    until_seq: int | None = None,
) -> int:
    """Write the records to ``out`` (CSV neutralised against formulas, or JSON with the
    verification report); returns how many."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; use csv or json")
    with engine.connect() as conn:
        if fmt == "csv":
            return export_csv(conn, out, since_seq=since_seq, until_seq=until_seq)
        return export_json(conn, out, key=key, since_seq=since_seq, until_seq=until_seq)


def csv_stream(
    engine: Engine, *, since_seq: int | None, until_seq: int | None, action: str | None
) -> Iterator[bytes]:
    """The CSV export as bytes chunks, for a streamed response (the same rows as the file)."""
    with engine.connect() as conn:
        for chunk in csv_chunks(conn, since_seq=since_seq, until_seq=until_seq, action=action):
            yield chunk.encode("utf-8")


def records(
    engine: Engine, *, since_seq: int | None, until_seq: int | None, action: str | None
) -> Iterator[dict[str, Any]]:
    with engine.connect() as conn:
        for rec in iter_records(conn, since_seq=since_seq, until_seq=until_seq, action=action):
            yield rec.to_dict()


def anchor(engine: Engine, key: bytes, path: Path, *, now: datetime) -> dict[str, Any]:
    with engine.connect() as conn:
        return export_anchor(conn, key, path, now=now)


def prune_before(engine: Engine, key: bytes, before: datetime, *, actor: str, now: datetime) -> int:
    with engine.begin() as conn:
        return prune(conn, before, key=key, actor=actor, now=now)


def newest(engine: Engine, *, limit: int = 100) -> list[tuple[AuditRecord, str]]:
    """The newest records, each with its one-line summary (the web UI's audit page)."""
    with engine.connect() as conn:
        return [(r, summary(r)) for r in recent(conn, limit=limit)]


__all__ = [
    "anchor",
    "csv_stream",
    "export_to",
    "newest",
    "prune_before",
    "records",
    "verify_chain",
]
