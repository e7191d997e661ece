"""loading.py: grouping by list, unchanged files, shrink quarantine, fail-closed behaviour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from store_factories import ent

from tradescreen.errors import QuarantinedError
from tradescreen.loading import group_by_list, load_parsed
from tradescreen.model import Entity, EntityKind, Listing, Name
from tradescreen.settings import Settings
from tradescreen.sources.base import ParsedSource
from tradescreen.store.sql import SqlStore

T0 = datetime(2024, 3, 1, tzinfo=UTC)
SETTINGS = Settings(db="sqlite://", max_shrink=0.10)


def parsed(ents: list[Entity], sha: str, **kw: object) -> ParsedSource:
    def gen() -> Iterator[Entity]:
        yield from ents

    return ParsedSource(format="test", paths=("lists.csv",), sha256=sha, entities=gen(), **kw)  # type: ignore[arg-type]


def load(store: SqlStore, ents: list[Entity], sha: str, when: datetime = T0, **kw: object):  # type: ignore[no-untyped-def]
    p = parsed(ents, sha, **kw)
    return load_parsed(store, p, list(p.entities), settings=SETTINGS, retrieved_at=when)


def two_lists() -> list[Entity]:
    both = Entity(
        id="huawei",
        kind=EntityKind.ORGANIZATION,
        names=(Name("Huawei Technologies Co., Ltd."),),
        listings=(
            Listing("us_bis_el", "Entity List", start_date=date(2019, 5, 21)),
            Listing("us_ofac_nscmic", "NS-CMIC List"),
        ),
    )
    return [both] + [ent(f"el-{i}", f"Company {i}") for i in range(20)]


def test_group_by_list_splits_listings() -> None:
    groups = group_by_list(two_lists())
    assert sorted(groups) == ["us_bis_el", "us_ofac_nscmic"]
    name, cmic = groups["us_ofac_nscmic"]
    assert name == "NS-CMIC List" and [e.id for e in cmic] == ["huawei"]
    assert [x.list_code for x in cmic[0].listings] == ["us_ofac_nscmic"]
    assert len(groups["us_bis_el"][1]) == 21


def test_load_creates_one_version_per_list(store: SqlStore) -> None:
    report = load(store, two_lists(), "1" * 64, data_date=date(2024, 2, 29), warnings=["w"])
    assert report.counts == {"us_bis_el": 21, "us_ofac_nscmic": 1}
    assert sorted(v.list_code for v in report.created) == ["us_bis_el", "us_ofac_nscmic"]
    assert all(v.data_date == date(2024, 2, 29) and v.retrieved_at == T0 for v in report.created)
    assert "us_bis_el: 20 listings have no start date" in report.warnings
    assert "us_ofac_nscmic: 1 listings have no start date" in report.warnings
    assert "w" in report.warnings
    el = next(v for v in report.created if v.list_code == "us_bis_el")
    assert "us_bis_el: 20 listings have no start date" in el.warnings
    huawei = store.get_entity("huawei")
    assert huawei is not None and len(huawei.listings) == 2  # merged across the two versions


def test_same_sha_is_unchanged(store: SqlStore) -> None:
    first = load(store, two_lists(), "1" * 64)
    again = load(store, two_lists(), "1" * 64, when=T0 + timedelta(days=1))
    assert again.created == [] and sorted(again.unchanged) == ["us_bis_el", "us_ofac_nscmic"]
    assert {v.id for v in store.active_versions()} == {v.id for v in first.created}
    assert len(store.versions()) == 2


def test_shrink_is_quarantined_and_old_version_stays(store: SqlStore) -> None:
    first = load(store, two_lists(), "1" * 64)
    smaller = two_lists()[:15]  # EL 21 -> 15: -29 % > 10 %
    with pytest.raises(QuarantinedError) as info:
        load(store, smaller, "2" * 64, when=T0 + timedelta(days=1))
    msg = str(info.value)
    assert "us_bis_el would shrink from 21 to 15 entries" in msg and "\n" not in msg
    assert info.value.exit_code == 5
    # nothing else of that load was stored (NS-CMIC was unchanged in size but is not added)
    assert {v.id for v in store.active_versions()} == {v.id for v in first.created}
    [q] = [v for v in store.versions() if v.status == "quarantined"]
    assert q.list_code == "us_bis_el" and q.record_count == 15
    assert "shrink" in (store.quarantine_reason(q.id) or "")


def test_small_shrink_within_budget_is_accepted(store: SqlStore) -> None:
    load(store, two_lists(), "1" * 64)
    report = load(store, two_lists()[:-2], "2" * 64, when=T0 + timedelta(days=1))  # 21 -> 19
    assert [v.record_count for v in report.created if v.list_code == "us_bis_el"] == [19]


def test_growth_and_new_list_accepted(store: SqlStore) -> None:
    load(store, two_lists()[1:5], "1" * 64)
    report = load(store, two_lists(), "2" * 64, when=T0 + timedelta(days=1))
    assert report.counts["us_bis_el"] == 21
    assert len(store.active_versions()) == 2


def test_rejected_rows_reported(store: SqlStore) -> None:
    report = load(store, two_lists(), "1" * 64, rejected=["lists.csv:7: no name"])
    assert report.rejected == ["lists.csv:7: no name"]
    assert "1 rows rejected" in report.warnings


def test_repeated_ids_skipped_with_warning(store: SqlStore) -> None:
    ents = [ent("a", "A"), ent("b", "B"), ent("a", "A twice")]
    report = load(store, ents, "1" * 64)
    assert report.counts == {"us_bis_el": 2}
    assert "us_bis_el: 1 entries with a repeated id skipped" in report.warnings
    got = store.get_entity("a")
    assert got is not None and got.name == "A"
