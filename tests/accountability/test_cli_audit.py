"""The CLI's screenings are in the audit chain: ``screen`` one record each, ``batch`` one record
per file (inputs and outputs by SHA-256, counts, the list versions every row used)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from tests.data_paths import LISTS, require_data

from tradescreen.audit.chain import iter_records, load_or_create_key, verify
from tradescreen.cli import main as cli_main
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

DPL = LISTS / "us_bis_dpl"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli-audit.db"
    monkeypatch.setenv("TRADESCREEN_DB", str(path))
    assert cli_main(["load", str(require_data(DPL / "dpl_2023-11.txt"))]) == 0
    return path


def _records(db: Path) -> list[Any]:
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        with store.engine.connect() as conn:
            report = verify(conn, load_or_create_key(Settings(), conn))
            assert report.ok, report.problem
            return list(iter_records(conn))
    finally:
        store.close()


def test_screen_is_audited(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["screen", "ABDIEL PADRON MADRID", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    [rec] = [r for r in _records(db) if r.action == "screening"]
    assert rec.actor.startswith("cli:")
    assert rec.payload["query"]["name"] == "ABDIEL PADRON MADRID"
    assert rec.payload["context"] == {
        "channel": "cli",
        "counterparty_key": None,
        "alerts": [],
        "suppressed": [],
    }
    assert [v["id"] for v in rec.payload["list_versions"]] == [
        v["id"] for v in shown["list_versions"]
    ]
    assert [h["entity_id"] for h in rec.payload["hits"]] == [h["entity_id"] for h in shown["hits"]]
    assert rec.payload["hits"], "the DPL lists ABDIEL PADRON MADRID: the record must show the hit"


def test_batch_file_is_audited_once(db: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name\nABDIEL PADRON MADRID\nNobody Special\n,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert cli_main(["batch", str(names), "-o", str(out), "--workers", "1"]) == 0
    [rec] = [r for r in _records(db) if r.action == "screening_file"]
    p = rec.payload
    assert rec.actor.startswith("cli:")
    assert p["input_sha256"] == hashlib.sha256(names.read_bytes()).hexdigest()
    assert p["output_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (p["rows"], p["screened"], p["rejected"], p["rows_with_hits"]) == (3, 2, 1, 1)
    assert [v["list"] for v in p["list_versions"]] == ["us_bis_dpl"]
    # every completed run is its own record
    assert cli_main(["batch", str(names), "-o", str(out), "--workers", "1", "--restart"]) == 0
    assert len([r for r in _records(db) if r.action == "screening_file"]) == 2
