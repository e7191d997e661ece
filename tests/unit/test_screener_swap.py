"""Screener version switching: atomic answers, background swap, superseded sets dropped.

The swap runs through the index cache's ``spawn`` seam: a test holds the build task and runs it
when it chooses (no private attribute patched, no sleep), and one test keeps a real thread
behind a gate."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

from tests.data_paths import LISTS, require_data

from tradescreen.loading import load_files
from tradescreen.model import Query
from tradescreen.screening.index_cache import IndexCache, start_thread
from tradescreen.screening.screener import Screener
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

OLD = LISTS / "us_bis_dpl" / "dpl_2023-11.txt"
NEW = LISTS / "us_bis_dpl" / "bis_dpl_2026-04-14.json"
OTHER = LISTS / "us_fcc_covered" / "fcc_covered_2026-07.json"  # another list: a third set
AS_OF = date(2026, 6, 1)
SETTINGS = Settings(max_shrink=0.9, version_refresh_seconds=0)


def _ids(result: object) -> list[int]:
    return [v.id for v in result.list_versions]  # type: ignore[attr-defined]


class HeldTasks:
    """A ``spawn`` that keeps the background tasks until the test runs them."""

    def __init__(self) -> None:
        self.tasks: list[Callable[[], None]] = []

    def __call__(self, task: Callable[[], None]) -> None:
        self.tasks.append(task)

    def run_all(self) -> None:
        tasks, self.tasks = self.tasks, []
        for task in tasks:
            task()


def test_background_swap_keeps_answering_on_the_old_set_then_switches(store: SqlStore) -> None:
    held = HeldTasks()
    cache = IndexCache(store, spawn=held)
    [old] = load_files(store, [require_data(OLD)], settings=SETTINGS).created
    screener = Screener(store, SETTINGS, background_swap=True, cache=cache)
    assert _ids(screener.screen(Query("ASHRAF GUIRGUIS"), as_of=AS_OF)) == [old.id]
    assert held.tasks == []  # the first set is built in the foreground: nothing to answer with
    [new] = load_files(store, [require_data(NEW)], settings=SETTINGS).created
    during = screener.screen(Query("ASHRAF GUIRGUIS"), as_of=AS_OF)
    assert _ids(during) == [old.id]  # the whole old set, cited as such, while the new one waits
    assert cache.building == (new.id,)
    screener.screen(Query("x"), as_of=AS_OF)
    assert len(held.tasks) == 1  # one build per new set, however many queries meanwhile
    held.run_all()
    assert cache.building is None
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [new.id]
    assert cache.part_ids() == {new.id}  # the superseded version's index was dropped


def test_a_swap_overtaken_by_a_newer_set_is_not_switched_in(store: SqlStore) -> None:
    held = HeldTasks()
    cache = IndexCache(store, spawn=held)
    [old] = load_files(store, [require_data(OLD)], settings=SETTINGS).created
    screener = Screener(store, SETTINGS, background_swap=True, cache=cache)
    screener.warm()
    [new] = load_files(store, [require_data(NEW)], settings=SETTINGS).created
    screener.screen(Query("x"), as_of=AS_OF)  # asks for {new}
    first = held.tasks.pop()
    [other] = load_files(store, [OTHER], settings=SETTINGS).created
    screener.screen(Query("x"), as_of=AS_OF)  # asks for {new, other}: {new} is overtaken
    first()
    current = cache.current
    assert current is not None and current.key == (old.id,)  # the overtaken set never served
    held.run_all()
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [new.id, other.id]
    assert cache.part_ids() == {new.id, other.id}


def test_a_failed_background_build_keeps_the_old_set_and_is_retried(store: SqlStore) -> None:
    held = HeldTasks()
    cache = IndexCache(store, spawn=held)
    [old] = load_files(store, [require_data(OLD)], settings=SETTINGS).created
    screener = Screener(store, SETTINGS, background_swap=True, cache=cache)
    screener.warm()
    [new] = load_files(store, [require_data(NEW)], settings=SETTINGS).created
    screener.screen(Query("x"), as_of=AS_OF)
    real_iter = store.iter_entity_records

    def broken(version_ids: object) -> object:
        raise OSError("disk gone")

    store.iter_entity_records = broken  # type: ignore[method-assign,assignment]
    held.run_all()  # logged, not raised: the old set keeps answering
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [old.id]
    store.iter_entity_records = real_iter  # type: ignore[method-assign]
    held.run_all()  # the query above asked again
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [new.id]


def test_background_swap_on_a_real_thread(store: SqlStore) -> None:
    gate = threading.Event()

    def gated(task: Callable[[], None]) -> None:
        def run() -> None:
            gate.wait(30)  # the new set's index is "being built" until the test opens the gate
            task()

        start_thread(run)

    [old] = load_files(store, [require_data(OLD)], settings=SETTINGS).created
    cache = IndexCache(store, spawn=gated)
    screener = Screener(store, SETTINGS, background_swap=True, cache=cache)
    assert _ids(screener.screen(Query("ASHRAF GUIRGUIS"), as_of=AS_OF)) == [old.id]
    [new] = load_files(store, [require_data(NEW)], settings=SETTINGS).created
    started = time.monotonic()
    during = screener.screen(Query("ASHRAF GUIRGUIS"), as_of=AS_OF)
    assert time.monotonic() - started < 5  # answered without waiting for the build
    assert _ids(during) == [old.id]
    gate.set()
    deadline = time.monotonic() + 60
    while _ids(screener.screen(Query("x"), as_of=AS_OF)) != [new.id]:
        assert time.monotonic() < deadline, "the new set was never switched in"
        time.sleep(0.05)
    assert cache.part_ids() == {new.id}


def test_without_background_swap_the_next_query_uses_the_new_set(store: SqlStore) -> None:
    [old] = load_files(store, [require_data(OLD)], settings=SETTINGS).created
    screener = Screener(store, SETTINGS)
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [old.id]
    [new] = load_files(store, [require_data(NEW)], settings=SETTINGS).created
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [new.id]
    assert screener.cache.part_ids() == {new.id}


def test_warm_waits_for_the_new_set_even_with_background_swap(store: SqlStore) -> None:
    held = HeldTasks()
    load_files(store, [require_data(OLD)], settings=SETTINGS)
    screener = Screener(store, SETTINGS, background_swap=True, cache=IndexCache(store, spawn=held))
    screener.warm()
    [new] = load_files(store, [require_data(NEW)], settings=SETTINGS).created
    screener.warm()
    assert held.tasks == []  # warm built it itself
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [new.id]


def test_replays_are_kept_beside_the_current_set_and_bounded(store: SqlStore) -> None:
    [old] = load_files(store, [require_data(OLD)], settings=SETTINGS).created
    loaded_old = old.retrieved_at
    [new] = load_files(store, [require_data(NEW)], settings=SETTINGS).created
    cache = IndexCache(store, replays_kept=1)
    screener = Screener(store, SETTINGS, cache=cache)
    assert _ids(screener.screen(Query("x"), as_of=AS_OF)) == [new.id]
    assert _ids(screener.screen(Query("x"), as_of=AS_OF, known_at=loaded_old)) == [old.id]
    assert cache.replay_keys() == [(old.id,)]
    assert cache.part_ids() == {old.id, new.id}  # the replay keeps its part alive
    current = cache.current
    assert current is not None and current.key == (new.id,)  # a replay never becomes current
