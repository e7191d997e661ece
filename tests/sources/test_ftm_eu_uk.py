from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path

import orjson
import pytest
from followthemoney import model as ftm_model

from tradescreen.model import Entity, EntityKind, NameKind
from tradescreen.sources import read_source
from tradescreen.sources.ftm import to_ftm, write_ftm

from .conftest import FIXTURES, entities


def _canonical(e: Entity) -> Entity:
    """FtM keeps names per property (no order) and has no native-script name property."""
    names = {
        dataclasses.replace(n, kind=NameKind.AKA if n.kind is NameKind.NATIVE else n.kind)
        for n in e.names
    }
    ordered = tuple(sorted(names, key=lambda n: (n.kind is not NameKind.PRIMARY, n.kind, n.value)))
    return dataclasses.replace(e, names=ordered)


@pytest.mark.realdata
@pytest.mark.parametrize(
    "rel",
    [
        "us_csl/consolidated_2022-04.csv.gz",
        "un_sc/UN_consolidated_2026-02-27.xml.gz",
        "us_bis_entity_list/bis_entity_list_ecfr_2026-07.json",
        "us_ofac_sdn/2021-07",
    ],
)
def test_ftm_round_trip(rel: str, tmp_path: Path) -> None:
    src = entities(rel)[:600]
    out = tmp_path / "entities.ftm.json"
    with out.open("wb") as fp:
        write_ftm(src, fp)
    ps = read_source(out)
    assert ps.format == "ftm_json"
    back = list(ps.entities)
    assert [e.id for e in back] == [e.id for e in src]
    assert [_canonical(e) for e in back] == [_canonical(e) for e in src]


@pytest.mark.realdata
def test_ftm_export_validates_against_the_followthemoney_schema() -> None:
    src = entities("us_csl/consolidated_2022-04.csv.gz")[::50]
    for ent in src:
        for obj in to_ftm(ent):
            schema = ftm_model.get(obj["schema"])
            assert schema is not None
            for prop in obj["properties"]:
                assert prop in schema.properties, (obj["schema"], prop)
            proxy = ftm_model.get_proxy(obj)  # cleans and validates values
            assert proxy.id == obj["id"]


def test_ftm_import_of_opensanctions_style_lines(tmp_path: Path) -> None:
    lines = [
        {
            "id": "NK-abc",
            "schema": "Person",
            "datasets": ["un_sc_sanctions"],
            "properties": {
                "name": ["Ivan Petrov"],
                "alias": ["Ivan P."],
                "weakAlias": ["Vanya"],
                "previousName": ["Ivan Sidorov"],
                "country": ["ru"],
                "birthDate": ["1970-02"],
                "topics": ["sanction"],
            },
        },
        {
            "id": "sanc-1",
            "schema": "Sanction",
            "properties": {
                "entity": ["NK-abc"],
                "program": ["RU-UKR"],
                "startDate": ["2022-02-28"],
                "authority": ["UN Security Council"],
                "sourceUrl": ["https://example.org/list"],
            },
        },
        {"id": "v1", "schema": "Vessel", "datasets": ["x"], "properties": {"name": ["SEA"]}},
    ]
    path = tmp_path / "os.json"
    path.write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    person, vessel = list(read_source(path).entities)
    assert person.id == "un_sc_sanctions:NK-abc" and person.kind is EntityKind.PERSON
    assert [n.kind for n in person.names] == [
        NameKind.PRIMARY,
        NameKind.AKA,
        NameKind.WEAK_AKA,
        NameKind.FKA,
    ]
    assert person.countries == ("RU",) and person.birth_dates == ("1970-02",)
    assert person.listings[0].start_date == date(2022, 2, 28)
    assert person.listings[0].programs == ("RU-UKR",)
    assert vessel.kind is EntityKind.VESSEL and vessel.listings[0].list_code == "x"


def test_write_ftm_counts_lines() -> None:
    buf = io.BytesIO()
    ps = read_source(FIXTURES / "eu_fsf.xml")
    n = write_ftm(ps.entities, buf)
    assert n == buf.getvalue().count(b"\n") and n > 2


def test_eu_fixture() -> None:
    ps = read_source(FIXTURES / "eu_fsf.xml")
    assert ps.format == "eu_xml" and ps.data_date == date(2024, 5, 2)
    grace, scf = list(ps.entities)
    assert grace.id == "eu_fsf:13" and grace.kind is EntityKind.PERSON
    assert grace.listings[0].start_date == date(2002, 2, 21)  # earliest regulation
    assert grace.listings[0].source_id == "EU.27.28"
    assert ("Grace Marufu", NameKind.WEAK_AKA) in {(n.value, n.kind) for n in grace.names}
    assert grace.nationalities == ("ZW",) and grace.birth_dates == ("1965-07-23",)
    assert scf.kind is EntityKind.ORGANIZATION
    assert any(n.kind is NameKind.NATIVE and n.lang == "ru" for n in scf.names)
    assert scf.identifiers[0].value == "1027739028712" and scf.countries == ("RU",)


def test_uk_fixture() -> None:
    ps = read_source(FIXTURES / "uk_sanctions.xml")
    assert ps.format == "uk_xml" and ps.data_date == date(2024, 5, 2)
    akhund, rosneft, ship = list(ps.entities)
    assert akhund.id == "uk_sanctions:AFG0006"
    assert akhund.birth_dates == ("1950", "1955-08-27")
    assert akhund.listings[0].start_date == date(2001, 1, 25)
    assert akhund.listings[0].license_requirement == "Asset freeze; Travel Ban; Arms embargo"
    assert rosneft.name == "PJSC Rosneft Oil Company"
    assert {n.kind for n in rosneft.names} == {NameKind.PRIMARY, NameKind.AKA, NameKind.NATIVE}
    assert ship.kind is EntityKind.VESSEL and ship.identifiers[0].value == "9286499"
