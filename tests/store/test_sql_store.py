"""SqlStore on SQLite (memory, file) and PostgreSQL: versions, replay, atomicity, diff, blobs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from store_factories import ent, version

from tradescreen.errors import NotFound, StoreError
from tradescreen.model import Entity
from tradescreen.store import migrate
from tradescreen.store.base import NewVersion, Store
from tradescreen.store.sql import SqlStore

T0 = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=30)


def test_sqlstore_is_a_store(db_store: SqlStore) -> None:
    s: Store = db_store  # the Protocol, checked by mypy on src and here at runtime
    assert s.versions() == []
    assert s.active_versions() == []


def test_add_version_and_read_back(db_store: SqlStore) -> None:
    e1 = ent("el-1", "Huawei Technologies Co., Ltd.", start=date(2019, 5, 21))
    e2 = ent("el-2", "Dahua Technology", start=date(2019, 10, 9), remarks="Urumqi")
    [v] = db_store.add_versions([version([e1, e2], data_date=date(2022, 4, 21), retrieved_at=T0)])
    assert v.status == "active" and v.record_count == 2 and v.retrieved_at == T0
    assert v.data_date == date(2022, 4, 21)
    assert db_store.get_version(v.id) == v
    assert list(db_store.iter_entities([v.id])) == [e1, e2]
    assert db_store.get_entity("el-2") == e2
    assert db_store.get_entity("nope") is None
    assert db_store.entity_hashes(v.id) == {"el-1": e1.content_hash(), "el-2": e2.content_hash()}


def test_versions_kept_and_known_at_replay(db_store: SqlStore) -> None:
    [v1] = db_store.add_versions([version([ent("a", "Alpha")], sha="1" * 64, retrieved_at=T0)])
    [v2] = db_store.add_versions(
        [version([ent("a", "Alpha Ltd"), ent("b", "Beta")], sha="2" * 64, retrieved_at=T1)]
    )
    assert [v.id for v in db_store.versions("us_bis_el")] == [v2.id, v1.id]
    assert [v.status for v in db_store.versions()] == ["active", "superseded"]
    assert [v.id for v in db_store.active_versions()] == [v2.id]
    between = T0 + timedelta(days=1)
    assert [v.id for v in db_store.active_versions(known_at=between)] == [v1.id]
    assert db_store.active_versions(known_at=T0 - timedelta(seconds=1)) == []
    # naive datetimes are taken as UTC
    assert [v.id for v in db_store.active_versions(between.replace(tzinfo=None))] == [v1.id]
    # the old version stays fully queryable
    old = db_store.get_entity("a", [v1.id])
    assert old is not None and old.name == "Alpha"
    assert db_store.get_entity("b", [v1.id]) is None
    assert [e.id for e in db_store.iter_entities([v1.id])] == ["a"]


def test_older_file_loaded_later_does_not_displace_newer(db_store: SqlStore) -> None:
    [new] = db_store.add_versions([version([ent("a", "A")], sha="2" * 64, retrieved_at=T1)])
    [old] = db_store.add_versions([version([ent("a", "A0")], sha="1" * 64, retrieved_at=T0)])
    assert [v.id for v in db_store.active_versions()] == [new.id]
    assert db_store.get_version(old.id).status == "superseded"


def test_listing_dates_preserved(db_store: SqlStore) -> None:
    e = ent("x", "X Corp", start=date(2020, 8, 17), end=date(2023, 1, 2))
    [v] = db_store.add_versions([version([e])])
    got = db_store.get_entity("x", [v.id])
    assert got is not None
    [listing] = got.listings
    assert (listing.start_date, listing.end_date) == (date(2020, 8, 17), date(2023, 1, 2))
    assert listing.in_force(date(2021, 1, 1)) is True
    assert listing.in_force(date(2024, 1, 1)) is False


class Boom(Exception):
    pass


def test_add_versions_is_all_or_nothing(db_store: SqlStore) -> None:
    [v1] = db_store.add_versions([version([ent("a", "A")], sha="1" * 64, retrieved_at=T0)])

    def exploding() -> list[Entity]:
        raise Boom

    class Exploding(list[Entity]):
        def __iter__(self):  # type: ignore[no-untyped-def]
            yield ent("b", "B")
            yield from exploding()

        def __len__(self) -> int:
            return 2

    good = version([ent("n", "N")], code="us_bis_meu", sha="3" * 64, retrieved_at=T1)
    bad = version(Exploding(), sha="2" * 64, retrieved_at=T1)
    with pytest.raises(Boom):
        db_store.add_versions([good, bad])
    assert [v.id for v in db_store.versions()] == [v1.id]
    assert [v.id for v in db_store.active_versions()] == [v1.id]
    assert db_store.get_version(v1.id).status == "active"
    assert db_store.get_entity("n") is None and db_store.get_entity("b", [v1.id + 1]) is None


def test_duplicate_entity_id_rejected_atomically(db_store: SqlStore) -> None:
    with pytest.raises(StoreError, match="appears twice"):
        db_store.add_versions([version([ent("a", "A"), ent("a", "A again")])])
    assert db_store.versions() == []


def test_quarantine_never_active(db_store: SqlStore) -> None:
    [v1] = db_store.add_versions([version([ent("a", "A"), ent("b", "B")], retrieved_at=T0)])
    q = db_store.quarantine(version([ent("a", "A")], sha="9" * 64, retrieved_at=T1), "shrunk")
    assert q.status == "quarantined"
    assert db_store.quarantine_reason(q.id) == "shrunk"
    assert [v.id for v in db_store.active_versions()] == [v1.id]
    assert db_store.get_version(v1.id).status == "active"
    assert [e.id for e in db_store.iter_entities([q.id])] == ["a"]  # kept for inspection
    with pytest.raises(StoreError, match="quarantined"):
        db_store.activate(q.id)


def test_staged_version_then_activate(db_store: SqlStore) -> None:
    [v1] = db_store.add_versions([version([ent("a", "A")], retrieved_at=T0)])
    [v2] = db_store.add_versions([version([ent("b", "B")], retrieved_at=T1)], activate=False)
    assert v2.status == "staged"
    assert [v.id for v in db_store.active_versions()] == [v1.id]
    assert db_store.activate(v2.id).status == "active"
    assert [v.id for v in db_store.active_versions()] == [v2.id]
    assert db_store.get_version(v1.id).status == "superseded"


def test_several_lists_one_transaction_and_entity_merge(db_store: SqlStore) -> None:
    el = ent("huawei", "Huawei", "us_bis_el", start=date(2019, 5, 21))
    cmic = ent("huawei", "Huawei", "us_ofac_nscmic", start=date(2021, 6, 3))
    vs = db_store.add_versions(
        [version([el], code="us_bis_el"), version([cmic], code="us_ofac_nscmic")]
    )
    assert sorted(v.list_code for v in db_store.active_versions()) == [
        "us_bis_el",
        "us_ofac_nscmic",
    ]
    merged = db_store.get_entity("huawei")
    assert merged is not None
    assert sorted(x.list_code for x in merged.listings) == ["us_bis_el", "us_ofac_nscmic"]
    only_el = db_store.get_entity("huawei", [vs[0].id])
    assert only_el == el


def test_diff(db_store: SqlStore) -> None:
    [v1] = db_store.add_versions(
        [version([ent("a", "A"), ent("b", "B"), ent("c", "C")], sha="1" * 64, retrieved_at=T0)]
    )
    [v2] = db_store.add_versions(
        [version([ent("a", "A"), ent("b", "B2"), ent("d", "D")], sha="2" * 64, retrieved_at=T1)]
    )
    d = db_store.diff(v1.id, v2.id)
    assert (d.added, d.changed, d.removed) == (("d",), ("b",), ("c",))
    first = db_store.diff(None, v1.id)
    assert first.added == ("a", "b", "c") and first.removed == ()
    with pytest.raises(NotFound):
        db_store.diff(v1.id, 999_999)


def test_blobs(db_store: SqlStore) -> None:
    [v] = db_store.add_versions([version([ent("a", "A")])])
    payload = bytes(range(256)) * 4000  # ~1 MB, every byte value
    assert db_store.get_blob(v.id, "index") is None
    db_store.put_blob(v.id, "index", payload)
    assert db_store.get_blob(v.id, "index") == payload
    db_store.put_blob(v.id, "index", b"v2")
    assert db_store.get_blob(v.id, "index") == b"v2"
    with pytest.raises(NotFound):
        db_store.put_blob(999_999, "index", b"x")


def test_iter_entities_pages_and_versions(db_store: SqlStore) -> None:
    many = [ent(f"e{i:05d}", f"Name {i}") for i in range(4500)]  # > 2 pages of CHUNK
    [v1] = db_store.add_versions([version(many, retrieved_at=T0)])
    [v2] = db_store.add_versions([version([ent("z", "Z")], code="us_bis_meu", retrieved_at=T0)])
    got = [e.id for e in db_store.iter_entities([v1.id, v2.id])]
    assert len(got) == 4501 and got[0] == "e00000" and got[-2] == "e04499" and got[-1] == "z"
    assert db_store.count_entities(v1.id) == 4500


def test_create_schema_idempotent_and_tables(db_store: SqlStore) -> None:
    db_store.create_schema()
    db_store.create_schema()
    names = set(inspect(db_store.engine).get_table_names())
    assert {"list_versions", "entities", "blobs", "alembic_version"} <= names
    with db_store.engine.connect() as conn:
        version = conn.execute(text("select version_num from alembic_version")).scalar()
    assert version == migrate.head() == "0003"


def test_get_version_not_found(db_store: SqlStore) -> None:
    with pytest.raises(NotFound, match="list version 42 not found"):
        db_store.get_version(42)


def test_new_version_default_retrieved_now(db_store: SqlStore) -> None:
    before = datetime.now(UTC)
    [v] = db_store.add_versions([NewVersion("l", "L", "s", "f", "0" * 64, [ent("a", "A", "l")])])
    assert before - timedelta(seconds=1) <= v.retrieved_at <= datetime.now(UTC)


def test_reader_never_sees_half_loaded_version(db_store: SqlStore) -> None:
    """While a big version is being written, a concurrent reader (own connection) sees either
    the old state or the whole new version, never a version row without all its entities."""
    import threading
    import time

    if db_store.engine.url.database in (None, "", ":memory:"):
        pytest.skip("in-memory SQLite shares one connection between threads (tests only)")
    [v1] = db_store.add_versions([version([ent("a", "A")], sha="1" * 64, retrieved_at=T0)])
    big = [ent(f"e{i:05d}", f"Name {i}") for i in range(6000)]  # 3 executemany chunks
    seen: list[tuple[int, int, int]] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            while not done.is_set():
                for v in db_store.versions():
                    seen.append((v.id, v.record_count, db_store.count_entities(v.id)))
                time.sleep(0.002)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    try:
        [v2] = db_store.add_versions([version(big, sha="2" * 64, retrieved_at=T1)])
    finally:
        done.set()
        t.join(30)
    assert not errors
    assert seen and all(count == records for _, records, count in seen)
    assert {vid for vid, _, _ in seen} <= {v1.id, v2.id}
    assert [v.id for v in db_store.active_versions()] == [v2.id]


def test_open_store_from_settings_path(tmp_path: Path) -> None:
    from tradescreen.settings import Settings
    from tradescreen.store.sql import open_store

    path = tmp_path / "sub" / "ts.db"
    s = open_store(Settings(db=str(path)))
    [v] = s.add_versions([version([ent("a", "A")])])
    s.close()
    again = open_store(Settings(db=str(path)))
    assert path.exists() and again.active_versions() == [v]
    again.close()
