from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradescreen.errors import SourceError
from tradescreen.model import EntityKind, Identifier, NameKind
from tradescreen.sources import read_source
from tradescreen.sources.ofac_remarks import parse_remarks

from .conftest import entities, real


def test_sdn_2021_set_counts_and_alias_join() -> None:
    ents = entities("us_ofac_sdn/2021-07")
    assert len(ents) == 8976
    assert len({e.id for e in ents}) == 8976
    names = Counter(n.kind for e in ents for n in e.names)
    assert names[NameKind.AKA] + names[NameKind.FKA] >= 11_900 - 20  # alt.csv: 11,910 rows
    bnc = next(e for e in ents if e.id == "us_ofac_sdn:306")
    assert bnc.name == "BANCO NACIONAL DE CUBA"
    assert ("NATIONAL BANK OF CUBA", NameKind.AKA) in {(n.value, n.kind) for n in bnc.names}
    assert ("BNC", NameKind.WEAK_AKA) in {(n.value, n.kind) for n in bnc.names}
    assert {"CH", "ES", "JP", "PA"} <= set(bnc.countries)
    assert bnc.listings[0].list_code == "us_ofac_sdn" and bnc.listings[0].programs == ("CUBA",)


def test_sdn_2021_comments_continue_remarks() -> None:
    ent = next(e for e in entities("us_ofac_sdn/2021-07") if e.id == "us_ofac_sdn:28264")
    assert ent.remarks and "Linked To: LAZARUS GROUP" in ent.remarks
    assert Identifier("Identification Number", "210302198701102136", "CN") in ent.identifiers


def test_sdn_2024_primary_alone() -> None:
    ps = read_source(real("us_ofac_sdn/2024-05-03/sdn.csv"))
    ents = list(ps.entities)
    assert len(ents) == 14965
    assert any("no add, alt, comments file" in w for w in ps.warnings)
    kinds = Counter(e.kind for e in ents)
    assert kinds[EntityKind.VESSEL] > 800 and kinds[EntityKind.PERSON] > 6000


def test_sdn_2025_without_primary_is_refused() -> None:
    with pytest.raises(SourceError, match="no primary file"):
        read_source(real("us_ofac_sdn/2025-12"))


def test_cons_programs_to_lists() -> None:
    ents = entities("us_ofac_cons/2025-12")
    assert len(ents) == 442
    counts = Counter(e.listings[0].list_code for e in ents)
    assert counts["us_ofac_nscmic"] == 68 and counts["us_ofac_plc"] == 78
    hik = next(e for e in ents if e.id == "us_ofac_nscmic:30946")
    assert Identifier("ISIN", "CNE100000PM8") in hik.identifiers


def test_enhanced_xml() -> None:
    ps = read_source(real("us_ofac_cons/2025-01/CONS_ENHANCED.ZIP"))
    assert ps.format == "ofac_xml"
    assert ps.data_date == date(2025, 1, 10)
    ents = list(ps.entities)
    assert len(ents) == 443
    hik = next(e for e in ents if e.id == "us_ofac_nscmic:30946")
    assert hik.listings[0].start_date == date(2021, 6, 3)
    assert Identifier("Unified Social Credit Code (USCC)", "91330000733796106P", "CN") in (
        hik.identifiers
    )
    assert hik.addresses[0].postal_code == "310051"
    plc = next(e for e in ents if e.id.endswith(":9678"))
    assert plc.kind is EntityKind.PERSON and plc.birth_dates == ("1944",)


def test_remarks_parser() -> None:
    r = parse_remarks(
        "DOB 31 Aug 1960; alt. DOB circa 1955; POB Al Basuriyah, Lebanon; nationality Iran; "
        "Passport 042833 (Lebanon); IMO 9187629; Gender Male; a.k.a. 'BNC'; Linked To: HIZBALLAH."
    )
    assert r.birth_dates == ["1960-08-31", "1955"]
    assert r.birth_places == ["Al Basuriyah, Lebanon"]
    assert r.nationalities == ["IR"]
    assert Identifier("Passport", "042833", "LB") in r.identifiers
    assert Identifier("IMO", "9187629") in r.identifiers
    assert r.weak_aliases == ["BNC"] and r.linked == ["HIZBALLAH"]
    dated = parse_remarks("Passport A1234 (Iran) issued 10 Jan 2001 expires 09 Jan 2011.")
    assert dated.identifiers == [Identifier("Passport", "A1234", "IR")]


@given(
    st.text(alphabet=st.sampled_from(list("DOBPassport ();.'a.k.-0123IMO:Linked To")), max_size=120)
)
def test_remarks_parser_total(text: str) -> None:
    r = parse_remarks(text)
    assert all(i.value for i in r.identifiers)
