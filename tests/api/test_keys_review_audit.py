"""Key management over the API and the CLI library; review cases; audit export."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from sqlalchemy.engine import Engine
from tests.data_paths import require_data

from tradescreen.access.keys import Role, create_key, list_keys, parse_token, revoke_key, verify_key
from tradescreen.access.tables import api_keys
from tradescreen.server import create_app
from tradescreen.settings import Settings

from .support import Client, auth


def test_keys_are_stored_hashed_and_verify(api_engine: Engine) -> None:
    record, token = create_key(api_engine, "hash-check", Role.REVIEWER)
    parsed = parse_token(token)
    assert parsed is not None and parsed[0] == record.id and len(parsed[1]) == 32
    with api_engine.connect() as conn:
        row = conn.execute(api_keys.select().where(api_keys.c.id == record.id)).mappings().one()
    assert token not in str(dict(row)) and len(row["key_hash"]) == 64
    assert verify_key(api_engine, token) == record
    assert verify_key(api_engine, token + "x") is None
    assert verify_key(api_engine, token.replace(record.id, "0" * 12)) is None
    revoke_key(api_engine, "hash-check")
    assert verify_key(api_engine, token) is None
    assert record.id in {k.id for k in list_keys(api_engine)}
    assert record.id not in {k.id for k in list_keys(api_engine, include_revoked=False)}


def test_admin_manages_keys_over_api(client: Client, keys: dict[str, str]) -> None:
    h = auth(keys["admin"])
    r = client.post("/v1/keys", json={"name": "erp", "role": "reviewer"}, headers=h)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["role"] == "reviewer" and new["active"] and new["key"].startswith("ts_")
    assert client.get("/v1/cases", headers=auth(new["key"])).status_code == 200
    listed = client.get("/v1/keys", headers=h).json()["keys"]
    assert any(k["id"] == new["id"] for k in listed)
    assert all("key" not in k and "key_hash" not in k for k in listed)
    r = client.delete(f"/v1/keys/{new['id']}", headers=h)
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get("/v1/cases", headers=auth(new["key"])).status_code == 401
    bad = client.post("/v1/keys", json={"name": "x", "role": "root"}, headers=h)
    assert bad.status_code == 422


def test_screen_with_counterparty_opens_cases_and_review(
    client: Client, keys: dict[str, str], api_engine: Engine
) -> None:
    body = {"name": "Hikvision", "counterparty": "CUST-0042"}
    r = client.post("/v1/screen", json=body, headers=auth(keys["screener"]))
    assert r.status_code == 200 and r.json()["hits"]
    rv = auth(keys["reviewer"])
    cases = client.get("/v1/cases?counterparty=CUST-0042&status=open", headers=rv).json()["cases"]
    assert cases and all(c["counterparty_key"] == "CUST-0042" for c in cases)
    case = cases[0]
    r = client.get(f"/v1/cases/{case['id']}", headers=rv)
    assert r.status_code == 200 and r.json()["events"][0]["action"] == "opened"
    r = client.post(
        f"/v1/cases/{case['id']}/decision",
        json={"verdict": "true_match", "reason": "same company, same Hangzhou address"},
        headers=rv,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "true_match"
    assert [e["action"] for e in r.json()["events"]][-1] == "decided"
    # deciding again is refused by the library (422), approving a non-pending case too
    again = client.post(
        f"/v1/cases/{case['id']}/decision",
        json={"verdict": "false_positive", "reason": "changed my mind"},
        headers=rv,
    )
    assert again.status_code == 422
    assert client.post(f"/v1/cases/{case['id']}/approve", json={}, headers=rv).status_code == 422
    assert client.get("/v1/cases/987654", headers=rv).status_code == 404
    assert client.get("/v1/cases?status=bogus", headers=rv).status_code == 422


def test_audit_export_and_verify(client: Client, keys: dict[str, str]) -> None:
    client.post("/v1/screen", json={"name": "Dahua Technology"}, headers=auth(keys["screener"]))
    h = auth(keys["admin"])
    data = client.get("/v1/audit/export?format=json", headers=h).json()["records"]
    screenings = [x for x in data if x["action"] == "screening"]
    assert screenings, data[:3]
    last = screenings[-1]
    assert last["payload"]["query"]["name"] == "Dahua Technology"
    assert last["payload"]["context"]["channel"] == "api"
    assert last["actor"].startswith("screener-")
    r = client.get("/v1/audit/export?format=csv&action=screening", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {row["action"] for row in rows} == {"screening"}
    assert len(rows) == len(screenings)
    v = client.get("/v1/audit/verify", headers=h).json()
    assert v["ok"] is True, v
    assert client.get("/v1/audit/export?format=xml", headers=h).status_code == 422


def test_list_load_reads_only_the_list_directory(tmp_path: Path) -> None:
    """Admins load files put in TRADESCREEN_LIST_DIR; nothing outside it, however spelled."""
    list_dir = tmp_path / "lists"
    list_dir.mkdir()
    settings = Settings(db="sqlite://", list_dir=list_dir, audit_key_file=tmp_path / "audit.key")
    app = create_app(settings)
    admin = create_key(app.state.engine, "loader", Role.ADMIN)[1]
    client = Client(app, admin)
    src = require_data("lists/un_sc/UN_consolidated_2026-02-27.xml.gz")
    shutil.copy(src, list_dir / "un.xml.gz")
    try:
        ok = client.post("/v1/lists/load", json={"paths": ["un.xml.gz"]})
        assert ok.status_code == 200, ok.text
        assert [v["list"] for v in ok.json()["created"]] == ["un_sc"]
        escape = f"../{list_dir.name}/../un.xml.gz"
        for path in (str(src), escape, "/etc/passwd"):
            r = client.post("/v1/lists/load", json={"paths": [path]})
            assert r.status_code == 403 and r.json()["error"] == "forbidden", (path, r.text)
        missing = client.post("/v1/lists/load", json={"paths": ["nope.csv"]})
        assert missing.status_code == 422 and "nope.csv" in missing.json()["detail"]
    finally:
        client.close()
