"""Screening through the API answers exactly what the library answers, on real list data."""

from __future__ import annotations

from datetime import date

from fastapi import FastAPI

from tradescreen.model import EntityKind, Query
from tradescreen.screening.screener import Screener

from .support import AS_OF, Client, auth


def test_screen_equals_library_result(
    client: Client, keys: dict[str, str], api_screener: Screener
) -> None:
    body = {"name": "Hangzhou Hikvision", "country": "cn", "as_of": AS_OF.isoformat()}
    r = client.post("/v1/screen", json=body, headers=auth(keys["screener"]))
    assert r.status_code == 200, r.text
    expected = api_screener.screen(Query("Hangzhou Hikvision", country="CN"), as_of=AS_OF)
    assert r.json() == expected.to_dict()
    top = r.json()["hits"][0]
    assert "Hikvision" in top["name"]
    assert top["listings"][0]["list"] == "us_bis_el"
    assert {v["list"] for v in r.json()["list_versions"]} == {"us_bis_el", "us_bis_dpl"}


def test_screen_kind_threshold_limit_and_default_date(
    client: Client, keys: dict[str, str], api_screener: Screener
) -> None:
    body = {"name": "Dahua Technology", "kind": "organization", "threshold": 0.5, "limit": 3}
    r = client.post("/v1/screen", json=body, headers=auth(keys["screener"]))
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["as_of"] == date.today().isoformat() or data["as_of"] >= "2026-01-01"
    assert 1 <= len(data["hits"]) <= 3
    expected = api_screener.screen(
        Query("Dahua Technology", kind=EntityKind.ORGANIZATION),
        as_of=date.fromisoformat(data["as_of"]),
        threshold=0.5,
        limit=3,
    )
    assert data == expected.to_dict()
    names = [h["name"] for h in data["hits"]]
    assert names[0] == "Dahua Technology"


def test_batch_in_order_and_bounded(client: Client, keys: dict[str, str]) -> None:
    names = ["Dahua Technology", "Huawei Technologies Co., Ltd.", "Zzyzx Nonexistent Widgets"]
    body = {"queries": [{"name": n} for n in names], "as_of": AS_OF.isoformat()}
    r = client.post("/v1/screen/batch", json=body, headers=auth(keys["screener"]))
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["query"]["name"] for x in results] == names
    assert results[0]["hits"] and results[1]["hits"]
    assert results[2]["hits"] == []
    too_many = {"queries": [{"name": f"Company {i}"} for i in range(21)]}  # api_batch_max = 20
    r = client.post("/v1/screen/batch", json=too_many, headers=auth(keys["screener"]))
    assert r.status_code == 413
    assert r.json()["error"] == "payload_too_large"


def test_entity_and_lists(client: Client, keys: dict[str, str]) -> None:
    h = auth(keys["screener"])
    hit = client.post("/v1/screen", json={"name": "Hikvision"}, headers=h).json()["hits"][0]
    r = client.get(f"/v1/entities/{hit['entity_id']}", headers=h)
    assert r.status_code == 200
    entity = r.json()
    assert entity["id"] == hit["entity_id"]
    assert any("Hikvision" in n["value"] for n in entity["names"])
    r = client.get("/v1/entities/no-such-entity", headers=h)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    lists = client.get("/v1/lists", headers=h).json()
    by_code = {x["list"]: x for x in lists["lists"]}
    assert by_code["us_bis_el"]["records"] == 3409
    assert by_code["us_bis_el"]["stale"] is False and lists["ready"] is True


def test_health_and_ready(client: Client, app: FastAPI) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_readyz_503_when_stale_or_missing(
    api_settings,
    api_store,
    api_screener,
    api_engine,  # type: ignore[no-untyped-def]
) -> None:
    from .support import build_app

    stale = api_settings.model_copy(update={"stale_after_days": 0, "required_lists": ("un_sc",)})
    app = build_app(stale, api_store, api_screener, api_engine)
    c = Client(app)
    try:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json()["status"] == "not_ready"
        assert "missing: un_sc" in r.json()["detail"]
    finally:
        c.close()


def test_empty_store_not_ready(api_settings, api_engine) -> None:  # type: ignore[no-untyped-def]
    from tradescreen.db import all_tables, make_engine
    from tradescreen.server import create_app
    from tradescreen.store.sql import SqlStore

    engine = make_engine("sqlite://")
    all_tables().create_all(engine)
    store = SqlStore(engine)
    app = create_app(api_settings, store=store, screener=Screener(store, api_settings))
    c = Client(app)
    try:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["detail"] == "no list loaded"
    finally:
        c.close()
