"""Security: SQL injection, CSV formula injection, path traversal, size limits, key storage,
no secrets in logs, and the dependency audit (scripts/audit_deps.py).

All against a real SQLite file store loaded with the BIS Denied Persons List (2026-04-14).
"""

from __future__ import annotations

import asyncio
import csv
import inspect
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.data_paths import LISTS, require_data

from tradescreen.access import keys as keys_mod
from tradescreen.access.keys import Role, create_key
from tradescreen.cli import main as cli_main
from tradescreen.db import make_engine
from tradescreen.server import create_app
from tradescreen.settings import Settings

DPL = LISTS / "us_bis_dpl" / "bis_dpl_2026-04-14.json"
INJECTIONS = [
    "'; DROP TABLE entities; --",
    "x' OR '1'='1",
    '"; DELETE FROM list_versions; --',
    "Robert'); DROP TABLE audit_log;--",
    "1; UPDATE api_keys SET role='admin'",
]
FORMULAS = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


class Client:
    """Sync face on httpx.AsyncClient over the in-process ASGI app."""

    def __init__(self, app: Any, token: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        )

    def req(self, method: str, url: str, **kw: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._c.request(method, url, **kw))

    def close(self) -> None:
        self._loop.run_until_complete(self._c.aclose())
        self._loop.close()


def _counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_data(DPL)
    tmp = tmp_path_factory.mktemp("sec")
    db = tmp / "sec.db"
    settings = Settings(
        db=str(db), audit_key_file=tmp / "audit.key", api_max_body_bytes=20_000, api_batch_max=5
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADESCREEN_DB", str(db))
    mp.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp / "audit.key"))
    assert cli_main(["load", str(DPL), "--db", str(db)]) == 0
    app = create_app(settings)
    engine = make_engine(settings.db_url())
    admin = create_key(engine, "sec-admin", Role.ADMIN)[1]
    client = Client(app, admin)
    yield {
        "tmp": tmp,
        "db": db,
        "settings": settings,
        "client": client,
        "admin": admin,
        "engine": engine,
    }
    client.close()
    engine.dispose()
    mp.undo()


@pytest.fixture(autouse=True)
def _one_audit_key(env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI commands of these tests append to the chain the app writes: the same key file
    (the suite's per-test default key would be refused beside a chain made with another)."""
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(env["tmp"] / "audit.key"))


def test_sql_injection_api_and_cli(env: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    c, db = env["client"], env["db"]
    before = _counts(db)
    for s in INJECTIONS:
        r = c.req("POST", "/v1/screen", json={"name": s, "country": "US", "counterparty": s})
        assert r.status_code == 200, r.text
        assert r.json()["hits"] is not None
        r = c.req("POST", "/v1/screen/batch", json={"queries": [{"name": s}, {"name": s + "x"}]})
        assert r.status_code == 200, r.text
        assert c.req("GET", f"/v1/entities/{httpx.URL(s)}").status_code in (404, 422)
        assert c.req("GET", "/v1/audit/export", params={"action": s}).status_code == 200
        assert c.req(
            "GET", "/v1/cases", params={"status": s[:32], "counterparty": s}
        ).status_code in (200, 422)
        assert c.req("GET", f"/v1/cases/{httpx.URL(s)}").status_code in (404, 422)
        r = c.req("POST", "/v1/keys", json={"name": s[:50], "role": "screener"})
        assert r.status_code in (200, 201, 422), r.text
        assert cli_main(["screen", s, "--db", str(db), "--json"]) in (0, 1)
        assert cli_main(["versions", s, "--db", str(db)]) in (0, 2, 6)
    capsys.readouterr()
    after = _counts(db)
    for table in ("entities", "list_versions"):  # blobs: the index is cached on first use
        assert after[table] == before[table], table
    assert after["audit_log"] > before.get("audit_log", 0)  # the screenings were recorded
    con = sqlite3.connect(db)
    roles = dict(con.execute("SELECT name, role FROM api_keys").fetchall())
    con.close()
    assert roles["sec-admin"] == "admin" and "admin" not in {
        v for k, v in roles.items() if k != "sec-admin"
    }
    # The injected text was screened as a name, found nothing, and a real name still hits.
    r = c.req("POST", "/v1/screen", json={"name": "'; DROP TABLE entities; --"})
    assert r.json()["hits"] == []


def _bad_cells(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return [cell for row in csv.reader(f) for cell in row if cell[:1] in ("=", "+", "-", "@")]


def test_audit_csv_export_neutralises_formulas(env: dict[str, Any]) -> None:
    for s in FORMULAS:
        assert env["client"].req("POST", "/v1/screen", json={"name": s}).status_code == 200
    out = env["tmp"] / "audit.csv"
    assert cli_main(["audit", "export", "-f", "csv", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "HYPERLINK" in text  # the payloads are there ...
    assert _bad_cells(out) == []  # ... but no cell starts a formula
    r = env["client"].req("GET", "/v1/audit/export", params={"format": "csv"})
    assert r.status_code == 200
    api_csv = env["tmp"] / "audit-api.csv"
    api_csv.write_text(r.text, encoding="utf-8")
    assert "HYPERLINK" in r.text and _bad_cells(api_csv) == []


# Regression: batch CSV output used to copy input cells as they were (fixed: csvsafe.py).
def test_batch_csv_output_neutralises_formulas(env: dict[str, Any]) -> None:
    inp = env["tmp"] / "formulas.csv"
    with open(inp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "country"])
        for s in FORMULAS:
            w.writerow([s, "US"])
        w.writerow(["ACME Trading", "=1+1"])
    out = env["tmp"] / "formulas-out.csv"
    rc = cli_main(["batch", str(inp), "-o", str(out), "--workers", "1", "--db", str(env["db"])])
    assert rc == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(FORMULAS) + 2
    assert _bad_cells(out) == []


def test_report_csv_cells_neutralised(tmp_path: Path) -> None:
    """The demo report and every CSV writer share one neutraliser; check it and its use."""
    from tradescreen import csvsafe, report
    from tradescreen.audit import export
    from tradescreen.batch import io as batch_io

    for s in [*FORMULAS, "\tx", "\rx"]:
        assert not csvsafe.safe_cell(s).startswith(("=", "+", "-", "@", "\t", "\r")), s
    assert csvsafe.safe_cell("ACME") == "ACME" and csvsafe.safe_cell(None) == ""
    for mod in (report, export, batch_io):
        assert getattr(mod, "safe_cell", None) is csvsafe.safe_cell, mod.__name__


# Regression: POST /v1/lists/load used to read any file the server could read.
def test_list_load_endpoint_confined_to_configured_dirs(env: dict[str, Any]) -> None:
    outside = env["tmp"] / "elsewhere"
    outside.mkdir(exist_ok=True)
    copy = outside / "dpl_copy.json"
    shutil.copy(DPL, copy)
    traversal = str(env["tmp"] / ".." / env["tmp"].name / "elsewhere" / "dpl_copy.json")
    for path in (str(copy), traversal, "/etc/passwd"):
        r = env["client"].req("POST", "/v1/lists/load", json={"paths": [path]})
        assert r.status_code in (403, 422), (path, r.status_code)
        assert r.json().get("error") == "forbidden", (path, r.text)


def test_request_size_limits(env: dict[str, Any]) -> None:
    c = env["client"]
    big = {"name": "A" * 30_000}
    assert c.req("POST", "/v1/screen", json=big).status_code == 413
    assert c.req("POST", "/v1/screen", json={"name": "A" * 501}).status_code == 422
    many = {"queries": [{"name": f"n{i}"} for i in range(6)]}
    assert c.req("POST", "/v1/screen/batch", json=many).status_code in (413, 422)
    r = c.req(
        "POST", "/v1/screen", content=b"{" * 19_000, headers={"Content-Type": "application/json"}
    )
    assert r.status_code in (400, 422)


def test_keys_hashed_and_compared_in_constant_time(env: dict[str, Any]) -> None:
    rec, token = create_key(env["engine"], "sec-hash", Role.SCREENER)
    secret = token.split(rec.id + "_", 1)[1]  # base64 may hold "_"
    assert len(secret) >= 40
    wal = Path(f"{env['db']}-wal")
    raw = Path(env["db"]).read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert token.encode() not in raw and secret.encode() not in raw
    con = sqlite3.connect(env["db"])
    row = con.execute("SELECT * FROM api_keys WHERE name = 'sec-hash'").fetchone()
    con.close()
    assert all(secret not in str(v) for v in row)
    src = inspect.getsource(keys_mod.verify_key)
    assert 'hmac.compare_digest(_hash(raw), row["key_hash"])' in src
    assert 'row["key_hash"] ==' not in src and '== row["key_hash"]' not in src
    assert keys_mod.verify_key(env["engine"], token) is not None
    assert keys_mod.verify_key(env["engine"], token[:-2] + "AA") is None


def test_no_secrets_in_logs(env: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rec, token = create_key(env["engine"], "sec-log", Role.ADMIN)
    c = Client(create_app(env["settings"]), token)
    try:
        assert c.req("POST", "/v1/screen", json={"name": "ACME"}).status_code == 200
        assert c.req("GET", "/v1/keys").status_code == 200
        assert c.req("POST", "/v1/screen", json={"name": ""}).status_code == 422
        bad = Client(create_app(env["settings"]), token + "x")
        assert bad.req("POST", "/v1/screen", json={"name": "ACME"}).status_code == 401
        bad.close()
    finally:
        c.close()
    secret = token.split(rec.id + "_", 1)[1]  # base64 may hold "_"
    assert len(secret) >= 40
    assert caplog.records, "nothing was logged at DEBUG: the check would prove nothing"
    assert secret not in caplog.text and token not in caplog.text
    con = sqlite3.connect(env["db"])
    payloads = " ".join(r[0] for r in con.execute("SELECT payload FROM audit_log"))
    con.close()
    assert secret not in payloads


AUDIT = Path(__file__).resolve().parents[2] / "scripts" / "audit_deps.py"
_DEP = {"name": "jinja2", "version": "2.4.1"}
_VULN = {"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"], "aliases": [], "description": "x"}


def _run_audit(tmp_path: Path, report: object, **env: str) -> subprocess.CompletedProcess[str]:
    """scripts/audit_deps.py against a stand-in pip-audit that prints ``report`` as JSON."""
    fake = tmp_path / "pip-audit"
    body = report if isinstance(report, str) else json.dumps(report)
    fake.write_text(f"#!/bin/sh\ncat <<'EOF'\n{body}\nEOF\n")
    fake.chmod(0o755)
    return subprocess.run(
        [sys.executable, str(AUDIT)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PIP_AUDIT": str(fake), "TRADESCREEN_AUDIT_REQUIRED": "", **env},
    )


def test_dependency_audit_fails_on_a_known_vulnerability(tmp_path: Path) -> None:
    res = _run_audit(tmp_path, {"dependencies": [{**_DEP, "vulns": [_VULN]}]})
    assert res.returncode == 1
    assert "jinja2 2.4.1: PYSEC-2019-217 (fixed in 2.10.1)" in res.stderr


def test_dependency_audit_passes_only_when_every_dependency_was_looked_up(tmp_path: Path) -> None:
    clean = {"dependencies": [{**_DEP, "vulns": []}, {"name": "a", "version": "1", "vulns": []}]}
    res = _run_audit(tmp_path, clean)
    assert res.returncode == 0 and "passed: 2 dependencies" in res.stdout
    partial = {"dependencies": [{**_DEP, "vulns": []}, {"name": "b", "skip_reason": "not found"}]}
    res = _run_audit(tmp_path, partial)
    assert res.returncode == 1 and "1 of 2 not looked up" in res.stderr


def test_dependency_audit_says_not_run_when_the_service_is_unreachable(tmp_path: Path) -> None:
    """Plain pip-audit prints 'No known vulnerabilities found' here: the wrapper says NOT RUN,
    and fails with TRADESCREEN_AUDIT_REQUIRED=1."""
    offline = {"dependencies": [{"name": "alembic", "skip_reason": "not found on PyPI"}]}
    res = _run_audit(tmp_path, offline)
    assert res.returncode == 0 and "dependency audit NOT RUN" in res.stdout
    res = _run_audit(tmp_path, offline, TRADESCREEN_AUDIT_REQUIRED="1")
    assert res.returncode == 2 and "NOT RUN" in res.stderr
    res = _run_audit(tmp_path, "Traceback: boom")
    assert res.returncode == 2 and "dependency audit failed" in res.stderr


def test_pip_audit_is_installed() -> None:
    exe = Path(sys.executable).with_name("pip-audit")
    res = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "pip-audit" in res.stdout
