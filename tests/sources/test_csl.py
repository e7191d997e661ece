from __future__ import annotations

from collections import Counter
from datetime import date

from tradescreen.model import Citation, EntityKind, NameKind
from tradescreen.sources import read_source
from tradescreen.sources.csl import parse_id_item

from .conftest import FIXTURES, by_name, entities, real

CSL_2022 = "us_csl/consolidated_2022-04.csv.gz"
CSL_2023 = "us_csl/csl_partial_2023-11.csv.gz"


def test_csl_2022_counts_by_list() -> None:
    ents = entities(CSL_2022)
    assert len(ents) == 14160
    counts = Counter(e.listings[0].list_code for e in ents)
    assert counts["us_ofac_sdn"] == 10026
    assert counts["us_bis_el"] == 2001
    assert counts["us_state_dtc"] == 727
    assert counts["us_bis_dpl"] == 462
    assert counts["us_ofac_ssi"] == 290
    assert counts["us_bis_meu"] == 71
    assert len({e.id for e in ents}) == len(ents)


def test_csl_2022_hikvision_entity_list_row() -> None:
    (hik,) = [
        e
        for e in by_name(entities(CSL_2022), "Hangzhou Hikvision")
        if e.listings[0].list_code == "us_bis_el"
    ]
    listing = hik.listings[0]
    assert listing.list_name == "Entity List (EL) - Bureau of Industry and Security"
    assert listing.citations == (Citation(84, 54002), Citation(85, 44159))
    assert listing.start_date == date(2019, 10, 9)
    assert listing.start_date_source == "source"
    assert (
        listing.license_policy and "Case-by-case review for ECCNs 1A004.c" in listing.license_policy
    )
    assert hik.kind is EntityKind.ORGANIZATION
    assert Counter(n.kind for n in hik.names)[NameKind.AKA] == 1
    assert hik.countries == ("CN",)
    assert len(hik.addresses) == 3


def test_csl_2022_huawei_start_dates() -> None:
    rows = [
        e
        for e in by_name(entities(CSL_2022), "Huawei Technologies Co., Ltd. (Huawei)")
        if e.listings[0].list_code == "us_bis_el"
    ]
    assert len(rows) >= 3
    assert {r.listings[0].start_date for r in rows} == {date(2019, 5, 21)}
    assert len({r.id for r in rows}) == len(rows)


def test_csl_2022_sdn_row_identifiers_and_person_fields() -> None:
    (ent,) = [e for e in entities(CSL_2022) if e.id == "us_ofac_sdn:21944"]
    assert ent.kind is EntityKind.PERSON
    assert ent.birth_dates == ("1973-03-25",)
    assert ent.nationalities == ("SY",)
    cmic = next(e for e in entities(CSL_2022) if e.id == "us_ofac_nscmic:30946")
    kinds = {i.kind: i for i in cmic.identifiers}
    assert kinds["ISIN"].value == "CNE100000PM8"
    assert kinds["Unified Social Credit Code (USCC)"].country == "CN"
    assert "Target Type" not in kinds


def test_csl_2022_dpl_start_from_source_and_citations() -> None:
    rows = [e for e in by_name(entities(CSL_2022), "I. ASH") if e.name == "I. ASH"]
    assert len(rows) >= 1 and all(r.listings[0].list_code == "us_bis_dpl" for r in rows)
    assert len({r.id for r in rows}) == len(rows)  # one id per DPL row (address disambiguates)
    listing = rows[0].listings[0]
    assert listing.start_date == date(2003, 6, 19)
    assert listing.end_date == date(2056, 6, 29)
    assert [c.volume for c in listing.citations] == [68, 71, 72]


def test_partial_2023_skips_repeated_header_and_rejects_cut_last_row() -> None:
    ps = read_source(real(CSL_2023))
    ents = list(ps.entities)
    # 4,227 data rows: the last one is cut mid-quote in this partial copy
    assert len(ents) == 4226
    assert any("repeated header row skipped" in w for w in ps.warnings)
    assert len(ps.rejected) == 1 and "truncated" in ps.rejected[0]
    assert Counter(e.listings[0].list_code for e in ents)["us_bis_el"] == 919


def test_ids_item_parsing() -> None:
    got = parse_id_item("CN, 91330000733796106P, Unified Social Credit Code (USCC)")
    assert got is not None and got.value == "91330000733796106P" and got.country == "CN"
    passport = parse_id_item("JO, 2014-08-30, 2009-08-31, K475336, Passport")
    assert passport is not None and passport.value == "K475336" and passport.country == "JO"
    assert parse_id_item("Male, Gender") is None


def test_csl_json_fixture() -> None:
    ps = read_source(FIXTURES / "csl_api.json")
    assert ps.format == "csl_json"
    ents = list(ps.entities)
    assert len(ents) == 3
    assert ps.data_date == date(2022, 5, 13)
    hik, abbas, xuar = ents
    assert hik.listings[0].start_date == date(2019, 10, 9)
    assert hik.addresses[0].city == "Hangzhou" and hik.addresses[0].country == "CN"
    assert abbas.id == "us_ofac_sdn:21944"
    assert [i.kind for i in abbas.identifiers] == ["Passport"]
    assert xuar.listings[0].start_date_source == "citation"
    assert xuar.listings[0].start_date == date(2019, 10, 9)
