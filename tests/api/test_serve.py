"""`tradescreen serve` for real: uvicorn on a free 127.0.0.1 port, a CLI key, a screening."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tradescreen.db import all_tables, make_engine
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import SqlStore

from .support import EL_FILE, _entities

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradescreen", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


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
    port = _free_port()
    log = tmp_path / "server.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tradescreen",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.2)

        created = _cli(env, "keys", "create", "it-test", "--role", "screener")
        assert created.returncode == 0, created.stderr
        key = created.stdout.strip().splitlines()[-1]
        assert key.startswith("ts_") and " " not in key
        listed = _cli(env, "keys", "list")
        assert "it-test" in listed.stdout and key not in listed.stdout

        h = {"Authorization": f"Bearer {key}"}
        r = httpx.post(f"{base}/v1/screen", json={"name": "Hikvision"}, headers=h, timeout=30)
        assert r.status_code == 200, r.text + log.read_text()[-3000:]
        assert "Hikvision" in r.json()["hits"][0]["name"]
        assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
        assert httpx.post(f"{base}/v1/screen", json={"name": "x"}, timeout=5).status_code == 401

        revoked = _cli(env, "keys", "revoke", "it-test")
        assert revoked.returncode == 0, revoked.stderr
        r = httpx.post(f"{base}/v1/screen", json={"name": "Hikvision"}, headers=h, timeout=5)
        assert r.status_code == 401
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
