"""yente compatibility (docs/api.md, "yente API"): each row of the table has a test here.

The store holds the real BIS Entity List and Denied Persons List (support.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from tradescreen.model import EntityKind, ftm_id
from tradescreen.screening.screener import Screener
from tradescreen.services.ftm import find_entity
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

from .support import Client, auth, build_app

# The example from yente's /match documentation (yente/routers/match.py), plus our seed party.
YENTE_BODY = {
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {
                "name": ["John Doe"],
                "birthDate": ["1975-04-21"],
                "nationality": ["us"],
            },
        },
        "entity2": {
            "schema": "Company",
            "properties": {
                "name": ["Brilliant Amazing Limited"],
                "jurisdiction": ["hk"],
                "registrationNumber": ["84BA99810"],
            },
        },
        "q1": {
            "schema": "Company",
            "properties": {"name": ["Hangzhou Hikvision Digital Technology"], "country": ["cn"]},
        },
    }
}
ENTITY_KEYS = {
    "id", "caption", "schema", "properties", "datasets", "referents", "target",
    "first_seen", "last_seen", "last_change",
}  # fmt: skip
RESULT_KEYS = ENTITY_KEYS | {"score", "features", "explanations", "match"}
HIK = "Hangzhou Hikvision Digital Technology"


def one(schema: str, **props: Any) -> dict[str, Any]:
    return {"queries": {"q": {"schema": schema, "properties": props}}}


def results(client: Client, key: str, body: Any, params: str = "") -> list[dict[str, Any]]:
    r = client.post(f"/match/default{params}", json=body, headers=auth(key))
    assert r.status_code == 200, r.text
    out: list[dict[str, Any]] = r.json()["responses"]["q"]["results"]
    return out


def status(client: Client, key: str, body: Any, params: str = "") -> int:
    return client.post(f"/match/default{params}", json=body, headers=auth(key)).status_code


@pytest.fixture
def sk(keys: dict[str, str]) -> str:
    return keys["screener"]


# ---------------------------------------------------------------------------- /match shapes


def test_match_yente_shapes(client: Client, sk: str) -> None:
    r = client.post("/match/default?threshold=0.8&limit=3", json=YENTE_BODY, headers=auth(sk))
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) == {"responses", "limit"} and data["limit"] == 3
    assert r.headers["x-batch-size"] == "3"
    assert set(data["responses"]) == {"entity1", "entity2", "q1"}
    for resp in data["responses"].values():
        assert resp["status"] == 200 and set(resp["total"]) == {"value", "relation"}
        assert len(resp["results"]) <= 3
        for res in resp["results"]:
            assert set(res) == RESULT_KEYS
            assert isinstance(res["score"], float) and isinstance(res["match"], bool)
            assert all(isinstance(v, list) for v in res["properties"].values())
    q1 = data["responses"]["q1"]
    assert q1["query"] == {"id": None, "schema": "Company", "properties": YENTE_BODY["queries"][
        "q1"]["properties"]}  # fmt: skip
    top = q1["results"][0]
    assert "Hikvision" in top["caption"] and top["match"] is True and top["score"] >= 0.8
    assert top["datasets"] == ["us_bis_el"] and top["schema"] == "Organization"
    assert top["properties"]["country"] == ["cn"]
    assert top["properties"]["topics"] == ["export.control"]
    assert top["first_seen"] and top["last_seen"] and top["last_change"]
    # real features (yente >= 5.2.1: each with its explanation), not a copy of the score
    assert "score" not in top["features"]
    assert top["features"]["name_match"] > 0.8 and top["features"]["country_match"] == 1.0
    assert set(top["explanations"]) == set(top["features"])
    name = top["explanations"]["name_match"]
    assert set(name) == {"score", "detail", "query", "candidate"}
    assert name["query"] == "Hangzhou Hikvision Digital Technology"
    assert "“Hikvision”" in name["detail"] and "llc" not in name["detail"]
    assert top["explanations"]["country_match"]["query"] == "CN"
    # nothing real matches the documentation's made-up parties at 0.8
    assert all(not x["match"] for x in data["responses"]["entity2"]["results"])


def test_entity_ids_are_ftm_valid_and_resolve(client: Client, sk: str, api_store: SqlStore) -> None:
    from followthemoney import registry

    assert ftm_id("us_ofac_sdn:20157") == "us-ofac-sdn-20157"
    assert ftm_id("un_sc:CDi.001") == "un-sc-CDi.001"
    assert ftm_id("us_bis_el:0123abcd-2") == "us-bis-el-0123abcd-2"
    assert not registry.entity.validate("us_ofac_sdn:20157")
    seen = 0
    for version in api_store.active_versions():
        for i, entity in enumerate(api_store.iter_entities([version.id])):
            if i % 97:
                continue
            fid = ftm_id(entity.id)
            assert registry.entity.validate(fid), fid
            found = find_entity(api_store, fid)
            assert found is not None and found.id == entity.id
            seen += 1
    assert seen > 30
    top = results(client, sk, one("Company", name=HIK))[0]
    assert registry.entity.validate(top["id"])
    assert client.get(f"/entities/{top['id']}", headers=auth(sk)).json()["id"] == top["id"]


# ---------------------------------------------------------------------------- request parsing


def test_every_name_property_is_screened(client: Client, sk: str) -> None:
    by_alias = results(client, sk, one("Company", alias=[HIK]))
    assert "Hikvision" in by_alias[0]["caption"] and by_alias[0]["match"]
    junk = [f"Qwzx Plorv {i}" for i in range(5)]
    sixth = results(client, sk, one("Company", name=[*junk, HIK]))
    assert sixth and "Hikvision" in sixth[0]["caption"]
    previous = results(client, sk, one("Company", previousName=HIK))
    assert previous and "Hikvision" in previous[0]["caption"]
    abbreviation = results(client, sk, one("Company", abbreviation=HIK))
    assert abbreviation and "Hikvision" in abbreviation[0]["caption"]
    weak = results(client, sk, one("Company", weakAlias=HIK))
    assert weak and "Hikvision" in weak[0]["caption"]


def test_name_parts_are_combined(client: Client, sk: str) -> None:
    body = one("Person", firstName="Nedim", lastName=["Sulyak"])
    r = client.post("/match/default?threshold=0.5", json=body, headers=auth(sk)).json()
    resp = r["responses"]["q"]
    assert "Nedim Sulyak" in resp["query"]["properties"]["alias"]
    assert resp["results"] and resp["results"][0]["caption"] == "NEDIM SULYAK"


def test_countries_are_cleaned_and_all_used(client: Client, sk: str) -> None:
    r = client.post(
        "/match/default", json=one("Company", name=HIK, country=["United States", "China"]),
        headers=auth(sk),
    ).json()["responses"]["q"]  # fmt: skip
    assert sorted(r["query"]["properties"]["country"]) == ["cn", "us"]
    both = r["results"][0]["score"]
    us_only = results(client, sk, one("Company", name=HIK, country="us"))[0]["score"]
    cn_only = results(client, sk, one("Company", name=HIK, country="cn"))[0]["score"]
    assert both == cn_only > us_only
    egypt = client.post(
        "/match/default", json=one("Person", name="X Y", nationality="Egypt"), headers=auth(sk)
    ).json()["responses"]["q"]["query"]["properties"]
    assert egypt["nationality"] == ["eg"]


def test_unknown_properties_and_fields_ignored_values_cleaned(client: Client, sk: str) -> None:
    body = {
        "queries": {
            "q": {
                "schema": "Company",
                "properties": {"name": [HIK, 42], "favouriteColour": ["red"], "country": "cn"},
                "extra": True,
            }
        },
        "unknown_top_level": 1,
    }
    r = client.post("/match/default", json=body, headers=auth(sk))
    assert r.status_code == 200, r.text
    resp = r.json()["responses"]["q"]
    assert "favouriteColour" not in resp["query"]["properties"]
    assert resp["query"]["properties"]["name"] == [HIK, "42"]
    assert "Hikvision" in resp["results"][0]["caption"]


def test_too_many_pairs_are_400(client: Client, sk: str) -> None:
    names = [f"Name {i}" for i in range(11)]
    countries = ["us", "cn", "fr", "de", "gb", "ru", "ir", "in", "jp", "kr"]
    assert status(client, sk, one("Company", name=names, country=countries)) == 400
    assert status(client, sk, one("Company", name=names[:10], country=countries)) == 200


def test_parsed_example_queries() -> None:
    from tradescreen.api.yente_query import parse_example

    parsed = parse_example(
        "Person",
        {"name": ["A B", "C D"], "birthDate": ["1971-02-03", "1972"], "address": ["1 Main St"],
         "nationality": ["Egypt"], "passportNumber": ["P229856"]},
    )  # fmt: skip
    queries = parsed.queries()
    assert [q.name for q in queries] == ["A B", "C D"]
    assert {q.birth_date for q in queries} == {"1971-02-03"} and {q.country for q in queries} == {
        "EG"
    }
    assert {q.address for q in queries} == {"1 Main St"}
    assert queries[0].identifiers[0].value == "P229856"
    vessel = parse_example("Vessel", {"imoNumber": "IMO 9187629"})
    assert {i.value for i in vessel.identifiers} >= {"IMO9187629", "9187629"}
    assert vessel.queries()[0].kind is EntityKind.VESSEL


def test_identifier_only_query_is_screened(client: Client, sk: str) -> None:
    r = client.post("/match/default", json=one("Company", registrationNumber="84BA99810"),
                    headers=auth(sk))  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["responses"]["q"]["query"]["properties"] == {
        "registrationNumber": ["84BA99810"]
    }


@pytest.mark.parametrize(
    "body",
    [
        one("Spaceship", name="X"),  # unknown schema
        one("Sanction", program="X"),  # not matchable
        one("Company", country="cn"),  # nothing to screen
        {"queries": {}},
    ],
    ids=["unknown-schema", "non-matchable", "no-name", "no-queries"],
)
def test_unparseable_examples_are_400(client: Client, sk: str, body: Any) -> None:
    r = client.post("/match/default", json=body, headers=auth(sk))
    assert r.status_code == 400, r.text


def test_every_matchable_schema_is_accepted(client: Client, sk: str) -> None:
    from followthemoney import model

    for schema in ["Thing", *sorted(s.name for s in model.schemata.values() if s.matchable)]:
        body = one(schema, name="Hikvision", full="Hikvision")
        assert status(client, sk, body) == 200, schema


# ---------------------------------------------------------------------------- filters


def test_dataset_scope_filters(client: Client, sk: str) -> None:
    h = auth(sk)
    body = one("Company", name="ADT Analog and Digital Technik")
    dpl = client.post("/match/us_bis_dpl?threshold=0.5&limit=10", json=body, headers=h).json()
    assert dpl["responses"]["q"]["results"][0]["caption"] == "ADT ANALOG AND DIGITAL TECHNIK"
    assert all(x["datasets"] == ["us_bis_dpl"] for x in dpl["responses"]["q"]["results"])
    hik = one("Company", name=HIK)
    assert results(client, sk, hik, "?include_dataset=us_bis_el")
    assert results(client, sk, hik, "?include_dataset=default")
    assert not results(client, sk, hik, "?exclude_dataset=all")
    assert not results(client, sk, hik, "?include_dataset=us_bis_dpl&threshold=0.9&cutoff=0.9")
    assert not results(client, sk, hik, "?exclude_dataset=us_bis_el&threshold=0.9")
    assert status(client, sk, hik, "?include_dataset=nope") == 400
    assert client.post("/match/no_such_list", json=hik, headers=h).status_code == 404


def test_result_filters(client: Client, sk: str, api_store: SqlStore) -> None:
    hik = one("Company", name=HIK)
    top = results(client, sk, hik)[0]
    assert not results(client, sk, hik, "?exclude_schema=Organization")
    assert results(client, sk, hik, "?exclude_schema=Person")
    assert status(client, sk, hik, "?exclude_schema=Nonsense") == 400
    assert results(client, sk, hik, "?topics=export.control")
    assert not results(client, sk, hik, "?topics=sanction")
    assert results(client, sk, hik, "?changed_since=2000-01-01")
    assert not results(client, sk, hik, "?changed_since=2999-01-01T00:00")
    assert status(client, sk, hik, "?changed_since=yesterday") == 400
    rest = results(client, sk, hik, f"?exclude_entity_ids={top['id']}")
    assert top["id"] not in {r["id"] for r in rest}
    internal = find_entity(api_store, top["id"])
    assert internal is not None
    rest = results(client, sk, hik, f"?exclude_entity_ids={internal.id}")
    assert top["id"] not in {r["id"] for r in rest}


def test_refused_parameters_are_400(client: Client, sk: str) -> None:
    hik = one("Company", name=HIK)
    assert status(client, sk, hik, "?algorithm=best&fuzzy=false") == 200
    assert results(client, sk, hik, "?fuzzy=true") == results(client, sk, hik, "?fuzzy=false")
    assert status(client, sk, hik, "?algorithm=tradescreen") == 200
    assert status(client, sk, hik, "?algorithm=logic-v2") == 400
    assert status(client, sk, hik, "?no_such_param=1") == 400
    assert status(client, sk, {**hik, "weights": {"name_literal": 0.8}}) == 400
    assert status(client, sk, {**hik, "config": {"nm_number_mismatch": 0.4}}) == 400
    assert status(client, sk, {**hik, "weights": {}, "config": {}}) == 200


def test_threshold_cutoff_and_total_counts_matches(client: Client, sk: str) -> None:
    huawei = one("Company", name="Huawei Technologies")
    r = client.post("/match/default?threshold=0.95&cutoff=0.7&limit=50", json=huawei,
                    headers=auth(sk)).json()["responses"]["q"]  # fmt: skip
    loose = r["results"]
    assert loose and any(not x["match"] for x in loose) and any(x["match"] for x in loose)
    assert all(x["match"] == (x["score"] >= 0.95) and x["score"] >= 0.7 for x in loose)
    matches = sum(x["match"] for x in loose)
    assert r["total"]["value"] == matches
    one_result = client.post("/match/default?threshold=0.95&cutoff=0.7&limit=1", json=huawei,
                             headers=auth(sk)).json()["responses"]["q"]  # fmt: skip
    assert len(one_result["results"]) == 1 and one_result["total"]["value"] == matches > 1
    filtered = client.post(
        "/match/default?threshold=0.95&cutoff=0.7&limit=1&exclude_schema=Person",
        json=huawei,
        headers=auth(sk),
    ).json()["responses"]["q"]
    assert filtered["total"]["value"] == matches and len(filtered["results"]) == 1


def test_batch_limit(client: Client, sk: str) -> None:
    body = {"queries": {f"q{i}": one("Company", name="x")["queries"]["q"] for i in range(21)}}
    assert client.post("/match/default", json=body, headers=auth(sk)).status_code == 413


# ---------------------------------------------------------------------------- /entities


def test_entity_nested_and_flat(client: Client, sk: str) -> None:
    top = results(client, sk, one("Company", name=HIK))[0]
    r = client.get(f"/entities/{top['id']}", headers=auth(sk))
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) == ENTITY_KEYS and data["id"] == top["id"]
    assert data["schema"] == "Organization" and data["datasets"] == ["us_bis_el"]
    sanctions = data["properties"]["sanctions"]
    assert sanctions and all(s["schema"] == "Sanction" for s in sanctions)
    s = sanctions[0]
    assert set(s) == ENTITY_KEYS and "entity" not in s["properties"]
    assert s["properties"]["authority"] == ["Entity List"]
    assert any("FR" in d for d in s["properties"]["description"])
    assert data["first_seen"] and data["last_seen"] and data["last_change"]
    flat = client.get(f"/entities/{top['id']}?nested=false", headers=auth(sk)).json()
    assert "sanctions" not in flat["properties"]
    assert flat["properties"]["name"] == data["properties"]["name"]


def test_entity_unknown_and_bad_params(client: Client, sk: str) -> None:
    assert client.get("/entities/us-bis-el-nope", headers=auth(sk)).status_code == 404
    assert client.get("/entities/us_bis_el:00001", headers=auth(sk)).status_code == 404
    top = results(client, sk, one("Company", name=HIK))[0]
    assert client.get(f"/entities/{top['id']}?x=1", headers=auth(sk)).status_code == 400


# ---------------------------------------------------------------------------- catalog, algorithms


def test_catalog_manifest_algorithms(client: Client, sk: str, api_store: SqlStore) -> None:
    cat = client.get("/catalog", headers=auth(sk)).json()
    names = {d["name"]: d for d in cat["datasets"]}
    assert set(names) == {"us_bis_el", "us_bis_dpl", "default", "all"}
    assert (
        names["us_bis_el"]["title"] == "Entity List" and names["us_bis_el"]["entity_count"] > 3000
    )
    assert set(names["default"]["children"]) == {"us_bis_el", "us_bis_dpl"}
    in_force = {v.list_code: v for v in api_store.active_versions()}
    assert names["us_bis_el"]["version"] == str(in_force["us_bis_el"].id)
    assert (
        names["us_bis_el"]["updated_at"][:19] == in_force["us_bis_el"].retrieved_at.isoformat()[:19]
    )
    assert cat["outdated"] == [] and set(cat["current"]) == set(names)
    assert client.get("/manifest", headers=auth(sk)).json() == cat
    alg = client.get("/algorithms", headers=auth(sk)).json()
    assert alg["default"] == alg["best"] == "tradescreen"
    assert [a["name"] for a in alg["algorithms"]] == ["tradescreen"]
    for path in ("/reconcile/default", "/entities/x/adjacent", "/updatez", "/statements"):
        assert client.get(path, headers=auth(sk)).status_code in (404, 405), path


# ---------------------------------------------------------------------------- /search


def test_search(client: Client, sk: str) -> None:
    h = auth(sk)
    r = client.get("/search/default?q=Huawei&limit=2", headers=h)
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) == {"results", "facets", "total", "limit", "offset"}
    assert len(data["results"]) <= 2 and data["total"]["value"] >= len(data["results"])
    assert len(data["results"]) == 2 and data["total"]["value"] > 2
    assert "Huawei" in data["results"][0]["caption"]
    assert set(data["results"][0]) == ENTITY_KEYS
    page2 = client.get("/search/default?q=Huawei&limit=1&offset=1", headers=h).json()
    assert page2["results"][0]["id"] == data["results"][1]["id"]
    assert not client.get("/search/default?q=Hikvision&schema=Person", headers=h).json()[
        "results"]  # fmt: skip
    assert client.get("/search/default?q=Hikvision&countries=cn", headers=h).json()["results"]
    assert not client.get("/search/default?q=Hikvision&countries=fr", headers=h).json()[
        "results"]  # fmt: skip
    assert not client.get("/search/us_bis_dpl?q=Hikvision", headers=h).json()["results"]
    assert client.get("/search/no_such?q=x", headers=h).status_code == 404
    assert client.get("/search/default?q=Huawei&fuzzy=false", headers=h).json()["results"]
    assert not client.get("/search/default?q=Huawei&datasets=us_bis_dpl", headers=h).json()[
        "results"]  # fmt: skip
    assert client.get("/search/default?q=Huawei&include_dataset=us_bis_el", headers=h).json()[
        "results"]  # fmt: skip
    assert not client.get("/search/default?q=Huawei&exclude_dataset=us_bis_el", headers=h).json()[
        "results"]  # fmt: skip
    assert not client.get("/search/default?q=Huawei&exclude_schema=Organization", headers=h).json()[
        "results"]  # fmt: skip
    assert not client.get("/search/default?q=Huawei&topics=sanction", headers=h).json()["results"]
    assert not client.get("/search/default?q=Huawei&changed_since=2999-01-01", headers=h).json()[
        "results"]  # fmt: skip
    bad_params = ("filter=x:y", "sort=name", "facets=countries", "fuzzy=true", "bogus=1",
                  "target=true", "simple=true", "filter_op=AND")  # fmt: skip
    for bad in bad_params:
        assert client.get(f"/search/default?q=x&{bad}", headers=h).status_code == 400, bad


# ---------------------------------------------------------------------------- auth


def test_anonymous_setting_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(db="sqlite://").yente_anonymous is False
    monkeypatch.setenv("TRADESCREEN_YENTE_ANONYMOUS", "true")
    assert Settings(db="sqlite://").yente_anonymous is True


def test_apikey_scheme(client: Client, sk: str) -> None:
    hik = one("Company", name=HIK)
    for header in (f"ApiKey {sk}", f"apikey {sk}", f"Bearer {sk}"):
        r = client.post("/match/default", json=hik, headers={"Authorization": header})
        assert r.status_code == 200, header
    r = client.post(
        "/v1/screen", json={"name": "Hikvision"}, headers={"Authorization": f"ApiKey {sk}"}
    )
    assert r.status_code == 200
    assert client.post("/match/default", json=hik).status_code == 401  # anonymous off by default
    assert Settings(db="sqlite://").yente_anonymous is False


@pytest.fixture
def anon_client(
    api_settings: Settings, api_store: SqlStore, api_screener: Screener, api_engine: Engine
) -> Iterator[Client]:
    settings = api_settings.model_copy(update={"yente_anonymous": True})
    app: FastAPI = build_app(settings, api_store, api_screener, api_engine)
    c = Client(app)
    yield c
    c.close()


def test_anonymous_read_only_mode(anon_client: Client, keys: dict[str, str]) -> None:
    c = anon_client
    r = c.post("/match/default", json=one("Company", name=HIK))
    assert r.status_code == 200 and r.json()["responses"]["q"]["results"]
    eid = r.json()["responses"]["q"]["results"][0]["id"]
    for path in (f"/entities/{eid}", "/search/default?q=Hikvision", "/catalog", "/manifest",
                 "/algorithms"):  # fmt: skip
        assert c.get(path).status_code == 200, path
    assert c.post("/v1/screen", json={"name": "Hikvision"}).status_code == 401
    assert c.get("/v1/lists").status_code == 401
    bad = c.post("/match/default", json=one("Company", name=HIK), headers=auth("garbage"))
    assert bad.status_code == 401
    c.post("/match/default", json=one("Company", name="Zhejiang Dahua Technology"))
    records = c.get("/v1/audit/export?format=json", headers=auth(keys["admin"])).json()["records"]
    mine = [
        x
        for x in records
        if x["payload"].get("query", {}).get("name") == "Zhejiang Dahua Technology"
    ]
    assert mine and mine[-1]["actor"] == "anonymous"


def test_anonymous_mode_is_rate_limited(
    api_settings: Settings, api_store: SqlStore, api_screener: Screener, api_engine: Engine
) -> None:
    settings = api_settings.model_copy(
        update={"yente_anonymous": True, "api_rate_limit_per_minute": 2}
    )
    c = Client(build_app(settings, api_store, api_screener, api_engine))
    try:
        codes = [c.get("/algorithms").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    finally:
        c.close()


# ---------------------------------------------------------------------------- offline docs


def test_docs_are_offline(client: Client) -> None:
    import re

    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200
        assert not re.search(r"https?://|//cdn|fonts.googleapis", r.text), page
        assets = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"](/static-docs/[^'"]+)['"]""", r.text)
        assert assets, page
        for asset in assets:
            got = client.get(asset)
            assert got.status_code == 200 and len(got.content) > 1000, asset
