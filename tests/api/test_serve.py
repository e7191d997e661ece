"""`tradescreen serve` for real: uvicorn on a free 127.0.0.1 port, a CLI key, a screening."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from tests.served import cli, serving

from tradescreen.db import all_tables, make_engine
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import SqlStore

from .support import EL_FILE, _entities

pytestmark = pytest.mark.slow


def test_serve_keys_and_screen(tmp_path: Path) -> None:
    db = tmp_path / "ts.db"
    engine = make_engine(f"sqlite:///{db}")
    all_tables().create_all(engine)
    store = SqlStore(engine)
    store.create_schema()
    store.add_versions(
        [
            NewVersion(
                "us_bis_el", "Entity List", str(EL_FILE), "nsf_json", "e" * 64,
                _entities(EL_FILE, "us_bis_el", "Entity List"),
            )
        ]
    )  # fmt: skip
    engine.dispose()
    env = {
        **os.environ,
        "TRADESCREEN_DB": str(db),
        "TRADESCREEN_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
    }
    with serving(env, tmp_path / "server.log") as (base, _proc):
        created = cli(env, "keys", "create", "it-test", "--role", "screener")
        assert created.returncode == 0, created.stderr
        key = created.stdout.strip().splitlines()[-1]
        assert key.startswith("ts_") and " " not in key
        listed = cli(env, "keys", "list")
        assert "it-test" in listed.stdout and key not in listed.stdout

        h = {"Authorization": f"Bearer {key}"}
        r = httpx.post(f"{base}/v1/screen", json={"name": "Hikvision"}, headers=h, timeout=30)
        assert r.status_code == 200, r.text + (tmp_path / "server.log").read_text()[-3000:]
        assert "Hikvision" in r.json()["hits"][0]["name"]
        assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
        assert httpx.post(f"{base}/v1/screen", json={"name": "x"}, timeout=5).status_code == 401

        revoked = cli(env, "keys", "revoke", "it-test")
        assert revoked.returncode == 0, revoked.stderr
        r = httpx.post(f"{base}/v1/screen", json={"name": "Hikvision"}, headers=h, timeout=5)
        assert r.status_code == 401
