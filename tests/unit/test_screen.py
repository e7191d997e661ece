"""Screener and match_query over an in-memory store (the Store protocol, no SQL)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tradescreen.clock import FixedClock, SystemClock
from tradescreen.errors import InvalidInput, StaleLists
from tradescreen.match.config import MatchConfig
from tradescreen.model import Citation, Entity, EntityKind, Listing, ListVersion, Name, Query
from tradescreen.screening.index_cache import blob_key, set_key
from tradescreen.screening.matcher import START_UNKNOWN, IndexBundle, match_query
from tradescreen.screening.screener import Screener
from tradescreen.screening.snapshot import SnapshotScreener
from tradescreen.settings import Settings
from tradescreen.store.sql import entity_row


def listing(start: date | None, end: date | None = None, code: str = "us_bis_el") -> Listing:
    return Listing(code, code, citations=(Citation(84, 54002),), start_date=start, end_date=end)


ENTITIES = {
    1: [
        Entity(
            "el-1",
            EntityKind.ORGANIZATION,
            (Name("Hangzhou Hikvision Digital Technology Co., Ltd."),),
            (listing(date(2019, 10, 9)),),
        ),
        Entity("el-2", EntityKind.ORGANIZATION, (Name("Dahua Technology"),), (listing(None),)),
        Entity(
            "el-3",
            EntityKind.ORGANIZATION,
            (Name("Removed Widgets Ltd"),),
            (listing(date(2010, 1, 1), date(2015, 1, 1)),),
        ),
    ]
    + [
        Entity(
            f"el-g{i}",
            EntityKind.ORGANIZATION,
            (Name(f"Gen{i} Technology Co., Ltd."),),
            (listing(date(2020, 1, 1)),),
        )
        for i in range(30)
    ],
    2: [
        Entity(
            "dpl-1",
            EntityKind.ORGANIZATION,
            (Name("Dahua Electronics Corporation"),),
            (listing(date(2017, 9, 1), code="us_bis_dpl"),),
        ),
    ],
}


class MemoryStore:
    generation = 0

    def __init__(self) -> None:
        self.blobs: dict[tuple[int, str], bytes] = {}
        self.iterated = 0
        now = datetime(2026, 1, 1, tzinfo=UTC)
        self._versions = [
            ListVersion(i, code, code, "mem", "test", "0", now, len(ENTITIES[i]))
            for i, code in ((1, "us_bis_el"), (2, "us_bis_dpl"))
        ]

    def active_versions(self, known_at: datetime | None = None) -> list[ListVersion]:
        return list(self._versions)

    def iter_entities(self, version_ids: Sequence[int]) -> Iterator[Entity]:
        self.iterated += 1
        for v in version_ids:
            yield from ENTITIES[v]

    def iter_entity_records(self, version_ids: Sequence[int]) -> Iterator[tuple[str, str]]:
        for e in self.iter_entities(version_ids):
            yield e.id, entity_row(0, e)["data"]

    def put_blob(
        self, version_id: int, key: str, data: bytes, *, replaces: str | None = None
    ) -> None:
        if replaces:
            self.blobs = {k: v for k, v in self.blobs.items() if not k[1].startswith(replaces)}
        self.blobs[(version_id, key)] = data

    def get_blob(self, version_id: int, key: str) -> bytes | None:
        return self.blobs.get((version_id, key))


@pytest.fixture()
def store() -> MemoryStore:
    return MemoryStore()


def screen(store: MemoryStore, name: str, as_of: date = date(2026, 1, 1), **kw: object):  # type: ignore[no-untyped-def]
    return Screener(store).screen(Query(name), as_of=as_of, **kw)  # type: ignore[arg-type]


def test_hit_best_first_with_listing_in_force(store: MemoryStore) -> None:
    res = screen(store, "Zhejiang Dahua Technology Co., Ltd.", threshold=0.3)
    ids = [h.entity.id for h in res.hits]
    assert ids.index("el-2") < ids.index("dpl-1")
    assert res.hits[0].warnings == (START_UNKNOWN,)  # Dahua: start date unknown, kept
    assert res.to_dict()["hits"][0]["listings"][0]["federal_register"] == ["84 FR 54002"]


def test_as_of_filters_listings(store: MemoryStore) -> None:
    name = "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert [h.entity.id for h in screen(store, name).hits] == ["el-1"]
    assert screen(store, name, as_of=date(2019, 5, 22)).hits == ()
    assert screen(store, "Removed Widgets Ltd").hits == ()
    assert screen(store, "Removed Widgets Ltd", as_of=date(2012, 1, 1)).hits


def test_lists_limit_threshold(store: MemoryStore) -> None:
    q = "Dahua Technology"
    assert screen(store, q, lists=["us_bis_dpl"], threshold=0.0).hits[0].entity.id == "dpl-1"
    assert len(screen(store, q, threshold=0.0, limit=1).hits) == 1
    assert screen(store, "Technology Co., Ltd.").hits == ()


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_empty_name_is_invalid(store: MemoryStore, name: str) -> None:
    with pytest.raises(InvalidInput):
        screen(store, name)


def test_index_persisted_per_version_and_reused(store: MemoryStore) -> None:
    s = Screener(store)
    s.warm()
    versions = store.active_versions()
    assert set(store.blobs) == {(1, blob_key()), (2, blob_key()), (2, set_key(versions))}
    before = dict(store.blobs)
    s.screen(Query("Dahua Technology"), as_of=date(2026, 1, 1))
    s.screen(Query("Hikvision"), as_of=date(2026, 1, 1))
    assert store.iterated == 2  # cached: one read per version, whatever the number of queries
    other = Screener(store)
    other.warm()
    assert store.blobs == before  # loaded from the blobs, not rebuilt


def test_a_later_process_loads_the_merged_set_without_merging(
    store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Screener(store).screen(Query("Dahua Technology"), as_of=date(2026, 1, 1))

    def no_merge(*args: object) -> None:
        raise AssertionError("merged again")

    monkeypatch.setattr(IndexBundle, "merge", no_merge)
    again = Screener(store).screen(Query("Dahua Technology"), as_of=date(2026, 1, 1))
    assert [(h.entity.id, h.score) for h in again.hits] == [
        (h.entity.id, h.score) for h in first.hits
    ]
    assert again.hits and again.hits[0].entity == first.hits[0].entity  # decoded from the store


def test_an_unreadable_merged_set_is_rebuilt(store: MemoryStore) -> None:
    first = Screener(store).screen(Query("Hikvision"), as_of=date(2026, 1, 1))
    key = (2, set_key(store.active_versions()))
    store.blobs[key] = b"not an index"
    again = Screener(store).screen(Query("Hikvision"), as_of=date(2026, 1, 1))
    assert [(h.entity.id, h.score) for h in again.hits] == [
        (h.entity.id, h.score) for h in first.hits
    ]
    assert store.blobs[key] != b"not an index"  # persisted anew


def test_screen_many_and_pure_match_query(store: MemoryStore) -> None:
    s = Screener(store)
    results = s.screen_many(
        [Query("Dahua Technology"), Query("Nothing Alike")], as_of=date(2026, 1, 1)
    )
    assert [bool(r.hits) for r in results] == [True, False]
    shipped = pickle.loads(pickle.dumps(s.bundle().bundle))  # what a Spark worker receives
    hits = match_query(shipped, Query("Dahua Technology"), MatchConfig(), date(2026, 1, 1))
    assert [h.entity.id for h in hits] == [h.entity.id for h in results[0].hits]


def test_bundle_build_standalone() -> None:
    b = IndexBundle.build(ENTITIES[1])
    assert match_query(b, Query("Hikvision Digital Technology"), MatchConfig(), date(2026, 1, 1))


def test_stale_and_missing_lists_are_flagged_in_every_result(store: MemoryStore) -> None:
    settings = Settings(stale_after_days=7, required_lists=("us_ofac_sdn",))
    s = Screener(store, settings)
    replay = datetime(2026, 1, 3, tzinfo=UTC)  # two days after the versions were loaded
    fresh = s.screen(Query("Dahua Technology"), as_of=date(2026, 1, 1), known_at=replay)
    assert fresh.warnings == ("required list us_ofac_sdn is not loaded",)
    late = datetime(2026, 2, 1, tzinfo=UTC)
    res = s.screen(Query("Nothing Alike"), as_of=date(2026, 1, 1), known_at=late)
    assert res.hits == ()
    assert "list us_bis_el is stale: loaded 31 days ago (version 1)" in res.warnings
    assert res.to_dict()["warnings"] == list(res.warnings)


def test_refuse_policy_fails_closed(store: MemoryStore) -> None:
    s = Screener(store, Settings(stale_after_days=7, stale_policy="refuse"))
    ok = s.screen(Query("Dahua Technology"), as_of=date(2026, 1, 1), known_at=datetime(2026, 1, 2))
    assert ok.hits
    with pytest.raises(StaleLists, match="us_bis_el is stale"):
        s.screen(Query("Dahua Technology"), as_of=date(2026, 1, 1), known_at=datetime(2026, 3, 1))


def test_freshness_is_judged_at_the_screeners_clock(store: MemoryStore) -> None:
    """The stale rule's "now" is the screener's clock (the application's), for the screener
    and for a snapshot taken from it; never the machine's date."""
    clock = FixedClock(datetime(2026, 1, 2, tzinfo=UTC))  # a day after the versions' load
    s = Screener(store, Settings(stale_after_days=7), clock=clock)
    assert s.screen(Query("Dahua Technology"), as_of=date(2026, 1, 1)).warnings == ()
    assert SnapshotScreener.from_screener(s).warnings == ()
    clock.advance(timedelta(days=30))
    stale = "list us_bis_el is stale: loaded 31 days ago (version 1)"
    assert stale in s.screen(Query("Dahua Technology"), as_of=date(2026, 1, 1)).warnings
    assert stale in SnapshotScreener.from_screener(s).warnings
    refusing = Screener(store, Settings(stale_after_days=7, stale_policy="refuse"), clock=clock)
    with pytest.raises(StaleLists, match="us_bis_el is stale"):
        refusing.screen(Query("Dahua Technology"), as_of=date(2026, 1, 1))
    with pytest.raises(StaleLists, match="us_bis_el is stale"):
        SnapshotScreener.from_screener(refusing)


def test_default_clock_follows_the_settings_time_zone(store: MemoryStore) -> None:
    clock = Screener(store, Settings(timezone="Pacific/Kiritimati")).clock  # UTC+14
    assert isinstance(clock, SystemClock) and clock.tz == ZoneInfo("Pacific/Kiritimati")
    assert clock.now().utcoffset() == timedelta(0)  # instants stay UTC; only "today" is local


def test_index_blob_is_keyed_by_the_code_that_built_it(store: MemoryStore) -> None:
    """A blob stored under another code fingerprint is ignored and rebuilt, never trusted."""
    store.blobs[(1, "index/v1/0000000000000000")] = b"stale bytes from older code"
    Screener(store).warm()
    assert (1, blob_key()) in store.blobs
    assert blob_key().startswith("index/v1/") and blob_key() != "index/v1/0000000000000000"


TIE_SCRIPT = """
import sys
from datetime import UTC, date, datetime
from tradescreen.match.config import MatchConfig
from tradescreen.model import Entity, EntityKind, Listing, ListVersion, Name, Query
from tradescreen.screening.matcher import IndexBundle, match_query

# 3 same-named entities for each one-deletion variant of the query's word (27 > max_candidates):
# they tie, and are found through different fuzzy keys, whose iteration order is hash-seeded
word = "zephyrinz"
variants = [word[:i] + word[i + 1 :] for i in range(len(word))]
ents = [
    Entity(
        f"e{n:03d}",
        EntityKind.ORGANIZATION,
        (Name(f"{v} holdings"),),
        (Listing("us_bis_el", "EL", start_date=date(2020, 1, 1)),),
    )
    for n, v in enumerate(v for v in variants for _ in range(3))
]
bundle = IndexBundle.build(ents, 1)
cfg = MatchConfig(threshold=0.0, max_candidates=20)
for q in ("zephyrinz holdings", "zephyrinz"):
    hits = match_query(bundle, Query(q), cfg, date(2026, 1, 1), threshold=0.0, limit=100)
    print(q, [(h.entity.id, round(h.score, 6)) for h in hits])
"""


def test_ranking_does_not_depend_on_the_hash_seed() -> None:
    """Ties are broken by ids, not by set iteration order: same answer under any PYTHONHASHSEED
    (Spark workers and resumed batches run in other processes, with other seeds)."""
    outs = set()
    for seed in ("0", "1", "2", "3", "4", "5", "6", "7"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", TIE_SCRIPT], capture_output=True, text=True, env=env
        )
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.count("('e") >= 2 * 20  # the cut-off really is reached
        outs.add(out.stdout)
    assert len(outs) == 1, outs
