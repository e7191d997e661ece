"""POST /v1/check delegates to tradescreen.decide and answers its Decision.to_dict()."""

from __future__ import annotations

from .support import AS_OF, Client, auth


def test_check_entity_list_party(client: Client, keys: dict[str, str]) -> None:
    body = {
        "parties": [
            {"name": "Hangzhou Hikvision Digital Technology Co., Ltd.", "role": "end_user"}
        ],
        "item": "ear99",
        "destination": "cn",
        "date": AS_OF.isoformat(),
    }
    r = client.post("/v1/check", json=body, headers=auth(keys["screener"]))
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["decision"] in ("license_required", "prohibited", "needs_review")
    listing = [x for x in data["reasons"] if x["kind"] == "listing"]
    assert listing and listing[0]["list"] == "us_bis_el"
    assert isinstance(data["record_id"], int)
    assert {v["list"] for v in data["list_versions"]} >= {"us_bis_el"}
    audit = client.get("/v1/audit/export?action=decision", headers=auth(keys["admin"]))
    assert any(
        x["payload"]["decision"]["record_id"] == data["record_id"] for x in audit.json()["records"]
    )


def test_check_unlisted_party_and_bad_input(client: Client, keys: dict[str, str]) -> None:
    h = auth(keys["screener"])
    body = {"parties": [{"name": "Zzyzx Garden Furniture Ltd"}], "item": "EAR99",
            "destination": "FR", "record": False}  # fmt: skip
    r = client.post("/v1/check", json=body, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["decision"] == "no_restriction" and r.json()["record_id"] is None
    bad = {**body, "item": "9Z999"}
    r = client.post("/v1/check", json=bad, headers=h)
    assert r.status_code == 422 and "item" in r.json()["detail"]
    r = client.post("/v1/check", json={**body, "parties": []}, headers=h)
    assert r.status_code == 422
    # issue 16 item 7: an unknown country code is refused; a country name is read as in the CLI
    r = client.post("/v1/check", json={**body, "destination": "ZZ"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"].startswith("destination: 'ZZ'")
    r = client.post("/v1/check", json={**body, "destination": "France"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["decision"] == "no_restriction"
    r = client.post("/v1/check", json={**body, "parties": [{"name": "A", "role": "enduser"}]},
                    headers=h)  # fmt: skip
    assert r.status_code == 422 and "role" in r.text


def test_check_classified_item_and_unknown_eccn(client: Client, keys: dict[str, str]) -> None:
    """5A002 to China: NS Column 1 has an X (15 CFR 738 Supp. 1); 5A999 is not on the CCL."""
    h = auth(keys["screener"])
    body = {"parties": [{"name": "Zzyzx Garden Furniture Ltd"}], "item": "5A002",
            "destination": "CN", "record": False}  # fmt: skip
    r = client.post("/v1/check", json=body, headers=h)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["decision"] == "license_required"
    ns = next(x for x in data["reasons"] if x["kind"] == "country_chart")
    assert {x["details"]["column"] for x in data["reasons"] if x["kind"] == "country_chart"} >= {
        "NS 1"
    }
    assert ns["citations"][0] == "15 CFR 774 Supp. 1, ECCN 5A002"
    assert data["country_chart"]["row"] == "China"
    r = client.post("/v1/check", json={**body, "item": "5A999"}, headers=h)
    assert r.status_code == 422 and "5A999 is not an ECCN" in r.json()["detail"]
