"""trade.gov Consolidated Screening List, JSON (the API / JSON download shape).

``{"total": n, "sources_used": [...], "results": [{...the CSV fields..., lists as arrays,
addresses and ids as objects}]}``. Each result goes through the same row mapping as the CSV
(``csl.row_to_entity``), which accepts arrays and objects where the CSV has ``;``-joined text.
No real copy was at hand: ``tests/sources/fixtures/csl_api.json`` is written in the published
shape. The ``sources_used[].source_last_updated`` newest value becomes ``data_date``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from tradescreen.errors import SourceError
from tradescreen.model import Entity
from tradescreen.sources import _io
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.csl import row_to_entity
from tradescreen.sources.dates import parse_datetime_date
from tradescreen.sources.ids import IdAllocator

FORMAT = "csl_json"


def sniff(head: bytes, name: str) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return h.startswith(b"{") and b'"results"' in head and b'"source"' in head


def load_json(blob: _io.Blob) -> Any:
    try:
        return orjson.loads(blob.data)
    except orjson.JSONDecodeError as exc:
        line = blob.data[: exc.pos].count(b"\n") + 1
        raise SourceError(f"invalid JSON ({exc.msg})", path=blob.path, line=line) from exc


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    doc = load_json(blob)
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise SourceError('not a CSL JSON document: no "results" array', path=blob.path)
    updated = [
        parse_datetime_date(str(s.get("source_last_updated") or ""))
        for s in doc.get("sources_used") or []
        if isinstance(s, dict)
    ]
    known = [d for d in updated if d]
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    parsed.data_date = max(known) if known else None
    ids = IdAllocator()

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for i, rec in enumerate(doc["results"]):
            if not isinstance(rec, dict):
                parsed.rejected.append(f"{blob.path}: results[{i}] is not an object")
                continue
            yield None, partial(row_to_entity, rec, ids)

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed
