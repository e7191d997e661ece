"""Auditor exports (CSV formula neutralising, JSON) and the ``tradescreen audit`` commands."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Connection, text

from tradescreen.audit.chain import record
from tradescreen.audit.export import export_csv, export_json, neutralise
from tradescreen.audit.tables import audit_log
from tradescreen.cli import main
from tradescreen.db import make_engine, metadata
from tradescreen.errors import InvalidInput

KEY = b"export-test-key-0123456789abcdef"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Huawei", "Huawei"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_csv_and_json_exports(conn: Connection) -> None:
    record(
        conn,
        actor="=cmd|'/c calc'!A0",
        action="screening",
        key=KEY,
        payload={"query": {"name": "@evil"}, "hits": []},
    )
    record(
        conn,
        actor="ann",
        action="review.decide",
        key=KEY,
        payload={"alert_id": 1, "verdict": "false_positive", "entity_name": "X"},
    )
    buf = io.StringIO()
    assert export_csv(conn, buf) == 2
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows[0] == ["seq", "at", "actor", "action", "summary", "payload", "prev_mac", "mac"]
    assert rows[1][2] == "'=cmd|'/c calc'!A0"
    assert rows[1][4] == "screened '@evil': 0 hit(s)"
    assert orjson.loads(rows[1][5]) == {"hits": [], "query": {"name": "@evil"}}
    assert rows[2][4] == "alert 1 decide false_positive (X)"
    assert not any(c.startswith(("=", "+", "-", "@")) for row in rows for c in row)
    only2 = io.StringIO()
    assert export_csv(conn, only2, since_seq=2) == 1
    with pytest.raises(InvalidInput):
        export_csv(conn, io.StringIO(), since_seq=3, until_seq=1)

    js = io.StringIO()
    assert export_json(conn, js, key=KEY) == 2
    doc = orjson.loads(js.getvalue())
    assert doc["verification"]["ok"] is True and doc["verification"]["last_seq"] == 2
    assert [r["seq"] for r in doc["records"]] == [1, 2]
    assert doc["records"][1]["prev_mac"] == doc["records"][0]["mac"]
    empty = io.StringIO()
    conn.execute(text("DELETE FROM audit_log"))
    assert export_json(conn, empty) == 0
    assert orjson.loads(empty.getvalue()) == {"verification": None, "records": []}


def test_cli_verify_export_anchor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ts.db"
    monkeypatch.setenv("TRADESCREEN_DB", str(db))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    assert main(["audit", "verify"]) == 0
    assert "ok: 0 record(s)" in capsys.readouterr().out
    assert main(["audit", "anchor", "-o", str(tmp_path / "a.jsonl")]) == 10  # empty log

    from tradescreen.audit.chain import load_key

    key = load_key(tmp_path / "audit.key")
    engine = make_engine(f"sqlite:///{db}")
    metadata.create_all(engine, tables=[audit_log])
    with engine.begin() as conn:
        for i in range(3):
            record(conn, actor="ann", action="screening", payload={"i": i}, key=key)
    anchors = tmp_path / "a.jsonl"
    assert main(["audit", "anchor", "-o", str(anchors)]) == 0
    assert main(["audit", "verify", "--anchors", str(anchors)]) == 0
    assert "ok: 3 record(s) (1..3), 1 anchor(s) matched" in capsys.readouterr().out
    out_csv = tmp_path / "audit.csv"
    assert main(["audit", "export", "--format", "csv", "-o", str(out_csv)]) == 0
    assert len(out_csv.read_text().splitlines()) == 4
    out_json = tmp_path / "audit.json"
    assert main(["audit", "export", "--format", "json", "-o", str(out_json)]) == 0
    assert orjson.loads(out_json.read_bytes())["verification"]["ok"] is True
    assert main(["audit", "export", "--format", "xml"]) == 2
    assert main(["audit", "prune", "--days", "1"]) == 0
    assert "pruned 0 record(s)" in capsys.readouterr().out

    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET payload = :p WHERE seq = 2"), {"p": '{"i":7}'})
    assert main(["audit", "verify", "--json"]) == 10
    captured = capsys.readouterr()
    assert "record 2" in captured.err
    assert orjson.loads(captured.out)["first_bad_seq"] == 2
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET payload = :p WHERE seq = 2"), {"p": '{"i":1}'})
        conn.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    assert main(["audit", "verify"]) == 0  # a removed tail needs the anchors...
    assert main(["audit", "verify", "--anchors", str(anchors)]) == 10  # ...which catch it
    engine.dispose()
