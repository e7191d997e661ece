"""trade.gov CSL API compatibility (docs/api.md, "trade.gov CSL API"): each claim has a test.

``CslClient`` is written against the government API's documented request and response shape
(``GET {base}/consolidated_screening_list/v1/search`` with a ``subscription-key`` header;
``{"total", "sources", "results", "search_performed_at", "sources_used"}``); only its base URL
points at tradescreen. A tiny in-memory store for the unit tests; the real CSL file for one.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from tests.data_paths import require_data

from tradescreen.access.keys import Role, create_key
from tradescreen.db import all_tables, make_engine
from tradescreen.loading import load_files
from tradescreen.model import (
    Address,
    Citation,
    Entity,
    EntityKind,
    Identifier,
    Listing,
    Name,
    NameKind,
    VesselInfo,
)
from tradescreen.screening.screener import Screener
from tradescreen.server import create_app
from tradescreen.services.csl import SOURCES
from tradescreen.settings import Settings
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import SqlStore

EL_SOURCE = "Entity List (EL) - Bureau of Industry and Security"
SDN_SOURCE = "Specially Designated Nationals (SDN) - Treasury Department"
RESULT_FIELDS = {
    "id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order",
    "license_requirement", "license_policy", "call_sign", "vessel_type", "gross_tonnage",
    "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks", "source_list_url",
    "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
    "source_information_url", "ids",
}  # fmt: skip


class CslClient:
    """A client of the trade.gov CSL API as its documentation describes it."""

    def __init__(self, base_url: str, subscription_key: str, transport: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._http = httpx.AsyncClient(
            base_url=base_url, transport=transport, headers={"subscription-key": subscription_key}
        )

    def raw(self, path: str, **params: Any) -> httpx.Response:
        url = f"/consolidated_screening_list/v1/{path}"
        return self._loop.run_until_complete(self._http.get(url, params=params))

    def search(self, **params: Any) -> dict[str, Any]:
        r = self.raw("search", **params)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        assert {"total", "results", "search_performed_at", "sources_used", "sources"} <= set(body)
        for res in body["results"]:
            assert set(res) >= RESULT_FIELDS, RESULT_FIELDS - set(res)
            for a in res["addresses"]:
                assert set(a) == {"address", "city", "state", "postal_code", "country"}
        return body

    def close(self) -> None:
        self._loop.run_until_complete(self._http.aclose())
        self._loop.close()


def _el(name: str, *aliases: str, end: date | None = None, **kw: Any) -> Entity:
    listing = Listing(
        list_code="us_bis_el",
        list_name="Entity List",
        programs=("EAR",),
        citations=(Citation(84, 54002), Citation(85, 44159)),
        start_date=date(2019, 10, 9),
        end_date=end,
        license_requirement="For all items subject to the EAR.",
        license_policy="Presumption of denial.",
        source_url="http://bit.ly/1L47xrV",
        source_id=f"el-{name[:8]}",
    )
    return Entity(
        id=f"us_bis_el:{uuid.uuid5(uuid.NAMESPACE_URL, name).hex[:12]}",
        kind=EntityKind.ORGANIZATION,
        names=(Name(name), *(Name(a, NameKind.AKA) for a in aliases)),
        listings=(listing,),
        **kw,
    )


HIK = _el(
    "Hangzhou Hikvision Digital Technology Co., Ltd.",
    "Hikvision",
    addresses=(
        Address(street="No. 555 Qianmo Road", city="Hangzhou", postal_code="310052", country="CN"),
    ),
    countries=("CN",),
)
REMOVED = _el("Hikvision Removed Trading Co.", end=date(2020, 1, 1), countries=("HK",))
ABBAS = Entity(
    id="us_ofac_sdn:21944",
    kind=EntityKind.PERSON,
    names=(Name("'ABBAS, Rim"),),
    listings=(Listing("us_ofac_sdn", "SDN List", programs=("SYRIA",), source_id="21944"),),
    addresses=(Address(country="SY"),),
    identifiers=(Identifier("Passport", "N00000001", "SY"),),
    birth_dates=("1973-03-25",),
    nationalities=("SY",),
    countries=("SY",),
)
SHIP = Entity(
    id="us_ofac_sdn:9000",
    kind=EntityKind.VESSEL,
    names=(Name("SEA STAR"),),
    listings=(Listing("us_ofac_sdn", "SDN List", programs=("IRAN",)),),
    identifiers=(Identifier("Call Sign", "9BQX"), Identifier("IMO", "9187629")),
    addresses=(Address(full="Port of Bandar Abbas, Hormozgan, Iran", country="IR"),),
    countries=("IR",),
    vessel=VesselInfo("Crude Oil Tanker", "150,000", "80,000", "Iran", "NITC"),
)
UN_ONLY = Entity(
    id="un_sc:QDe.999",
    kind=EntityKind.ORGANIZATION,
    names=(Name("Hikvision Benevolent Society"),),
    listings=(Listing("un_sc", "UN"),),
)


def _version(code: str, entities: list[Entity]) -> NewVersion:
    return NewVersion(
        list_code=code,
        list_name=code,
        source="test",
        format="test",
        sha256=uuid.uuid4().hex * 2,
        entities=entities,
        retrieved_at=datetime(2026, 8, 1, 12, tzinfo=UTC),
        data_date=date(2026, 7, 30),
    )


def _app(tmp: Path, engine: Engine, store: SqlStore) -> FastAPI:
    settings = Settings(
        db="sqlite://",
        list_dir=tmp,
        audit_key_file=tmp / "audit.key",
        api_rate_limit_per_minute=10_000,
    )
    screener = Screener(store, settings)
    return create_app(settings, store=store, screener=screener, engine=engine)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Engine]]:
    engine = make_engine("sqlite://")
    all_tables().create_all(engine)
    store = SqlStore(engine)
    store.create_schema()
    store.add_versions(
        [
            _version("us_bis_el", [HIK, REMOVED]),
            _version("us_ofac_sdn", [ABBAS, SHIP]),
            _version("un_sc", [UN_ONLY]),
        ]
    )
    yield _app(tmp_path_factory.mktemp("csl"), engine, store), engine
    engine.dispose()


@pytest.fixture
def key(tiny: tuple[FastAPI, Engine]) -> str:
    return create_key(tiny[1], f"csl-{uuid.uuid4().hex[:8]}", Role.SCREENER)[1]


@pytest.fixture
def csl(tiny: tuple[FastAPI, Engine], key: str) -> Iterator[CslClient]:
    client = CslClient("http://testserver", key, httpx.ASGITransport(app=tiny[0]))
    yield client
    client.close()


def test_name_search_returns_the_documented_record(csl: CslClient) -> None:
    body = csl.search(name="Hikvision")
    assert body["total"] == 1  # the UN-only entry and the ended listing are not CSL results
    (res,) = body["results"]
    assert res["source"] == EL_SOURCE and res["type"] == "Entity"
    assert res["name"] == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert res["alt_names"] == ["Hikvision"]
    assert res["federal_register_notice"] == "84 FR 54002; 85 FR 44159"
    assert res["start_date"] == "2019-10-09" and res["end_date"] is None
    assert res["programs"] == ["EAR"]
    assert res["license_requirement"] == "For all items subject to the EAR."
    assert res["license_policy"] == "Presumption of denial."
    assert res["source_list_url"] == "http://bit.ly/1L47xrV"
    assert res["addresses"] == [
        {"address": "No. 555 Qianmo Road", "city": "Hangzhou", "state": None,
         "postal_code": "310052", "country": "CN"}
    ]  # fmt: skip
    assert body["sources"] == [{"value": EL_SOURCE, "count": 1}]
    used = {s["source"]: s for s in body["sources_used"]}
    assert set(used) == {EL_SOURCE, SDN_SOURCE}  # un_sc is no CSL source
    assert used[EL_SOURCE]["last_imported"] == "2026-08-01T12:00:00+00:00"
    assert used[EL_SOURCE]["source_last_updated"] == "2026-07-30T00:00:00+00:00"
    assert datetime.fromisoformat(body["search_performed_at"]).tzinfo is not None


def test_name_words_must_all_be_in_one_name(csl: CslClient) -> None:
    assert csl.search(name="hikvision hangzhou")["total"] == 1
    assert csl.search(name="Hikvision Qianmo")["total"] == 0  # an address word is no name word
    assert csl.search(name="abbas")["results"][0]["name"] == "'ABBAS, Rim"


def test_treasury_fields(csl: CslClient) -> None:
    (person,) = csl.search(name="Rim Abbas")["results"]
    assert person["source"] == SDN_SOURCE and person["entity_number"] == 21944
    assert person["type"] == "Individual" and person["programs"] == ["SYRIA"]
    assert person["ids"] == [
        {"type": "Passport", "number": "N00000001", "country": "SY", "issue_date": None,
         "expiration_date": None}
    ]  # fmt: skip
    assert person["dates_of_birth"] == ["1973-03-25"] and person["nationalities"] == ["SY"]
    (ship,) = csl.search(name="sea star")["results"]
    assert ship["type"] == "Vessel" and ship["call_sign"] == "9BQX"
    assert [i["type"] for i in ship["ids"]] == ["IMO"]
    assert (ship["vessel_type"], ship["gross_tonnage"], ship["gross_registered_tonnage"],
            ship["vessel_flag"], ship["vessel_owner"]) == (
        "Crude Oil Tanker", "150,000", "80,000", "Iran", "NITC")  # fmt: skip
    for field in ("standard_order", "vessel_type", "gross_tonnage", "vessel_flag"):
        assert person[field] is None
    assert person["citizenships"] == [] and person["source_information_url"] is None


def test_filters(csl: CslClient) -> None:
    assert csl.search(sources="SDN")["total"] == 2
    assert csl.search(sources="sdn,EL")["total"] == 3
    assert csl.search(sources="DPL")["total"] == 0
    assert [r["name"] for r in csl.search(types="Individual")["results"]] == ["'ABBAS, Rim"]
    assert csl.search(types="Vessel,Entity")["total"] == 2
    assert csl.search(countries="SY")["results"][0]["entity_number"] == 21944
    assert csl.search(countries="cn,ir")["total"] == 2
    assert csl.search(city="hangzhou")["total"] == 1
    assert csl.search(postal_code="310052", address="Qianmo")["total"] == 1
    assert csl.search(city="Urumqi")["total"] == 0
    assert csl.search(full_address="Qianmo Road, Hangzhou")["total"] == 1
    assert csl.search(countries="Syria")["total"] == 1  # a country name tradescreen reads
    # an address the list gives as one line is matched whole, by any field
    assert csl.search(city="bandar abbas")["results"][0]["name"] == "SEA STAR"
    assert csl.search(state="Hormozgan", postal_code="Iran")["total"] == 1


def test_size_and_offset_page_through_the_results(csl: CslClient) -> None:
    everything = csl.search(size=50)
    assert everything["total"] == 3 and len(everything["results"]) == 3
    pages = [csl.search(size=1, offset=i) for i in range(3)]
    assert [p["results"][0]["id"] for p in pages] == [r["id"] for r in everything["results"]]
    assert all(p["total"] == 3 and len(p["results"]) == 1 for p in pages)
    assert csl.search(offset=3)["results"] == []


def test_fuzzy_name_scores_a_misspelling(csl: CslClient) -> None:
    assert csl.search(name="Hangzhou Hikvisoin Digital")["total"] == 0
    body = csl.search(name="Hangzhou Hikvisoin Digital", fuzzy_name="true")
    assert body["total"] == 1
    (res,) = body["results"]
    assert res["source"] == EL_SOURCE and 0.5 < res["score"] <= 1.0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"nmae": "x"}, "unknown parameter(s): nmae"),
        ({"size": "0"}, "size: 0 is out of range (1 to 50)"),
        ({"size": "51"}, "size: 51 is out of range (1 to 50)"),
        ({"size": "ten"}, "size: 'ten' is not a whole number"),
        ({"offset": "-1"}, "offset: -1 is out of range (0 to 10000)"),
        ({"sources": "EL,XYZ"}, "sources: unknown source 'XYZ'"),
        ({"types": "Robot"}, "types: unknown type 'Robot'"),
        ({"countries": "Narnia"}, "countries"),
        ({"fuzzy_name": "maybe", "name": "x1"}, "fuzzy_name: 'maybe' is not true or false"),
        ({"fuzzy_name": "true"}, "fuzzy_name=true needs a name"),
        ({"name": "\x01bad"}, "control characters in name"),
    ],
)
def test_bad_parameters_are_400_with_one_line(
    csl: CslClient, params: dict[str, str], message: str
) -> None:
    r = csl.raw("search", **params)
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert message in detail and "\n" not in detail


def test_fuzzy_searches_are_audited_word_searches_are_not(
    tiny: tuple[FastAPI, Engine], csl: CslClient
) -> None:
    from tradescreen.audit.chain import iter_records

    def screened() -> list[str]:
        with tiny[1].connect() as conn:
            return [
                r.payload.get("query", {}).get("name", "")
                for r in iter_records(conn)
                if r.payload.get("context", {}).get("route") == "csl_search"
            ]

    before = screened()
    csl.search(name="Sea Star Shipping", fuzzy_name="true")
    csl.search(name="Rim Abbas")
    assert screened() == [*before, "Sea Star Shipping"]


def test_docs_source_table_is_the_code() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    section = doc.split("### trade.gov CSL API", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| ([A-Z-]+) \| ([^|]+) \| ([^|]+) \|$", section, re.M)
    table = {
        a: (src.strip(), tuple(re.findall(r"`([a-z0-9_]+)`", codes))) for a, src, codes in rows
    }
    assert table == {s.abbreviation: (s.source, s.list_codes) for s in SOURCES}


def test_authorisation(tiny: tuple[FastAPI, Engine], key: str) -> None:
    transport = httpx.ASGITransport(app=tiny[0])
    loop = asyncio.new_event_loop()

    def get(**kw: Any) -> int:
        async def go() -> int:
            async with httpx.AsyncClient(base_url="http://t", transport=transport) as c:
                r = await c.get("/consolidated_screening_list/v1/search", **kw)
                return r.status_code

        return loop.run_until_complete(go())

    try:
        assert get(params={"name": "Hikvision"}) == 401
        assert get(params={"name": "Hikvision", "subscription-key": key}) == 200
        assert get(headers={"subscription-key": key}) == 200
        assert get(headers={"Authorization": f"Bearer {key}"}) == 200
        assert get(headers={"Authorization": f"ApiKey {key}"}) == 200
        assert get(headers={"subscription-key": "not-a-key"}) == 401
    finally:
        loop.close()


def test_sources_lists_every_abbreviation(csl: CslClient) -> None:
    r = csl.raw("sources")
    assert r.status_code == 200
    body = r.json()
    by = {s["abbreviation"]: s for s in body["sources"]}
    assert set(by) == {s.abbreviation for s in SOURCES}
    assert {"EL", "DPL", "SDN", "UVL", "ISN", "MEU", "DTC", "CMIC", "SSI", "FSE", "PLC", "CAP",
            "MBS"} == set(by)  # fmt: skip
    assert by["EL"]["list_codes"] == ["us_bis_el"] and by["EL"]["loaded"] is True
    assert by["DPL"]["loaded"] is False
    assert by["DTC"]["list_codes"] == ["us_state_dtc", "us_state_dtc_admin"]
    assert {s["source"] for s in body["sources_used"]} == {EL_SOURCE, SDN_SOURCE}
    # NS-MBS, the list's own abbreviation, names the same source as MBS
    assert csl.raw("search", sources="NS-MBS").status_code == 200


# ---------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    path = require_data("lists", "us_csl", "consolidated_2022-04.csv.gz")
    tmp = tmp_path_factory.mktemp("csl-real")
    engine = make_engine("sqlite://")
    all_tables().create_all(engine)
    store = SqlStore(engine)
    store.create_schema()
    settings = Settings(db="sqlite://", list_dir=tmp, audit_key_file=tmp / "audit.key")
    load_files(store, [path], settings=settings)
    app = _app(tmp, engine, store)
    app.state.test_key = create_key(engine, "csl-real", Role.SCREENER)[1]
    yield app
    engine.dispose()


@pytest.mark.realdata
def test_real_csl_hikvision_on_the_entity_list(real: FastAPI) -> None:
    client = CslClient("http://testserver", real.state.test_key, httpx.ASGITransport(app=real))
    try:
        body = client.search(name="Hikvision", sources="EL")
        assert body["total"] >= 1
        hik = [r for r in body["results"] if "84 FR 54002" in (r["federal_register_notice"] or "")]
        assert hik and all(r["source"] == EL_SOURCE for r in body["results"])
        assert hik[0]["name"] == "Hangzhou Hikvision Digital Technology Co., Ltd."
        assert hik[0]["start_date"] == "2019-10-09" and "Hikvision" in hik[0]["alt_names"]
        assert hik[0]["source_list_url"] == "http://bit.ly/1L47xrV"
        # every source: the Entity List and the Treasury's CMIC entry both name Hikvision
        every = client.search(name="Hikvision", size=50)
        assert {r["source"] for r in every["results"]} >= {
            EL_SOURCE,
            "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury "
            "Department",
        }
        assert len(client.search(sources="SDN", size=1)["sources_used"]) == 13
        # what the file says beyond names: DPL standard orders, vessel fields, both URLs
        dpl = client.search(sources="DPL", size=50)["results"]
        assert {r["standard_order"] for r in dpl} >= {"Y"}
        ships = client.search(sources="SDN", types="Vessel", size=50)
        assert ships["total"] > 100
        assert any(r["vessel_type"] and r["vessel_flag"] for r in ships["results"])
        sdn = ships["results"][0]
        assert sdn["source_list_url"] != sdn["source_information_url"]
    finally:
        client.close()
