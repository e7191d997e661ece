"""Alerts for list updates that were refused: the fail-closed half that people must hear about.

A refused update leaves the version in force in force, which is right, and also leaves the
screening running on older data until someone acts, so it must not pass quietly. Every refusal
(``list.quarantined``: the update would shrink the list; ``list.rejected``: the file does not
parse, or a download failed its checksum or was cut short) is

- logged at ERROR on the ``tradescreen.lists`` logger,
- appended to the audit chain (actor ``loader``), so the record of what was in force when shows
  why it stayed in force, and
- posted to every webhook subscribed to the event (signed, retried, dead-lettered like alerts).

Alerting never hides the refusal itself: a failure to alert is logged and the original error is
raised as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from tradescreen.errors import QuarantinedError, TradescreenError
from tradescreen.settings import Settings
from tradescreen.store.base import Store, sql_engine

log = logging.getLogger("tradescreen.lists")

QUARANTINED = "list.quarantined"
REJECTED = "list.rejected"
OVERRIDE = "list.override"  # a load that passed a check only because the caller said so


def event_for(error: TradescreenError) -> str:
    return QUARANTINED if isinstance(error, QuarantinedError) else REJECTED


def alert_refused(
    store: Store,
    settings: Settings,
    error: TradescreenError,
    *,
    source: Sequence[str],
    list_codes: Sequence[str] = (),
    quarantined: Sequence[dict[str, object]] = (),
    webhook_kwargs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Log, audit and post one refused update; returns the event payload. Never raises."""
    event = event_for(error)
    try:
        in_force: list[dict[str, Any]] | None = [
            {"id": v.id, "list": v.list_code, "records": v.record_count, "sha256": v.sha256}
            for v in store.active_versions()
            if not list_codes or v.list_code in list_codes
        ]
    except Exception as exc:  # the store itself may be what failed
        log.error("%s: versions in force not read: %s", event, exc)
        in_force = None
    payload: dict[str, Any] = {
        "event": event,
        "at": datetime.now(UTC).isoformat(),
        "reason": error.message,
        "code": error.code,
        "source": list(source),
        "lists": list(list_codes),
        "quarantined": list(quarantined),
        "in_force": in_force,
    }
    # ``refusal`` marks the line that repeats the error the caller receives: the CLI, which
    # prints that error itself, leaves this line out (one line per failure).
    log.error(
        "%s: %s (source: %s)",
        event,
        error.message,
        ", ".join(source) or "-",
        extra={"refusal": error.code},
    )
    engine = sql_engine(store)
    if engine is None:  # a store without SQL tables: the log line is the alert
        return payload
    try:
        _audit(engine, settings, event, payload)
    except Exception as exc:  # alerting must never mask the refusal
        log.error("%s not written to the audit chain: %s", event, exc)
    try:
        _post(engine, settings, event, payload, webhook_kwargs or {})
    except Exception as exc:  # likewise
        log.error("%s not posted to webhooks: %s", event, exc)
    return payload


def audit_override(
    store: Store, settings: Settings, overridden: Sequence[str], report: dict[str, Any]
) -> dict[str, Any]:
    """Log (WARNING) and audit a load that went in force with a check overridden
    (``--allow-partial``, ``--allow-rollback``, ``--allow-shrink``). Never raises."""
    payload: dict[str, Any] = {
        "event": OVERRIDE,
        "at": datetime.now(UTC).isoformat(),
        "overridden": list(overridden),
        "created": report.get("created", []),
        "source": report.get("paths", []),
        "sha256": report.get("sha256"),
    }
    for what in overridden:
        log.warning("%s: %s", OVERRIDE, what)
    engine = sql_engine(store)
    if engine is not None:
        try:
            _audit(engine, settings, OVERRIDE, payload)
        except Exception as exc:  # the load is done; say that its record is missing
            log.error("%s not written to the audit chain: %s", OVERRIDE, exc)
    return payload


def _audit(engine: Engine, settings: Settings, event: str, payload: dict[str, Any]) -> None:
    from tradescreen.audit.chain import load_or_create_key, record

    key = load_or_create_key(settings, engine)
    with engine.begin() as conn:
        record(conn, actor="loader", action=event, payload=payload, key=key)


def _post(
    engine: Engine, settings: Settings, event: str, payload: dict[str, Any], kw: dict[str, Any]
) -> None:
    from tradescreen.monitor.webhooks import deliver, list_webhooks

    with engine.begin() as conn:
        if not list_webhooks(conn):
            return
        for d in deliver(conn, event, payload, settings, **kw):
            if d.status != "delivered":
                log.error("%s to %s: %s after %d attempts", event, d.url, d.status, d.attempts)


__all__ = ["OVERRIDE", "QUARANTINED", "REJECTED", "alert_refused", "audit_override", "event_for"]
