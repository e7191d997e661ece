"""The review queue from the command line (issue 15 item 2): ``tradescreen alerts list / show /
clear / confirm / escalate / approve / reject`` and ``tradescreen show``, through the same
``Services`` calls as the API and the web UI, each action in the audit chain."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tradescreen.audit.chain import iter_records, load_or_create_key, verify
from tradescreen.cli import main
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lists" / "us_csl_sample.csv"
NAME = "Hangzhou Hikvision Digital Technology Co., Ltd."


def run(argv: list[str], user: str = "ann") -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("USER", user)
        mp.setenv("LOGNAME", user)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    text = out.getvalue()
    try:
        return code, json.loads(text), err.getvalue()
    except ValueError:
        return code, text, err.getvalue()


@pytest.fixture
def opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Two alerts: the listed name screened for two counterparties."""
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "review.db"))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    assert run(["load", str(SAMPLE)])[0] == 0
    for cp in ("CUST-1", "CUST-2"):
        assert run(["screen", NAME, "--as-of", "2026-06-01", "--counterparty", cp])[0] == 0
    code, alerts, _ = run(["alerts", "list", "--json"])
    assert code == 0 and {a["counterparty_key"] for a in alerts} == {"CUST-1", "CUST-2"}
    return list(alerts)


def _actions() -> list[tuple[str, str]]:
    settings = Settings()
    engine = SqlStore.from_url(settings.db_url()).engine
    with engine.connect() as conn:
        assert verify(conn, load_or_create_key(settings, conn)).ok
        return [(r.actor, r.action) for r in iter_records(conn) if r.action.startswith("review.")]


def test_clear_confirm_and_show(opened: list[dict[str, Any]]) -> None:
    first, second = sorted(opened, key=lambda a: a["counterparty_key"])
    code, shown, _ = run(["alerts", "show", str(first["id"]), "--json"])
    assert code == 0 and shown["status"] == "open" and shown["events"][0]["action"] == "opened"
    code, cleared, _ = run(["alerts", "clear", str(first["id"]), "--reason", "other", "--json"])
    assert code == 0 and cleared["status"] == "false_positive"
    code, confirmed, _ = run(["alerts", "confirm", str(second["id"]), "--reason", "same", "--json"])
    assert code == 0 and confirmed["status"] == "true_match"
    assert run(["alerts", "list", "--json"])[1] == []  # nothing open any more
    code, text, _ = run(["alerts", "list", "--status", "true_match"])
    assert code == 0 and "CUST-2" in text and "CUST-1" not in text
    # a reason is required, and a decided alert is not decided again
    assert run(["alerts", "clear", str(second["id"]), "--reason", " "])[0] == 2
    code, entity, _ = run(["show", first["entity_id"], "--json"])
    assert code == 0 and entity["id"] == first["entity_id"]
    assert any(n["value"] == first["entity_name"] for n in entity["names"])
    code, text, _ = run(["show", first["entity_id"]])
    assert code == 0 and "listed" in text and first["entity_name"] in text
    code, _, err = run(["show", "no-such-entry"])
    assert code == 6 and err.startswith("error: no list entry")
    assert ("cli:ann", "review.decide") in _actions()


def test_escalation_needs_a_second_reviewer(opened: list[dict[str, Any]]) -> None:
    alert = opened[0]
    code, proposed, _ = run(["alerts", "escalate", str(alert["id"]), "--reason", "looks different"])
    assert code == 0 and "pending_approval" in proposed
    code, _, err = run(["alerts", "approve", str(alert["id"])])  # the proposer: refused
    assert code == 8 and "cannot approve" in err
    code, approved, _ = run(["alerts", "approve", str(alert["id"]), "--json"], user="bob")
    assert code == 0 and approved["status"] == "false_positive"
    other = opened[1]
    run(["alerts", "escalate", str(other["id"]), "--reason", "unsure"])
    code, rejected, _ = run(
        ["alerts", "reject", str(other["id"]), "--reason", "same firm", "--json"], user="bob"
    )
    assert code == 0 and rejected["status"] == "open"
    actions = _actions()
    assert ("cli:bob", "review.approve") in actions and ("cli:bob", "review.reject") in actions


def test_key_changes_are_audited_in_every_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12 item 7: ``keys create --role admin`` and ``keys revoke`` wrote no audit record
    from the CLI (the API's routes did)."""
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "keys.db"))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    assert run(["keys", "create", "root", "--role", "admin"])[0] == 0
    assert run(["keys", "revoke", "root"])[0] == 0
    settings = Settings()
    engine = SqlStore.from_url(settings.db_url()).engine
    with engine.connect() as conn:
        assert verify(conn, load_or_create_key(settings, conn)).ok
        got = [
            (r.actor, r.action, r.payload["role"], r.payload["context"]) for r in iter_records(conn)
        ]
    assert got == [
        ("cli:ann", "keys.create", "admin", {"channel": "cli"}),
        ("cli:ann", "keys.revoke", "admin", {"channel": "cli"}),
    ]


def test_a_cli_load_is_audited_like_an_api_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12 item 7: ``tradescreen load`` wrote no audit record (``POST /v1/lists/load``
    did); both now append ``lists.load`` with the load report."""
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "load.db"))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    assert run(["load", str(SAMPLE)])[0] == 0
    settings = Settings()
    engine = SqlStore.from_url(settings.db_url()).engine
    with engine.connect() as conn:
        assert verify(conn, load_or_create_key(settings, conn)).ok
        loads = [r for r in iter_records(conn) if r.action == "lists.load"]
    assert len(loads) == 1 and loads[0].actor == "cli:ann"
    assert loads[0].payload["context"] == {"channel": "cli"}
    assert loads[0].payload["created"], loads[0].payload


def test_licences_and_ownership_changes_are_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12 item 7: every state-changing command is audited. A specific licence and
    ownership edges change later decisions, so adding them appends a record."""
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "data.db"))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    edges = tmp_path / "edges.csv"
    edges.write_text("owner,owned,percentage\nAcme Holdings,Acme Trading,60\n", encoding="utf-8")
    assert run(["ownership", "load", str(edges)])[0] == 0
    lic = ["licences", "add", "--number", "D123456", "--party", "Acme Trading"]
    assert run([*lic, "--item", "5A002", "--expiry", "2030-01-01"])[0] == 0
    settings = Settings()
    engine = SqlStore.from_url(settings.db_url()).engine
    with engine.connect() as conn:
        assert verify(conn, load_or_create_key(settings, conn)).ok
        got = {r.action: r.payload for r in iter_records(conn)}
    assert got["ownership.load"]["edges"] == 1
    assert got["ownership.load"]["context"] == {"channel": "cli"}
    assert got["licences.add"]["number"] == "D123456"
