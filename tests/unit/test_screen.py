"""Screener and match_query over an in-memory store (the Store protocol, no SQL)."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime

import pytest

from tradescreen.errors import InvalidInput
from tradescreen.match.config import MatchConfig
from tradescreen.model import Citation, Entity, EntityKind, Listing, ListVersion, Name, Query
from tradescreen.screen import BLOB_KEY, START_UNKNOWN, IndexBundle, Screener, match_query


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

    def put_blob(self, version_id: int, key: str, data: bytes) -> None:
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
    assert set(store.blobs) == {(1, BLOB_KEY), (2, BLOB_KEY)}
    before = dict(store.blobs)
    s.screen(Query("Dahua Technology"), as_of=date(2026, 1, 1))
    s.screen(Query("Hikvision"), as_of=date(2026, 1, 1))
    assert store.iterated == 2  # cached: one read per version, whatever the number of queries
    other = Screener(store)
    other.warm()
    assert store.blobs == before  # loaded from the blobs, not rebuilt


def test_screen_many_and_pure_match_query(store: MemoryStore) -> None:
    s = Screener(store)
    results = s.screen_many(
        [Query("Dahua Technology"), Query("Nothing Alike")], as_of=date(2026, 1, 1)
    )
    assert [bool(r.hits) for r in results] == [True, False]
    _, bundle = s.bundle()
    shipped = pickle.loads(pickle.dumps(bundle))  # what a Spark worker receives
    hits = match_query(shipped, Query("Dahua Technology"), MatchConfig(), date(2026, 1, 1))
    assert [h.entity.id for h in hits] == [h.entity.id for h in results[0].hits]


def test_bundle_build_standalone() -> None:
    b = IndexBundle.build(ENTITIES[1])
    assert match_query(b, Query("Hikvision Digital Technology"), MatchConfig(), date(2026, 1, 1))
