"""The service on a real PostgreSQL server: keys, screening, review with suppression, audit.

The rest of the API suite runs on SQLite; this walks the issue's user journey once on
PostgreSQL through the same app factory (``TRADESCREEN_DB=postgresql+psycopg://...``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from tests.data_paths import LISTS, require_data

from tradescreen.access.keys import Role, create_key
from tradescreen.loading import load_files
from tradescreen.server import create_app
from tradescreen.settings import Settings

from .support import Client, auth

pytestmark = pytest.mark.postgres

EL = LISTS / "us_bis_entity_list" / "bis_entity_list_ecfr_2026-07.json"


def test_service_journey_on_postgres(pg_url: str, tmp_path: Path) -> None:
    require_data(EL)
    settings = Settings(db=pg_url, audit_key_file=tmp_path / "audit.key")
    app = create_app(settings)
    load_files(app.state.store, [EL], settings=settings)
    engine = app.state.engine
    keys = {r.value: create_key(engine, f"pg-{r.value}", r)[1] for r in Role}
    client = Client(app)
    try:
        body = {"name": "Hangzhou Hikvision Digital Technology Co., Ltd.", "counterparty": "C-9"}
        first = client.post("/v1/screen", json=body, headers=auth(keys["screener"]))
        assert first.status_code == 200, first.text
        top = first.json()["hits"][0]
        assert top["listings"][0]["list"] == "us_bis_el"
        assert any("84 FR 54004" in c for c in top["listings"][0]["federal_register"])

        rv = auth(keys["reviewer"])
        opened = client.get("/v1/cases?counterparty=C-9&status=open", headers=rv).json()["cases"]
        assert opened
        for case in opened:
            r = client.post(
                f"/v1/cases/{case['id']}/decision",
                json={"verdict": "false_positive", "reason": "our C-9 is a different firm"},
                headers=rv,
            )
            assert r.status_code == 200 and r.json()["status"] == "false_positive", r.text

        again = client.post("/v1/screen", json=body, headers=auth(keys["screener"]))
        assert again.status_code == 200 and again.json()["hits"]  # still reported...
        still = client.get("/v1/cases?counterparty=C-9&status=open", headers=rv).json()["cases"]
        assert still == []  # ...but the cleared hits open no new case: suppressed

        admin = auth(keys["admin"])
        ok = client.get("/v1/audit/verify", headers=admin).json()
        assert ok["ok"] is True, ok
        with engine.begin() as conn:  # one changed byte in one record's payload
            seq, payload = conn.execute(
                text("SELECT seq, payload FROM audit_log ORDER BY seq LIMIT 1 OFFSET 1")
            ).one()
            flipped = payload.replace('"', "'", 1)
            conn.execute(
                text("UPDATE audit_log SET payload = :p WHERE seq = :s"), {"p": flipped, "s": seq}
            )
        bad = client.get("/v1/audit/verify", headers=admin).json()
        assert bad["ok"] is False and bad["first_bad_seq"] == seq, bad
    finally:
        client.close()
        engine.dispose()
