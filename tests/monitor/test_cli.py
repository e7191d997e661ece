"""The monitoring and batch commands, run as a user would, on real DPL files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.data_paths import DATA, require_data

from tradescreen.cli import main

from .test_webhooks import SECRET, Receiver

pytestmark = pytest.mark.realdata
DPL_2023 = DATA / "lists/us_bis_dpl/dpl_2023-11.txt"
DPL_2026 = DATA / "lists/us_bis_dpl/bis_dpl_2026-04-14.json"


def test_load_import_monitor_delta_and_webhook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ts.db"
    monkeypatch.setenv("TRADESCREEN_DB", str(db))
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("TRADESCREEN_MAX_SHRINK", "0.5")
    assert main(["load", str(require_data(DPL_2023))]) == 0
    reg = tmp_path / "cps.csv"
    with open(reg, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country"])
        w.writerow(["C1", "Dahua Electronics Corporation", "US"])
        w.writerow(["C2", "Patricia Lucas Wheeler", "ET"])
        w.writerow(["C3", "ADT Analog and Digital Technik", "DE"])
    assert main(["counterparties", "import", str(reg)]) == 0
    assert main(["counterparties", "import", str(reg), "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{") :])["unchanged"] == 3
    rec = Receiver(fail_first=1)
    try:
        assert main(["webhooks", "add", rec.url]) == 0
        assert main(["monitor", "run", "--as-of", "2026-05-01", "--json"]) == 0
        first = json.loads(capsys.readouterr().out.split("\n", 1)[1])
        assert first["kind"] == "full" and first["counterparties"] == 3
        assert main(["load", str(require_data(DPL_2026))]) == 0
        capsys.readouterr()
        assert main(["monitor", "run", "--as-of", "2026-05-01", "--json"]) == 0
        second = json.loads(capsys.readouterr().out)
        assert second["kind"] == "delta" and second["diffs"]
        assert rec.received and all(rec.verified)
        body = json.loads(rec.received[0][0])
        assert body["event"] == "alerts.opened"
        # Dahua's denial ended 2025-11-19: not in force on 2026-05-01; ADT still is
        assert {a["counterparty_key"] for a in body["data"]["alerts"]} == {"C3"}
    finally:
        rec.close()
    assert main(["counterparties", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 3
    # batch over the same database
    src = tmp_path / "in.csv"
    src.write_text(
        "name,country,ref\nAdt Analog & Digital Technik,DE,r1\nX,US,r2\nJane Q Customer,GB,r3\n"
    )
    assert (
        main(
            [
                "batch",
                str(src),
                "-o",
                str(tmp_path / "o.csv"),
                "--workers",
                "1",
                "--as-of",
                "2026-05-01",
                "--json",
            ]
        )
        == 0
    )
    rep = json.loads(capsys.readouterr().out)
    assert (rep["screened"], rep["rejected"]) == (2, 1)
    with open(tmp_path / "o.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["ref"] for r in rows] == ["r1", "r3"]
    assert int(rows[0]["screen_hit_count"]) >= 1 and rows[0]["screen_top_lists"]
