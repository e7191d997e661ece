"""Fail closed: a refused list update leaves the version in force active, and screening keeps
citing it. Stale or missing required lists: what screening does with the settings.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from tests.audit_records import audited
from tests.data_paths import LISTS, require_data

from tradescreen.cli import main as cli_main
from tradescreen.errors import DownloadError
from tradescreen.monitor.webhooks import EVENT_HEADER, SIGNATURE_HEADER, verify_signature
from tradescreen.services.lists import update
from tradescreen.settings import Settings
from tradescreen.sources.download import FEEDS, Downloader
from tradescreen.store.sql import SqlStore

DPL_TXT = LISTS / "us_bis_dpl" / "dpl_2023-11.txt"
UN = LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml.gz"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    require_data(DPL_TXT)
    path = tmp_path / "fc.db"
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("TRADESCREEN_DB", str(path))
    assert cli_main(["load", str(DPL_TXT)]) == 0
    return path


def _in_force(db: Path, code: str = "us_bis_dpl") -> tuple[int, int, str]:
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        (v,) = [v for v in store.active_versions() if v.list_code == code]
        assert store.count_entities(v.id) == v.record_count
        return v.id, v.record_count, v.sha256
    finally:
        store.close()


def _screen_cites(db: Path, capsys: pytest.CaptureFixture[str], version_id: int) -> None:
    capsys.readouterr()
    rc = cli_main(["screen", "ASHRAF GUIRGUIS", "--json", "--as-of", "2023-12-01"])
    out = json.loads(capsys.readouterr().out)
    assert rc in (0, 1)
    ids = {v["id"] for v in out["list_versions"] if v["list"] == "us_bis_dpl"}
    assert ids == {version_id}
    for h in out["hits"]:
        assert "us_bis_dpl" in json.dumps(h)


def test_shrunk_update_is_quarantined(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _in_force(db)
    lines = DPL_TXT.read_bytes().splitlines(keepends=True)
    small = tmp_path / "dpl_small.txt"
    small.write_bytes(b"".join(lines[: int(len(lines) * 0.6)]))  # 40 % fewer entries
    capsys.readouterr()
    rc = cli_main(["load", str(small)])
    err = capsys.readouterr()
    assert rc == 5
    assert "shrink" in (err.out + err.err) and f"version {before[0]} stays in force" in (
        err.out + err.err
    )
    assert _in_force(db) == before
    con = sqlite3.connect(db)
    statuses = [r[0] for r in con.execute("SELECT status FROM list_versions ORDER BY id")]
    con.close()
    assert statuses == ["active", "quarantined"]
    _screen_cites(db, capsys, before[0])


@pytest.mark.parametrize("damage", ["truncated_quote", "binary", "empty"])
def test_unparseable_update_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    before = _in_force(db)
    data = DPL_TXT.read_bytes()
    bad = tmp_path / "dpl_bad.txt"
    if damage == "truncated_quote":
        bad.write_bytes(data[: len(data) // 2] + b'\t"unterminated\n' + data[len(data) // 2 :])
    elif damage == "binary":
        bad.write_bytes(data[:2000] + bytes(range(256)) * 50)
    else:
        bad.write_bytes(b"")
    capsys.readouterr()
    rc = cli_main(["load", str(bad), "--source", "dpl_txt"])
    err = capsys.readouterr()
    if (
        rc == 0 and damage == "truncated_quote"
    ):  # a reader may tolerate a damaged row: then it must say so, and not shrink
        assert _in_force(db)[1] >= before[1] * 0.9
        return
    assert rc in (3, 5), err
    assert str(bad) in (err.out + err.err) or "dpl_bad" in (err.out + err.err)
    assert _in_force(db) == before
    _screen_cites(db, capsys, before[0])


class _Serve(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def un_server() -> Iterator[str]:
    _Serve.body = gzip.decompress(require_data(UN).read_bytes())
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Serve)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


def test_checksum_mismatch_refused(
    db: Path, tmp_path: Path, un_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _in_force(db)
    dl = Downloader.from_settings(Settings(db=str(db)), tmp_path / "downloads")
    good = hashlib.sha256(_Serve.body).hexdigest()
    with pytest.raises(DownloadError, match="SHA-256"):
        dl.fetch_feed(
            FEEDS["un_sc"], base_url=un_server, expected_sha256={"consolidated.xml": "0" * 64}
        )
    assert not (tmp_path / "downloads" / "un_sc" / "consolidated.xml").exists()
    assert _in_force(db) == before
    res = dl.fetch_feed(
        FEEDS["un_sc"], base_url=un_server, expected_sha256={"consolidated.xml": good}
    )
    assert res.files[0].sha256 == good
    _screen_cites(db, capsys, before[0])


def _age(db: Path, days: int) -> None:
    con = sqlite3.connect(db)
    old = (datetime.now(UTC) - timedelta(days=days)).isoformat()
    con.execute("UPDATE list_versions SET retrieved_at = ?", (old,))
    con.commit()
    con.close()


# Regression: screening used to ignore stale_after_days / stale_policy.
@pytest.mark.parametrize("policy", ["flag", "refuse"])
def test_stale_list_flagged_or_refused(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, policy: str
) -> None:
    _age(db, 30)
    monkeypatch.setenv("TRADESCREEN_STALE_POLICY", policy)
    capsys.readouterr()
    rc = cli_main(["screen", "ACME", "--json"])
    out = capsys.readouterr()
    if policy == "refuse":
        assert rc == 7, out
    else:
        assert rc == 0
        assert "stale" in json.dumps(json.loads(out.out)["warnings"]).lower()


@pytest.mark.parametrize("policy", ["flag", "refuse"])
def test_missing_required_list_flagged_or_refused(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, policy: str
) -> None:
    monkeypatch.setenv("TRADESCREEN_REQUIRED_LISTS", '["us_ofac_sdn"]')
    monkeypatch.setenv("TRADESCREEN_STALE_POLICY", policy)
    assert Settings().required_lists == ("us_ofac_sdn",)
    capsys.readouterr()
    rc = cli_main(["screen", "ACME", "--json"])
    out = capsys.readouterr()
    if policy == "refuse":
        assert rc == 7, out
        assert "required list us_ofac_sdn is not loaded" in out.err
    else:
        assert rc == 0, out
        assert "required list us_ofac_sdn is not loaded" in json.loads(out.out)["warnings"]


# --- A refused update raises an alert: ERROR log, audit record, signed webhook ---------------

WEBHOOK_SECRET = "fail-closed-secret"


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, Any], bool]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = verify_signature(body, self.headers.get(SIGNATURE_HEADER), WEBHOOK_SECRET)
        _Hook.received.append((self.headers.get(EVENT_HEADER, ""), json.loads(body), ok))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def hook(db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any, bool]]]:
    """A webhook receiver on 127.0.0.1 registered with ``tradescreen webhooks add``."""
    _Hook.received = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_SECRET", WEBHOOK_SECRET)
    url = f"http://127.0.0.1:{srv.server_address[1]}/hook"
    assert cli_main(["webhooks", "add", url, "--events", "list.quarantined list.rejected"]) == 0
    yield _Hook.received
    srv.shutdown()
    srv.server_close()


def test_quarantine_raises_an_alert(
    db: Path,
    tmp_path: Path,
    hook: list[tuple[str, Any, bool]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = _in_force(db)
    lines = DPL_TXT.read_bytes().splitlines(keepends=True)
    small = tmp_path / "dpl_small.txt"
    small.write_bytes(b"".join(lines[: int(len(lines) * 0.5)]))
    with caplog.at_level(logging.ERROR, logger="tradescreen.lists"):
        assert cli_main(["load", str(small)]) == 5
    assert any("list.quarantined" in r.getMessage() for r in caplog.records)
    [(event, payload, signed)] = hook
    assert event == "list.quarantined" and signed
    data = payload["data"]
    assert data["lists"] == ["us_bis_dpl"] and data["code"] == "quarantined"
    assert "would shrink from 665" in data["reason"]
    [q] = data["quarantined"]
    assert q["list"] == "us_bis_dpl" and q["records"] < 400 and q["id"] != before[0]
    assert [v["id"] for v in data["in_force"]] == [before[0]]
    [record] = audited(db, "list.quarantined")
    assert record["quarantined"] == data["quarantined"]
    assert _in_force(db) == before


def test_unparseable_update_raises_an_alert(
    db: Path, tmp_path: Path, hook: list[tuple[str, Any, bool]]
) -> None:
    bad = tmp_path / "dpl_bad.txt"
    bad.write_bytes(b"")
    assert cli_main(["load", str(bad), "--source", "dpl_txt"]) == 3
    [(event, payload, signed)] = hook
    assert event == "list.rejected" and signed
    assert payload["data"]["source"] == [str(bad)] and str(bad) in payload["data"]["reason"]
    assert len(audited(db, "list.rejected")) == 1


def test_checksum_mismatch_raises_an_alert(
    db: Path, tmp_path: Path, un_server: str, hook: list[tuple[str, Any, bool]]
) -> None:
    before = _in_force(db)
    settings = Settings(db=str(db), webhook_secret=WEBHOOK_SECRET)
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        with pytest.raises(DownloadError, match="SHA-256"):
            update(
                store,
                settings,
                ["un_sc"],
                base_url=un_server,
                download_dir=tmp_path / "downloads",
                expected_sha256={"consolidated.xml": "0" * 64},
            )
    finally:
        store.close()
    [(event, payload, _)] = hook
    assert event == "list.rejected" and payload["data"]["code"] == "download_error"
    assert payload["data"]["source"] == [un_server + "consolidated.xml"]
    assert len(audited(db, "list.rejected")) == 1
    assert _in_force(db) == before


# Regression: batch screening (SnapshotScreener) ignored stale_after_days and required_lists,
# so a batch against 30-day-old lists answered "no hit" with no warning.
@pytest.mark.parametrize("policy", ["flag", "refuse"])
def test_batch_against_stale_lists_flagged_on_every_row_or_refused(
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    policy: str,
) -> None:
    _age(db, 30)
    monkeypatch.setenv("TRADESCREEN_STALE_POLICY", policy)
    monkeypatch.setenv("TRADESCREEN_REQUIRED_LISTS", '["us_ofac_sdn"]')
    names = tmp_path / "names.csv"
    names.write_text("name\nASHRAF GUIRGUIS\nACME Trading\nNobody Special\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    capsys.readouterr()
    rc = cli_main(["batch", str(names), "-o", str(out), "--workers", "1", "--json"])
    err = capsys.readouterr().err
    if policy == "refuse":
        assert rc == 7, err
        assert "stale" in err and "required list us_ofac_sdn is not loaded" in err
        assert not out.exists() or not out.read_text().strip()
        return
    assert rc == 0, err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 3
    for row in rows:
        warnings = " ".join(row["result"]["warnings"] if "result" in row else row["warnings"])
        assert "is stale" in warnings and "required list us_ofac_sdn is not loaded" in warnings
