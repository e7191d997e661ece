"""Notebook and job entry point: screen a Spark DataFrame on the executors (issue 14).

>>> from tradescreen.spark import screen_dataframe
>>> out = screen_dataframe(spark.table("crm.counterparties"), id_column="customer_id")
>>> out.where("kind = 'result' and hit").write.parquet("s3a://bucket/screening/2026-12-02")

``screen_dataframe`` pins the list versions in force (the store of ``settings``, as
``tradescreen batch`` does), ships the screener to the executors as a compact, version-guarded
blob and returns a lazy DataFrame ``(row, kind, line, hit)``: ``kind`` is ``result`` (``line``
is the row's JSON result, the local engine's output line) or ``reject`` (the rejects-file CSV
line). Scoring runs in ``mapInArrow`` with the local engine's ``process_rows``. Nothing is
collected to the driver.

Row ids: ``id_column`` (an integer column), else the 1-based position in read order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tradescreen.batch.core import RowOptions
from tradescreen.batch.spark import OUTPUT_DDL, screen_frame
from tradescreen.clock import SystemClock, zone
from tradescreen.screening.snapshot import SnapshotScreener
from tradescreen.settings import Settings


def screen_dataframe(
    df: Any,
    *,
    settings: Settings | None = None,
    snapshot: SnapshotScreener | None = None,
    name_column: str = "name",
    country_column: str | None = "country",
    id_column: str | None = None,
    as_of: date | None = None,
    known_at: datetime | None = None,
    threshold: float | None = None,
) -> Any:
    """``df`` screened on the executors: a DataFrame ``(row, kind, line, hit)``.

    ``snapshot``: the pinned screener (default: the lists in force in ``settings``' store);
    ``as_of`` defaults to today in ``settings.timezone``."""
    settings = settings or Settings()
    snap = snapshot or SnapshotScreener.from_settings(settings, known_at)
    opts = RowOptions(
        name_column=name_column,
        country_column=country_column if country_column in df.columns else None,
        as_of=as_of or SystemClock(zone(settings.timezone)).today(),
        out_format="jsonl",
        threshold=threshold,
        known_at=known_at,
    )
    return screen_frame(df, snap, opts, id_column=id_column)


__all__ = ["OUTPUT_DDL", "screen_dataframe"]
