"""Issue 12 items 10 and 12, the server's part: screening routes with no list loaded, a store
locked by another writer, NUL and control characters in names, terminal output of key names.

(The served process's read timeouts and connection cap: ``test_serve_limits.py``.)
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.api.support import EL_FILE, Client, _entities
from tests.data_paths import require_data

from tradescreen.access.keys import Role, create_key
from tradescreen.cli import main as cli_main
from tradescreen.controlchars import terminal_safe
from tradescreen.errors import InvalidInput, StoreBusy
from tradescreen.loading import load_files
from tradescreen.model import Query
from tradescreen.server import create_app
from tradescreen.services import Services
from tradescreen.settings import Settings
from tradescreen.store.base import NewVersion


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[FastAPI]:
    settings = Settings(db="sqlite://", audit_key_file=tmp_path / "audit.key")
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


# -- item 12: every screening route refuses with no list in force ---------------------------


def test_every_screening_route_refuses_an_empty_store(empty_app: FastAPI) -> None:
    _, token = create_key(empty_app.state.engine, "s", Role.SCREENER)
    client = Client(empty_app, token)
    try:
        example = {"queries": {"q1": {"schema": "Company", "properties": {"name": ["ACME"]}}}}
        answers = {
            "/v1/screen": client.post("/v1/screen", json={"name": "ACME Corp"}),
            "/v1/screen/batch": client.post(
                "/v1/screen/batch", json={"queries": [{"name": "ACME Corp"}]}
            ),
            "/v1/check": client.post(
                "/v1/check",
                json={"parties": [{"name": "ACME Corp"}], "item": "EAR99", "destination": "FR"},
            ),
            "/match/default": client.post("/match/default", json=example),
            "/match/sanctions": client.post("/match/sanctions", json=example),
            "/search/default": client.get("/search/default", params={"q": "ACME"}),
        }
        for route, r in answers.items():
            assert r.status_code == 503, (route, r.status_code, r.text)
            assert r.json()["error"] == "no_lists", (route, r.text)
            assert "no list loaded" in r.json()["detail"], (route, r.text)
        # a search without a name screens nothing: an empty answer, not a refusal
        assert client.get("/search/default").status_code == 200
        assert client.get("/catalog").status_code == 200
    finally:
        client.close()


def test_yente_anonymous_match_refuses_an_empty_store(tmp_path: Path) -> None:
    settings = Settings(db="sqlite://", audit_key_file=tmp_path / "k", yente_anonymous=True)
    app = create_app(settings)
    client = Client(app)
    try:
        example = {"queries": {"q1": {"schema": "Person", "properties": {"name": ["Jo Doe"]}}}}
        r = client.post("/match/default", json=example, headers={})
        assert r.status_code == 503 and r.json()["error"] == "no_lists", r.text
    finally:
        client.close()
        app.state.engine.dispose()


# -- item 10: a writer holding the SQLite lock past the busy timeout ------------------------


def _with_list(app: FastAPI) -> None:
    app.state.store.add_versions(
        [
            NewVersion(
                "us_bis_el", "Entity List", str(EL_FILE), "nsf_json", uuid.uuid4().hex * 2,
                _entities(EL_FILE, "us_bis_el", "Entity List"), retrieved_at=datetime.now(UTC),
            )
        ]
    )  # fmt: skip


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer: holds the lock until it ends
    return other


def test_locked_store_is_503_with_retry_after(tmp_path: Path) -> None:
    db = tmp_path / "ts.db"
    settings = Settings(db=str(db), audit_key_file=tmp_path / "k", store_busy_timeout=0.3)
    app = create_app(settings)
    _with_list(app)
    _, token = create_key(app.state.engine, "s", Role.SCREENER)
    client = Client(app, token)
    try:
        other = _hold_write_lock(db)
        try:
            r = client.post("/v1/screen", json={"name": "Hangzhou Hikvision"})
            assert r.status_code == 503, r.text
            assert r.json()["error"] == "store_busy" and "busy" in r.json()["detail"], r.text
            assert r.headers["Retry-After"] == str(StoreBusy.retry_after)
        finally:
            other.rollback()
            other.close()
        again = client.post("/v1/screen", json={"name": "Hangzhou Hikvision"})
        assert again.status_code == 200, again.text
    finally:
        client.close()
        app.state.engine.dispose()


def test_locked_store_is_one_line_and_exit_11_in_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ts.db"
    monkeypatch.setenv("TRADESCREEN_DB", str(db))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "k"))
    monkeypatch.setenv("TRADESCREEN_STORE_BUSY_TIMEOUT", "0.3")
    assert cli_main(["keys", "list"]) == 0  # the schema exists
    capsys.readouterr()
    other = _hold_write_lock(db)
    try:
        code = cli_main(["keys", "create", "ops", "--role", "screener"])
    finally:
        other.rollback()
        other.close()
    out = capsys.readouterr()
    assert code == StoreBusy.exit_code == 11, out
    assert "Traceback" not in out.err and out.out == ""
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the store is busy"), out.err
    assert cli_main(["keys", "create", "ops", "--role", "screener"]) == 0


# -- item 8: NUL and other control characters, the same on SQLite and PostgreSQL -------------


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'ts.db'}"


def _el_with_controls(tmp: Path) -> Path:
    doc = json.loads(EL_FILE.read_text(encoding="utf-8"))
    doc["entities"] = doc["entities"][:40]
    doc["count"] = 40
    doc["entities"][0]["name"] = "ACME\x00 NUL TRADING"
    doc["entities"][1]["aliases"] = ["ESC\x1b[31m RED LTD"]
    doc["entities"][2]["address"] = "Street 1\x07, Town"
    path = tmp / "el_controls.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_control_characters_in_a_list_are_removed_on_load(any_db: str, tmp_path: Path) -> None:
    require_data(EL_FILE)
    settings = Settings(db=any_db, audit_key_file=tmp_path / "k")
    services = Services.open(settings)
    try:
        report = load_files(services.store, [_el_with_controls(tmp_path)], settings=settings)
        assert any("3 entries had control characters" in w for w in report.warnings), report
        [version] = services.store.active_versions()
        assert version.record_count == 40
        names = {n.value for e in services.store.iter_entities([version.id]) for n in e.names}
        assert "ACME NUL TRADING" in names and "ESC[31m RED LTD" in names
        assert not any(ch in n for n in names for ch in "\x00\x1b")
        hit = services.screener.screen(Query("ACME NUL TRADING"), as_of=services.today())
        assert hit.hits and hit.hits[0].entity.name == "ACME NUL TRADING"
    finally:
        services.close()


def test_nul_in_a_request_is_4xx_on_every_route(any_db: str, tmp_path: Path) -> None:
    settings = Settings(db=any_db, audit_key_file=tmp_path / "k")
    app = create_app(settings)
    _with_list(app)
    _, admin = create_key(app.state.engine, "admin", Role.ADMIN)
    client = Client(app, admin)
    try:
        answers = {
            "screen name": client.post("/v1/screen", json={"name": "Hik\x00vision"}),
            "screen counterparty": client.post(
                "/v1/screen", json={"name": "Hikvision", "counterparty": "C\x00-1"}
            ),
            "batch": client.post("/v1/screen/batch", json={"queries": [{"name": "a\x00b"}]}),
            "cases": client.get("/v1/cases", params={"counterparty": "C\x00-1"}),
            "entity": client.get("/entities/NK-%00abc"),
            "search": client.get("/search/default", params={"q": "Hik\x00vision"}),
            "key create": client.post("/v1/keys", json={"name": "ops\x00", "role": "screener"}),
            "key revoke": client.delete("/v1/keys/ops%00x"),
            "match": client.post(
                "/match/default",
                json={"queries": {"q": {"schema": "Company", "properties": {"name": ["A\x00B"]}}}},
            ),
        }
        for route, r in answers.items():
            assert r.status_code == 400, (route, r.status_code, r.text)
            assert "NUL character (U+0000)" in r.json()["detail"], (route, r.text)
        # nothing half-written: the audit chain still verifies, and a clean request works
        assert client.get("/v1/audit/verify").json()["ok"] is True
        ok = client.post("/v1/screen", json={"name": "Hikvision", "counterparty": "C-1"})
        assert ok.status_code == 200, ok.text
    finally:
        client.close()
        app.state.engine.dispose()


def test_nul_is_refused_at_the_database_on_every_backend(any_db: str, tmp_path: Path) -> None:
    """What the API does not see (a file's ids, a library caller) is refused at the engine:
    InvalidInput (exit 2 / 422) on both backends, never a driver error."""
    settings = Settings(db=any_db, audit_key_file=tmp_path / "k")
    services = Services.open(settings)
    try:
        with pytest.raises(InvalidInput, match="NUL"):
            create_key(services.engine, "ops\x00", Role.SCREENER)
        assert services.store.active_versions() == []
    finally:
        services.close()


# -- item 10: control characters in key and list names are escaped on the terminal -----------

EVIL = "ops\x1b[2J\x1b]0;owned\x07\u202e"  # clear screen, set the title, reverse the text


def test_key_names_are_escaped_in_cli_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "ts.db"))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "k"))
    shown = "ops\\x1b[2J\\x1b]0;owned\\x07\\u202e"
    assert cli_main(["keys", "create", EVIL]) == 0
    created = capsys.readouterr()
    assert cli_main(["keys", "list"]) == 0
    listed = capsys.readouterr()
    assert cli_main(["keys", "revoke", EVIL]) == 0
    revoked = capsys.readouterr()
    assert cli_main(["keys", "revoke", EVIL]) == 6  # no active key by that name any more
    missing = capsys.readouterr()
    for out in (created, listed, revoked, missing):
        text = out.out + out.err
        assert not any(ch in text for ch in "\x1b\x07\u202e"), repr(text)
    assert shown in created.err and shown in listed.out and shown in revoked.out
    assert missing.err.startswith("error: ") and len(missing.err.strip().splitlines()) == 1
    # --json keeps the name exactly (JSON escapes it itself)
    assert cli_main(["keys", "list", "--all", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["name"] == EVIL


def test_terminal_safe_escapes_every_control_character() -> None:
    for code in [*range(0x20), *range(0x7F, 0xA0), 0x200E, 0x200F, 0x202A, 0x202E, 0x2066]:
        out = terminal_safe(f"a{chr(code)}b")
        assert out in (f"a\\x{code:02x}b", f"a\\u{code:04x}b"), (hex(code), out)
    assert terminal_safe("MÜLLER GmbH 北京") == "MÜLLER GmbH 北京"


def test_batch_on_an_empty_store_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "ts.db"))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "k"))
    src = tmp_path / "in.csv"
    src.write_text("name\nACME Corp\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code = cli_main(["batch", str(src), "-o", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 7, err
    assert err.startswith("error: screening refused: no list loaded"), err
    assert not out.exists()
