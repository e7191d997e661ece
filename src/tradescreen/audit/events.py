"""What the adapters record: one audit record per screening, per file batch and per decision.

The API and web UI call these right after answering, in the same transaction as any alert they
raise; the CLI's ``screen`` and ``batch`` through :func:`record_now` (``batch`` records the
file run as one ``screening_file`` record: inputs and outputs by SHA-256, counts, list
versions). A record holds who, when, what kind, the input, the list versions used, the results
(entity id, content hash, score, lists) and the engine version, enough to show later exactly
what was answered and on which data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from tradescreen.audit.chain import AuditRecord, load_or_create_key, record
from tradescreen.digest import sha256_files
from tradescreen.model import ListVersion, to_dict
from tradescreen.results import Hit, ScreenResult, version_to_json
from tradescreen.settings import Settings

SCREENING = "screening"
SCREENING_FILE = "screening_file"  # one record per file batch (tradescreen batch)
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


def record_now(
    settings: Settings, *, actor: str, action: str, payload: Mapping[str, Any]
) -> AuditRecord:
    """One record in its own transaction on the store of ``settings``, with its key (the CLI's
    way: a command has no request transaction to join; both batch engines record a run so)."""
    from tradescreen.db import make_engine

    engine = make_engine(settings.db_url())
    try:
        key = load_or_create_key(settings, engine)
        with engine.begin() as conn:
            return record(conn, actor=actor, action=action, payload=payload, key=key)
    finally:
        engine.dispose()


def file_sha256(path: Path) -> str | None:
    """SHA-256 of one file, or None when it cannot be read (a rejects file never written)."""
    try:
        return sha256_files([path])
    except OSError:
        return None


def batch_file_payload(
    report: Mapping[str, Any],
    *,
    versions: Sequence[ListVersion],
    warnings: Sequence[str],
    as_of: date,
    known_at: datetime | None,
    threshold: float | None,
    stopped: str | None = None,
) -> dict[str, Any]:
    """What a file batch was screened against and what it wrote: the inputs and outputs by
    SHA-256, the list versions, the counts (per-row results stay in the output file), and
    whether the run read the whole file (``complete``; else ``stopped`` says why: interrupted,
    or the error that stopped it)."""
    output = Path(report["output"])
    manifest = Path(report["manifest"]) if report.get("manifest") else None
    return {
        "kind": SCREENING_FILE,
        "engine_version": engine_version(),
        "input": report["input"],
        "input_sha256": file_sha256(Path(report["input"])),
        "complete": bool(report.get("complete", True)) and stopped is None,
        "stopped": stopped,
        "output": report["output"],
        "output_sha256": file_sha256(output) if output.is_file() else None,
        "manifest": str(manifest) if manifest else None,
        "manifest_sha256": file_sha256(manifest) if manifest and manifest.is_file() else None,
        "rejects": report["rejects"],
        "rejects_sha256": file_sha256(Path(report["rejects"])),
        "rows": report["rows"],
        "screened": report["screened"],
        "rejected": report["rejected"],
        "rows_with_hits": report["rows_with_hits"],
        "resumed_from": report["resumed_from"],
        "as_of": as_of.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        "threshold": threshold,
        "list_versions": [version_to_json(v) for v in versions],
        "warnings": list(warnings),
    }


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
    "SCREENING_FILE",
    "batch_file_payload",
    "file_sha256",
    "hit_summary",
    "record_decision",
    "record_now",
    "record_screening",
    "record_screenings",
    "screening_payload",
]
