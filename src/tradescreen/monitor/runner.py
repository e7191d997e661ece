"""``tradescreen monitor run``: bring the register up to the list versions in force.

The first run screens the whole register forward. Each later run diffs, per list, the version the
previous run saw against the version in force now and re-screens only what changed (reverse,
``monitor.delta``), then screens counterparties added or changed since their last screening.
Alerts new or changed by the run are sent to the webhooks after the run is committed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from tradescreen.errors import TradescreenError
from tradescreen.monitor.counterparties import iter_counterparties, unscreened_keys
from tradescreen.monitor.delta import (
    DeltaReport,
    last_run_versions,
    record_run,
    rescreen_diffs,
    rescreen_full,
    screen_counterparties,
)
from tradescreen.monitor.webhooks import deliver, list_webhooks
from tradescreen.screening.screener import Screener
from tradescreen.screening.snapshot import SnapshotScreener
from tradescreen.settings import Settings
from tradescreen.store.base import VersionDiff
from tradescreen.store.sql import SqlStore


def monitor_run(
    store: SqlStore,
    settings: Settings,
    *,
    as_of: date | None = None,
    full: bool = False,
    notify: bool = True,
    now: datetime | None = None,
    webhook_kwargs: dict[str, Any] | None = None,
    workers: int = 1,
) -> DeltaReport:
    started = now or datetime.now(UTC)
    as_of = as_of or date.today()
    screener = Screener(store, settings)
    snap = SnapshotScreener.from_screener(screener)
    current = {v.stream: v.id for v in snap.versions}  # "us_bis_el/csl": one list, one source
    with store.engine.connect() as c:
        last = last_run_versions(c)
    if last is not None:  # a run recorded before lists were kept per source: {code: id}
        last = {k if "/" in k else store.get_version(v).stream: v for k, v in last.items()}
    if last is None or full:
        report = rescreen_full(
            store, settings, screener=screener, as_of=as_of, now=started, workers=workers
        )
    else:
        diffs: list[VersionDiff] = []
        warnings: list[str] = []
        for code, vid in sorted(current.items()):
            if last.get(code) != vid:
                diffs.append(store.diff(last.get(code), vid))
        for code in sorted(set(last) - set(current)):
            warnings.append(f"list {code} is no longer in force; its alerts were left as they are")
        report = rescreen_diffs(store, diffs, settings, screener=screener, as_of=as_of, now=started)
        report.warnings += warnings
        with store.engine.begin() as c:
            keys = unscreened_keys(c)
            if keys:
                screen_counterparties(
                    c, snap, iter_counterparties(c, keys=keys), report, as_of=as_of, now=started
                )
    report = replace(report, versions=current)
    with store.engine.begin() as c:
        record_run(c, report, started)
    if notify and report.opened:
        try:
            with store.engine.begin() as c:
                if list_webhooks(c):
                    deliver(
                        c,
                        "alerts.opened",
                        {"alerts": report.opened, "run": report.to_dict()},
                        settings,
                        **(webhook_kwargs or {}),
                    )
        except TradescreenError as exc:
            report.warnings.append(f"webhooks not sent: {exc}")
    return report


__all__ = ["monitor_run"]
