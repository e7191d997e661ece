from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tradescreen.model import Citation, EntityKind
from tradescreen.sources import read_source

from .conftest import by_name, entities, real

EL = "us_bis_entity_list/bis_entity_list_ecfr_2026-07.json"

COUNTS = {
    EL: ("us_bis_el", 3409),
    "us_bis_meu/bis_meu_ecfr_2026-07.json": ("us_bis_meu", 70),
    "us_bis_dpl/bis_dpl_2026-04-14.json": ("us_bis_dpl", 564),
    "us_ofac_nscmic/ofac_nscmic_2026-07.json": ("us_ofac_nscmic", 68),
    "us_ofac_nscmic/ofac_eo14032_annex_2021-06.json": ("us_ofac_eo14032", 59),
    "us_dod_1260h/dow_1260h_2026-06-10.json": ("us_dod_1260h", 80),
    "us_dod_1286/dow_1286_fy24.json": ("us_dod_1286", 134),
    "us_state_ddtc_debarred/ddtc_statutory_2025-08-25.json": ("us_state_dtc", 779),
    "us_state_ddtc_debarred/ddtc_admin_2023-06-01.json": ("us_state_dtc_admin", 8),
    "us_state_isn/state_nonproliferation_2025-05.json": ("us_state_isn", 528),
    "us_fcc_covered/fcc_covered_2026-07.json": ("us_fcc_covered", 15),
    "us_dhs_uflpa/dhs_uflpa_2026-07.json": ("us_dhs_uflpa", 148),
    "us_cbp_wro/cbp_wro_2026-06-23.json": ("us_cbp_wro", 67),
}


@pytest.mark.parametrize("rel", sorted(COUNTS))
def test_counts_and_codes(rel: str) -> None:
    code, count = COUNTS[rel]
    ents = entities(rel)
    assert len(ents) == count
    assert {e.listings[0].list_code for e in ents} == {code}
    assert len({e.id for e in ents}) == count
    assert all(e.id.startswith(f"{code}:") for e in ents)


def test_entity_list_hikvision_start_from_earliest_citation() -> None:
    (hik,) = by_name(entities(EL), "Hangzhou Hikvision")
    listing = hik.listings[0]
    assert listing.citations == (
        Citation(84, 54004, date(2019, 10, 9)),
        Citation(85, 34505, date(2020, 6, 5)),
        Citation(85, 44161, date(2020, 7, 22)),
    )
    assert listing.start_date == date(2019, 10, 9)
    assert listing.start_date_source == "citation"
    assert listing.license_requirement and "744.11" in listing.license_requirement
    assert listing.license_policy is None
    assert len(hik.addresses) == 3


def test_entity_list_address_only_entries() -> None:
    addr = [e for e in entities(EL) if e.kind is EntityKind.ADDRESS]
    assert len(addr) >= 18
    hk = [e for e in addr if "HK" in e.countries]
    assert hk and all(e.addresses and e.addresses[0].full for e in hk)
    assert any("TR" in e.countries for e in addr)


def test_entity_list_countries() -> None:
    counts = Counter(c for e in entities(EL) for c in e.countries[:1])
    assert counts["CN"] >= 1100 and counts["RU"] >= 1080


def test_old_citation_years_and_multi_citations() -> None:
    (cetc54,) = by_name(entities(EL), "54th Research Institute of China")
    cites = cetc54.listings[0].citations
    assert cites[0] == Citation(66, 24266, date(2001, 5, 14))
    assert len(cites) >= 2


def test_dpl_json_effective_date_is_source() -> None:
    ents = entities("us_bis_dpl/bis_dpl_2026-04-14.json")
    adt = next(e for e in ents if e.name == "ADT ANALOG AND DIGITAL TECHNIK")
    assert adt.listings[0].start_date == date(1981, 9, 10)
    assert adt.listings[0].start_date_source == "source"
    assert [c.page for c in adt.listings[0].citations] == [46154, 19290]


def test_data_date_from_extracted() -> None:
    assert read_source(real(EL)).data_date == date(2026, 7, 9)
