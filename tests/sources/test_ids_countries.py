from __future__ import annotations

import pytest

from tradescreen.countries import country_of_address, to_iso2
from tradescreen.sources.ids import IdAllocator, stable_key
from tradescreen.sources.lists import csl_list_code, ofac_program_list

from .conftest import by_name, entities


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("China", "CN"),
        ("Hong Kong", "HK"),
        ("Russia", "RU"),
        ("Iran", "IR"),
        ("Korea, North", "KP"),
        ("Burma", "MM"),
        ("Crimea Region of Ukraine", "UA"),
        ("CN", "CN"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Syrian Arab Republic", "SY"),
        ("Turkey", "TR"),
        ("NM", None),
        ("None Identified", None),
        ("", None),
    ],
)
def test_to_iso2(value: str, iso: str | None) -> None:
    assert to_iso2(value) == iso


def test_country_of_address() -> None:
    assert country_of_address("Room 19C Lockhart Centre, Wan Chai, Hong Kong.") == "HK"
    assert country_of_address("555, Qianmo Road, Hangzhou, 310051, CN") == "CN"
    assert country_of_address("3415 RIVERA AVENUE, EL PASO, TX 79905") is None


def test_stable_key_ignores_case_spacing_punctuation() -> None:
    a = stable_key("us_bis_el", "Dahua Technology Co., Ltd.", "CN")
    assert a == stable_key("us_bis_el", "DAHUA  TECHNOLOGY CO LTD", "CN")
    assert a != stable_key("us_bis_el", "Dahua Technology Co., Ltd.", "HK")
    assert a != stable_key("us_bis_dpl", "Dahua Technology Co., Ltd.", "CN")


def test_allocator_disambiguates_repeats_deterministically() -> None:
    def run() -> list[str]:
        ids = IdAllocator()
        return [
            ids.allocate("us_bis_el", "Huawei", "CN", "Shenzhen"),
            ids.allocate("us_bis_el", "Huawei", "CN", "Wuhan"),
            ids.allocate("us_bis_el", "Huawei", "CN", "Wuhan"),
        ]

    first = run()
    assert len(set(first)) == 3 and first == run()
    assert first[0] == stable_key("us_bis_el", "Huawei", "CN")


def test_list_code_maps() -> None:
    assert csl_list_code("Entity List (EL) - Bureau of Industry and Security") == "us_bis_el"
    assert csl_list_code("Entity List (EL) -  Bureau of Industry and Security") == "us_bis_el"
    assert csl_list_code("Some Other List") is None
    assert ofac_program_list(("CMIC-EO13959",)) == "us_ofac_nscmic"
    assert ofac_program_list(("UKRAINE-EO13662", "RUSSIA-EO14024")) == "us_ofac_ssi"
    assert ofac_program_list(()) == "us_ofac_cons"


@pytest.mark.realdata
def test_ids_stable_across_list_versions_and_sources() -> None:
    old = entities("us_csl/consolidated_2022-04.csv.gz")
    new = entities("us_csl/csl_partial_2023-11.csv.gz")
    for code in ("us_bis_el", "us_ofac_sdn"):
        a = {e.id for e in old if e.listings[0].list_code == code}
        b = {e.id for e in new if e.listings[0].list_code == code}
        assert len(a & b) >= 0.99 * len(b), code
    # the same Entity List entry read from the CSL and from the eCFR text gets the same id
    csl = [e for e in by_name(old, "Hangzhou Hikvision") if e.id.startswith("us_bis_el:")]
    ecfr = by_name(entities("us_bis_entity_list/bis_entity_list_ecfr_2026-07.json"), "Hikvision")
    assert csl[0].id == ecfr[0].id
