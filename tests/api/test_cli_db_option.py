"""`--db` reaches the keys and audit commands, as every other command that uses the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradescreen.cli import main


def test_keys_and_audit_use_the_given_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "elsewhere.db"))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    db = str(tmp_path / "chosen.db")
    assert main(["keys", "create", "alice", "--role", "reviewer", "--db", db]) == 0
    capsys.readouterr()
    assert main(["keys", "list", "--db", db]) == 0
    assert "alice" in capsys.readouterr().out
    assert main(["keys", "list"]) == 0  # TRADESCREEN_DB: another database, no keys there
    assert "no API keys" in capsys.readouterr().out
    assert main(["audit", "verify", "--db", db, "--json"]) == 0
    assert '"ok": true' in capsys.readouterr().out
    assert Path(db).exists()
