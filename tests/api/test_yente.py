"""yente compatibility: the request and response shapes of yente's POST /match/{dataset}."""

from __future__ import annotations

from .support import Client, auth

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
RESULT_KEYS = {
    "id", "caption", "schema", "properties", "datasets", "referents", "target",
    "first_seen", "last_seen", "last_change", "score", "features", "explanations", "match",
}  # fmt: skip


def test_match_yente_shapes(client: Client, keys: dict[str, str]) -> None:
    r = client.post(
        "/match/default?threshold=0.8&limit=3", json=YENTE_BODY, headers=auth(keys["screener"])
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) == {"responses", "matcher", "limit"}
    assert data["limit"] == 3
    assert r.headers["x-batch-size"] == "3"
    assert set(data["responses"]) == {"entity1", "entity2", "q1"}
    for resp in data["responses"].values():
        assert resp["status"] == 200
        assert set(resp["total"]) == {"value", "relation"}
        assert resp["total"]["relation"] == "eq"
        assert len(resp["results"]) <= 3
        for res in resp["results"]:
            assert set(res) == RESULT_KEYS
            assert isinstance(res["score"], float) and isinstance(res["match"], bool)
            assert all(isinstance(v, list) for v in res["properties"].values())
            assert all(isinstance(v, float) for v in res["features"].values())
    q1 = data["responses"]["q1"]
    assert q1["query"] == {
        "id": None,
        "schema": "Company",
        "properties": {"name": ["Hangzhou Hikvision Digital Technology"], "country": ["cn"]},
    }
    top = q1["results"][0]
    assert "Hikvision" in top["caption"] and top["match"] is True and top["score"] >= 0.8
    assert top["datasets"] == ["us_bis_el"] and top["schema"] == "Organization"
    assert "hikvision" in " ".join(top["properties"]["alias"] + top["properties"]["name"]).lower()
    assert top["properties"]["country"] == ["cn"]
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


def test_match_dataset_filter_threshold_and_errors(client: Client, keys: dict[str, str]) -> None:
    h = auth(keys["screener"])
    body = {
        "queries": {
            "a": {"schema": "Company", "properties": {"name": "ADT Analog and Digital Technik"}}
        }
    }
    dpl = client.post("/match/us_bis_dpl?threshold=0.5&limit=10", json=body, headers=h).json()
    assert all(x["datasets"] == ["us_bis_dpl"] for x in dpl["responses"]["a"]["results"])
    assert dpl["responses"]["a"]["results"][0]["caption"] == "ADT ANALOG AND DIGITAL TECHNIK"
    # cutoff below threshold returns non-matching candidates flagged match=false
    huawei = {
        "queries": {"a": {"schema": "Company", "properties": {"name": "Huawei Technologies"}}}
    }
    loose = client.post(
        "/match/default?threshold=0.95&cutoff=0.7&limit=10", json=huawei, headers=h
    ).json()["responses"]["a"]["results"]
    assert loose and any(not x["match"] for x in loose)
    assert any(x["match"] for x in loose)
    assert all(x["match"] == (x["score"] >= 0.95) and x["score"] >= 0.7 for x in loose)

    r = client.post("/match/no_such_list", json=body, headers=h)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    bad_schema = {"queries": {"a": {"schema": "Spaceship", "properties": {"name": ["X"]}}}}
    r = client.post("/match/default", json=bad_schema, headers=h)
    assert r.status_code == 422 and "Spaceship" in r.json()["detail"]
    no_name = {"queries": {"a": {"schema": "Company", "properties": {"country": ["cn"]}}}}
    assert client.post("/match/default", json=no_name, headers=h).status_code == 422
    assert client.post("/match/default", json={"queries": {}}, headers=h).status_code == 422
    many = {"queries": {f"q{i}": body["queries"]["a"] for i in range(21)}}
    assert client.post("/match/default", json=many, headers=h).status_code == 413
