"""Screener version switching: atomic answers, background swap, superseded sets dropped."""

from __future__ import annotations

import threading
import time
from datetime import date

from tests.data_paths import LISTS, require_data

from tradescreen.loading import load_files
from tradescreen.model import Query
from tradescreen.screen import Screener
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

OLD = LISTS / "us_bis_dpl" / "dpl_2023-11.txt"
NEW = LISTS / "us_bis_dpl" / "bis_dpl_2026-04-14.json"
AS_OF = date(2026, 6, 1)


def _ids(result: object) -> list[int]:
    return [v.id for v in result.list_versions]  # type: ignore[attr-defined]


def test_background_swap_keeps_answering_on_the_old_set_then_switches(store: SqlStore) -> None:
    settings = Settings(max_shrink=0.9, version_refresh_seconds=0)
    [old] = load_files(store, [require_data(OLD)], settings=settings).created
    screener = Screener(store, settings, background_swap=True)
    assert _ids(screener.screen(Query("ASHRAF GUIRGUIS"), as_of=AS_OF)) == [old.id]
    gate = threading.Event()
    real_build = screener._build

    def slow_build(*args: object, **kw: object) -> object:
        gate.wait(30)  # the new set's index is "being built" until the test opens the gate
        return real_build(*args, **kw)  # type: ignore[arg-type]

    screener._build = slow_build  # type: ignore[method-assign]
    [new] = load_files(store, [require_data(NEW)], settings=settings).created
    started = time.monotonic()
    during = screener.screen(Query("ASHRAF GUIRGUIS"), as_of=AS_OF)
    assert time.monotonic() - started < 5  # answered without waiting for the build
    assert _ids(during) == [old.id]  # the whole old set, cited as such
    gate.set()
    deadline = time.monotonic() + 60
    while _ids(screener.screen(Query("x"), as_of=AS_OF)) != [new.id]:
        assert time.monotonic() < deadline, "the new set was never switched in"
        time.sleep(0.05)
    assert set(screener._parts) == {new.id}  # the superseded version's index was dropped


def test_without_background_swap_the_next_query_uses_the_new_set(store: SqlStore) -> None:
    settings = Settings(max_shrink=0.9, version_refresh_seconds=0)
    [old] = load_files(store, [require_data(OLD)], settings=settings).created
    screener = Screener(store, settings)
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [old.id]
    [new] = load_files(store, [require_data(NEW)], settings=settings).created
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [new.id]
    assert set(screener._parts) == {new.id}


def test_warm_waits_for_the_new_set_even_with_background_swap(store: SqlStore) -> None:
    settings = Settings(max_shrink=0.9, version_refresh_seconds=0)
    load_files(store, [require_data(OLD)], settings=settings)
    screener = Screener(store, settings, background_swap=True)
    screener.warm()
    [new] = load_files(store, [require_data(NEW)], settings=settings).created
    screener.warm()
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [new.id]
