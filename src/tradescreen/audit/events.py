"""What the adapters record: one audit record per screening and per decision.

The API, CLI and web UI call these right after answering, in the same transaction as any alert
they raise. A record holds who, when, what kind, the input, the list versions used, the results
(entity id, content hash, score, lists) and the engine version, enough to show later exactly what
was answered and on which data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tradescreen.audit.chain import AuditRecord, record
from tradescreen.model import to_dict
from tradescreen.results import Hit, ScreenResult, version_to_json

SCREENING = "screening"
DECISION = "decision"


def engine_version() -> str:
    from tradescreen import __version__

    return __version__


def hit_summary(hit: Hit) -> dict[str, Any]:
    return {
        "entity_id": hit.entity.id,
        "name": hit.entity.name,
        "matched_name": hit.matched_name,
        "score": round(hit.score, 4),
        "lists": sorted({x.list_code for x in hit.listings}),
        "entity_hash": hit.entity.content_hash(),
        "version_id": hit.version_id,
    }


def screening_payload(
    result: ScreenResult, *, context: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": SCREENING,
        "engine_version": engine_version(),
        "query": to_dict(result.query),
        "as_of": result.as_of.isoformat(),
        "known_at": result.known_at.isoformat() if result.known_at else None,
        "list_versions": [version_to_json(v) for v in result.list_versions],
        "warnings": list(result.warnings),
        "hits": [hit_summary(h) for h in result.hits],
    }
    if context:
        payload["context"] = dict(context)
    return payload


def record_screening(
    conn: Connection,
    *,
    actor: str,
    result: ScreenResult,
    key: bytes,
    now: datetime | None = None,
    context: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Audit one screening. ``context``: anything the caller adds (counterparty key, channel,
    request id, suppressed hits...)."""
    payload = screening_payload(result, context=context)
    return record(conn, actor=actor, action=SCREENING, payload=payload, key=key, now=now)


def record_screenings(
    conn: Connection,
    *,
    actor: str,
    results: list[ScreenResult],
    key: bytes,
    now: datetime | None = None,
    context: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Audit a batch of screenings as one record (a batch is one request)."""
    payload = {
        "kind": "screening_batch",
        "engine_version": engine_version(),
        "count": len(results),
        "results": [screening_payload(r) for r in results],
    }
    if context:
        payload["context"] = dict(context)
    return record(conn, actor=actor, action="screening_batch", payload=payload, key=key, now=now)


def record_decision(
    conn: Connection,
    *,
    actor: str,
    decision: Any,
    key: bytes,
    now: datetime | None = None,
    context: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Audit one export-control decision. ``decision`` is a mapping or an object with
    ``to_dict()`` (or a dataclass), stored as given."""
    if isinstance(decision, Mapping):
        body: Any = dict(decision)
    elif hasattr(decision, "to_dict"):
        body = decision.to_dict()
    else:
        body = to_dict(decision)
    payload: dict[str, Any] = {
        "kind": DECISION,
        "engine_version": engine_version(),
        "decision": body,
    }
    if context:
        payload["context"] = dict(context)
    return record(conn, actor=actor, action=DECISION, payload=payload, key=key, now=now)


__all__ = [
    "DECISION",
    "SCREENING",
    "hit_summary",
    "record_decision",
    "record_screening",
    "record_screenings",
    "screening_payload",
]
