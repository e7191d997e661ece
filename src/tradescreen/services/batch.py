"""Batch screening of a file, the use case behind ``tradescreen batch``: the engines (local
processes or Spark) of :mod:`tradescreen.batch`, with "today" from the application clock and
the run recorded in the audit chain (one ``screening_file`` record per completed run)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tradescreen.batch.local import BatchReport
from tradescreen.batch.local import screen_file as _screen_file
from tradescreen.clock import SystemClock, zone
from tradescreen.settings import Settings


def screen_file(
    input: Path | str,
    output: Path | None,
    *,
    settings: Settings,
    actor: str,
    as_of: date | None = None,
    **options: Any,
) -> BatchReport:
    """Screen every row of ``input`` (options: those of :func:`tradescreen.batch.local.
    screen_file`); ``as_of`` defaults to the clock's today in ``settings.timezone``."""
    day = as_of or SystemClock(zone(settings.timezone)).today()
    return _screen_file(input, output, settings=settings, as_of=day, audit_actor=actor, **options)


__all__ = ["BatchReport", "screen_file"]
