"""Monitoring use cases: the counterparty register, the delta re-screen on a list change, and
the webhooks that receive alerts. ``tradescreen counterparties|monitor|webhooks`` call these
through :class:`tradescreen.services.Services`; the changes to the register and the webhooks
are audited there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from tradescreen.errors import Unavailable
from tradescreen.monitor.counterparties import (
    Counterparty,
    ImportReport,
    count_counterparties,
    import_counterparties,
    iter_counterparties,
)
from tradescreen.monitor.delta import DeltaReport
from tradescreen.monitor.runner import monitor_run
from tradescreen.monitor.webhooks import (
    Delivery,
    Webhook,
    add_webhook,
    dead_letters,
    list_webhooks,
    redeliver_dead,
    remove_webhook,
)
from tradescreen.settings import Settings
from tradescreen.store.base import Store
from tradescreen.store.sql import SqlStore


def import_register(
    engine: Engine,
    path: Path,
    *,
    id_column: str,
    name_column: str,
    country_column: str | None,
    identifier_columns: Sequence[str],
    format: str | None,
    replace: bool,
) -> ImportReport:
    with engine.begin() as conn:
        return import_counterparties(
            conn,
            path,
            id_column=id_column,
            name_column=name_column,
            country_column=country_column,
            identifier_columns=identifier_columns,
            format=format,
            deactivate_missing=replace,
        )


def register(engine: Engine, *, active_only: bool, limit: int) -> tuple[int, list[Counterparty]]:
    """How many counterparties, and the first ``limit`` by id."""
    with engine.connect() as conn:
        total = count_counterparties(conn, active_only=active_only)
        rows: list[Counterparty] = []
        for cp in iter_counterparties(conn, active_only=active_only):
            if len(rows) >= limit:
                break
            rows.append(cp)
    return total, rows


def run(
    store: Store,
    settings: Settings,
    *,
    as_of: date,
    now: datetime,
    full: bool,
    notify: bool,
    workers: int,
) -> DeltaReport:
    if not isinstance(store, SqlStore):  # the register and the alerts live in its tables
        raise Unavailable("monitoring needs the SQL store")
    return monitor_run(
        store, settings, as_of=as_of, now=now, full=full, notify=notify, workers=workers
    )


def add_hook(engine: Engine, url: str, *, events: str) -> Webhook:
    with engine.begin() as conn:
        return add_webhook(conn, url, events=events)


def hooks(engine: Engine) -> tuple[list[Webhook], list[Delivery]]:
    with engine.connect() as conn:
        return list_webhooks(conn), dead_letters(conn)


def remove_hook(engine: Engine, webhook_id: int) -> None:
    with engine.begin() as conn:
        remove_webhook(conn, webhook_id)


def retry_dead(engine: Engine, settings: Settings) -> list[Delivery]:
    with engine.begin() as conn:
        return list(redeliver_dead(conn, settings))


__all__ = ["add_hook", "hooks", "import_register", "register", "remove_hook", "retry_dead", "run"]
