"""load_files on the real shared list files: CSL 2022, the partial 2023 CSL, OFAC SDN diffs."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tradescreen.errors import QuarantinedError, SourceError
from tradescreen.loading import Allow, load_files
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

T0 = datetime(2022, 5, 16, tzinfo=UTC)
SETTINGS = Settings(db="sqlite://")
CSL_2022_COUNTS = {
    "us_ofac_sdn": 10026,
    "us_bis_el": 2001,
    "us_state_dtc": 727,
    "us_bis_dpl": 462,
    "us_ofac_ssi": 290,
    "us_bis_uvl": 201,
    "us_state_isn": 163,
    "us_ofac_plc": 78,
    "us_bis_meu": 71,
    "us_ofac_nscmic": 68,
    "us_ofac_caps": 53,
    "us_ofac_nsmbs": 17,
    "us_ofac_fse": 3,
}


@pytest.fixture
def lists(shared_data: Path) -> Path:
    return shared_data / "lists"


def test_csl_2022_full_then_unchanged_then_shrunk_partial(store: SqlStore, lists: Path) -> None:
    csl = lists / "us_csl/consolidated_2022-04.csv.gz"
    report = load_files(store, [csl], settings=SETTINGS, retrieved_at=T0)
    assert report.format == "csl_csv" and report.counts == CSL_2022_COUNTS
    assert len(report.created) == 13 and report.rejected == []
    assert {v.list_code: v.record_count for v in store.active_versions()} == CSL_2022_COUNTS
    el = next(v for v in report.created if v.list_code == "us_bis_el")
    assert el.source == str(csl) and el.sha256 == report.sha256 and len(el.sha256) == 64
    assert store.count_entities(el.id) == 2001
    # Huawei's EL entry keeps its listing dates and Federal Register citations
    huawei = [
        e
        for e in store.iter_entities([el.id])
        if e.name.lower().startswith("huawei technologies co., ltd")
    ]
    assert huawei and all(x.citations for e in huawei for x in e.listings)
    assert any(x.start_date is not None for e in huawei for x in e.listings)

    again = load_files(store, [csl], settings=SETTINGS, retrieved_at=T0 + timedelta(days=1))
    assert again.created == [] and sorted(again.unchanged) == sorted(CSL_2022_COUNTS)

    partial = lists / "us_csl/csl_partial_2023-11.csv.gz"
    with pytest.raises(QuarantinedError) as info:
        load_files(store, [partial], settings=SETTINGS, retrieved_at=T0 + timedelta(days=2))
    msg = str(info.value)
    assert "update refused: 7 lists would shrink by more than 10%" in msg
    assert "us_bis_el 2001 -> 919" in msg and "us_ofac_sdn 10026 -> 1737" in msg
    assert {v.list_code: v.record_count for v in store.active_versions()} == CSL_2022_COUNTS
    quarantined = [v for v in store.versions() if v.status == "quarantined"]
    assert "us_bis_el" in {v.list_code for v in quarantined}
    assert "us_bis_dpl" not in {v.list_code for v in quarantined}  # DPL grew 462 -> 577


def test_broken_file_stores_nothing(store: SqlStore, lists: Path, tmp_path: Path) -> None:
    un = lists / "un_sc/UN_consolidated_2026-02-27.xml.gz"
    [v] = load_files(store, [un], settings=SETTINGS).created
    xml = gzip.decompress(un.read_bytes())
    broken = tmp_path / "consolidated.xml"
    broken.write_bytes(xml[: len(xml) // 2])  # cut in the middle of an element
    with pytest.raises(SourceError) as info:
        load_files(store, [broken], settings=SETTINGS)
    assert str(broken) in str(info.value) and "\n" not in str(info.value)
    assert info.value.exit_code == 3
    assert store.versions() == [v] and store.active_versions() == [v]


def test_missing_file(store: SqlStore, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found"):
        load_files(store, [tmp_path / "nope.csv"], settings=SETTINGS)
    assert store.versions() == []


def test_diff_sdn_2021_07_vs_2024_05_03(store: SqlStore, lists: Path) -> None:
    old_dir = lists / "us_ofac_sdn/2021-07"
    old = load_files(store, [old_dir / "sdn.csv"], settings=SETTINGS, retrieved_at=T0)
    new = load_files(
        store,
        [lists / "us_ofac_sdn/2024-05-03/sdn.csv"],
        settings=SETTINGS,
        retrieved_at=T0 + timedelta(days=700),
        # the 2024 snapshot has no add.csv / alt.csv: allowed explicitly (and audited)
        allow=Allow(partial=True, shrink=True),
    )
    [v1], [v2] = old.created, new.created
    assert (v1.record_count, v2.record_count) == (8976, 14965)
    d = store.diff(v1.id, v2.id)
    h1, h2 = store.entity_hashes(v1.id), store.entity_hashes(v2.id)
    assert set(d.added) == h2.keys() - h1.keys()
    assert set(d.removed) == h1.keys() - h2.keys()
    assert set(d.changed) == {k for k in h1.keys() & h2.keys() if h1[k] != h2[k]}
    # 2021-07 -> 2024-05: Russia-related designations dominate the additions
    assert len(d.added) > 5000 and len(d.removed) > 100 and len(d.changed) > 100
    assert len(h2) - len(h1) == len(d.added) - len(d.removed)
    # replay: known at a time between the loads gives the 2021 version
    [then] = store.active_versions(known_at=T0 + timedelta(days=1))
    assert then.id == v1.id


@pytest.mark.parametrize(
    "name",
    [
        "us_bis_entity_list/bis_entity_list_ecfr_2026-07.json",
        "un_sc/UN_consolidated_2026-02-27.xml.gz",
    ],
)
def test_stored_entities_round_trip_exactly(store: SqlStore, lists: Path, name: str) -> None:
    """What is stored reads back equal, and the stored hash (computed by ``sql.plain``) is
    ``Entity.content_hash()`` (computed by ``model.to_dict``) for every real entry."""
    from tradescreen.loading import group_by_list, read_all

    _, ents = read_all([lists / name], None)
    report = load_files(store, [lists / name], settings=SETTINGS)
    for v in report.created:
        expected = group_by_list(ents)[v.list_code][1]
        got = list(store.iter_entities([v.id]))
        assert sorted(got, key=lambda e: e.id) == sorted(expected, key=lambda e: e.id)
        hashes = store.entity_hashes(v.id)
        assert hashes == {e.id: e.content_hash() for e in expected}
