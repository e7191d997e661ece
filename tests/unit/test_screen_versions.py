"""The screener's view of the versions in force: cached, never stale within one process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.data_paths import LISTS, require_data

import tradescreen as ts

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lists" / "us_csl_sample.csv"
DPL_2023 = LISTS / "us_bis_dpl" / "dpl_2023-11.txt"


def _dpl_versions(screener: ts.Screener) -> list[int]:
    return [v.id for v in screener.versions_in_force() if v.list_code == "us_bis_dpl"]


def test_load_in_the_same_process_is_seen_at_once(tmp_path: Path) -> None:
    settings = ts.Settings(db=str(tmp_path / "s.db"), version_refresh_seconds=3600)
    store = ts.open_store(settings)
    ts.load_files(store, [SAMPLE], settings=settings)
    screener = ts.Screener(store, settings)
    before = _dpl_versions(screener)
    assert screener.screen(ts.Query("Zimo Sheng"), as_of=date(2021, 1, 1)).hits
    # another SqlStore object on the same engine (as the API's load route uses) counts too
    other = ts.SqlStore(store.engine)
    ts.load_files(
        other, [require_data(DPL_2023)], settings=settings.model_copy(update={"max_shrink": 1.0})
    )
    after = _dpl_versions(screener)
    assert after != before
    res = screener.screen(ts.Query("Zimo Sheng"), as_of=date(2021, 1, 1))
    assert [v.id for v in res.list_versions if v.list_code == "us_bis_dpl"] == after


@pytest.mark.parametrize("refresh", [0.0, 60.0])
def test_load_by_another_process_is_seen_after_the_refresh_interval(
    tmp_path: Path, refresh: float
) -> None:
    settings = ts.Settings(db=str(tmp_path / "s.db"), version_refresh_seconds=refresh)
    store = ts.open_store(settings)
    ts.load_files(store, [SAMPLE], settings=settings)
    ticks = [1000.0]  # the screener's monotonic seconds, moved by the test (never slept for)
    screener = ts.Screener(store, settings, monotonic=lambda: ticks[0])
    before = _dpl_versions(screener)
    elsewhere = ts.SqlStore.from_url(settings.db_url())  # its own engine: another process
    ts.load_files(
        elsewhere,
        [require_data(DPL_2023)],
        settings=settings.model_copy(update={"max_shrink": 1.0}),
    )
    if refresh:
        # within the interval: the cached view (a slow load on a busy machine cannot use the
        # interval up: the time is the test's, not the machine's)
        ticks[0] += refresh - 1
        assert _dpl_versions(screener) == before
        ticks[0] += 2
    assert _dpl_versions(screener) != before
