"""``GET /v1/export``: the same export as ``tradescreen export``, streamed as JSON lines."""

from __future__ import annotations

import orjson
from followthemoney import registry

from tradescreen.store.sql import SqlStore

from .support import Client, auth


def test_export_streams_ftm_lines(
    client: Client, keys: dict[str, str], api_store: SqlStore
) -> None:
    versions = {v.list_code: v for v in api_store.active_versions()}
    r = client.get("/v1/export", headers=auth(keys["screener"]))
    assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
    assert r.headers["x-export-versions"] == ",".join(str(versions[c].id) for c in sorted(versions))
    records = [orjson.loads(x) for x in r.content.splitlines()]
    mains = [x for x in records if x["schema"] == "Organization"]
    assert len(mains) == sum(v.record_count for v in versions.values())
    assert all(registry.entity.validate(x["id"]) for x in records)
    hik = next(x for x in mains if "Hikvision" in " ".join(x["properties"]["name"]))
    assert hik["datasets"] == ["us_bis_el"] and hik["tradescreen"]["id"].startswith("us_bis_el")


def test_export_options_and_refusals(
    client: Client, keys: dict[str, str], api_store: SqlStore
) -> None:
    h = auth(keys["screener"])
    dpl = next(v for v in api_store.active_versions() if v.list_code == "us_bis_dpl")
    r = client.get(f"/v1/export?format=json&version={dpl.id}", headers=h)
    assert r.status_code == 200
    lines = [orjson.loads(x) for x in r.content.splitlines()]
    assert len(lines) == dpl.record_count
    assert {x["listings"][0]["list_code"] for x in lines} == {"us_bis_dpl"}
    r = client.get("/v1/export?list=us_bis_dpl&format=json", headers=h)
    assert len(r.content.splitlines()) == dpl.record_count
    assert client.get("/v1/export").status_code == 401
    bad = client.get("/v1/export?format=xml", headers=h)
    assert (
        bad.status_code == 422 and "format: 'xml' is not one of ftm, json" in bad.json()["detail"]
    )
    assert client.get("/v1/export?version=99999", headers=h).status_code == 404
    assert client.get("/v1/export?as_of=soon", headers=h).status_code == 422
