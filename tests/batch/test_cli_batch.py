"""``tradescreen batch`` end to end on a store holding the real BIS Denied Persons List.

Regressions: an unterminated quote at line 12 of a 1,003-line file left 10 rows screened, exit 0,
audited as complete (issue 12 item 9); a --name-column the file lacks rejected every row; an
empty store answered "no hit" for every row, exit 0 (item 12); CSV output had no BOM and only
the top hit (issue 15 item 6); every JSONL row repeated the list versions (issue 13 item 4); a
completed job was screened again when re-run.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.audit_records import audited
from tests.data_paths import LISTS, require_data

from tradescreen.batch.io import HIT_CSV_COLUMNS, RESULT_CSV_COLUMNS, Checkpoint
from tradescreen.cli import main as cli_main

DPL = LISTS / "us_bis_dpl" / "dpl_2023-11.txt"
LISTED = "ABDIEL PADRON MADRID"  # on the 2023 DPL


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "batch.db"
    monkeypatch.setenv("TRADESCREEN_DB", str(path))
    assert cli_main(["load", str(require_data(DPL))]) == 0
    return path


def _names_file(path: Path, n: int, *, quote_at: int | None = None) -> Path:
    """``n`` data rows (line 2 onwards); the listed name every 50th row."""
    lines = ["id,name,country\n"]
    for i in range(1, n + 1):
        name = LISTED if i % 50 == 0 else f"Northwind Trading {i} Ltd"
        lines.append(f"{i},{name},US\n")
    if quote_at is not None:
        lines[quote_at - 1] = f'{quote_at - 1},"Acme Trading,US\n'  # line quote_at
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_unterminated_quote_rejects_one_line_and_the_run_goes_on(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _names_file(tmp_path / "in.csv", 1002, quote_at=12)  # 1,003 lines
    out = tmp_path / "out.jsonl"
    capsys.readouterr()
    assert cli_main(["batch", str(src), "-o", str(out), "--workers", "1"]) == 0
    shown = capsys.readouterr().out
    assert "1002 rows: 1001 screened" in shown and "1 rejected" in shown
    assert "rejected line 12: unterminated quote" in shown
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1001 and rows[-1]["input"]["id"] == "1002"
    with open(f"{out}.rejects.csv", newline="", encoding="utf-8") as fh:
        [rej] = list(csv.DictReader(fh))
    assert (rej["row"], rej["line"]) == ("11", "12") and "unterminated quote" in rej["reason"]
    assert json.loads(rej["record"]) == {"_raw": '11,"Acme Trading,US\n'}  # the line as read
    [rec] = audited(db, "screening_file")
    assert rec["complete"] is True and rec["stopped"] is None
    assert (rec["rows"], rec["screened"], rec["rejected"]) == (1002, 1001, 1)


def test_unknown_columns_are_one_up_front_error(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _names_file(tmp_path / "in.csv", 5)
    out = tmp_path / "out.jsonl"
    for option in (["--name-column", "company"], ["--country-column", "iso2"]):
        capsys.readouterr()
        assert cli_main(["batch", str(src), "-o", str(out), *option]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"error: {option[0]} {option[1]!r} is not")
        assert "'id', 'name', 'country'" in err[0]
    assert not out.exists() and not audited(db, "screening_file")
    # the default country column is optional: a file without one is screened without countries
    bare = tmp_path / "bare.csv"
    bare.write_text(f"name\n{LISTED}\n", encoding="utf-8")
    assert cli_main(["batch", str(bare), "-o", str(out), "--workers", "1"]) == 0


def test_utf16_without_bom_stops_saying_where(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(f"id,name\n1,{LISTED}\n".encode("utf-16-le"))
    capsys.readouterr()
    assert cli_main(["batch", str(src), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "line 1: the file looks like UTF-16" in capsys.readouterr().err
    # with its byte-order mark it is read
    src.write_bytes(f"id,name\n1,{LISTED}\n".encode("utf-16"))
    out = tmp_path / "o.jsonl"
    assert cli_main(["batch", str(src), "-o", str(out), "--workers", "1"]) == 0
    [row] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert row["hits"] and row["hits"][0]["name"] == LISTED


def test_unreadable_file_stops_saying_where_and_is_audited_incomplete(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _names_file(tmp_path / "in.csv", 5000)
    src = tmp_path / "in.csv.gz"
    src.write_bytes(gzip.compress(plain.read_bytes())[:-3000])  # truncated download
    out = tmp_path / "out.jsonl"
    capsys.readouterr()
    rc = cli_main(["batch", str(src), "-o", str(out), "--workers", "1", "--chunk-size", "100"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1, err
    assert re.match(r"error: .*in\.csv\.gz: line \d+: cannot read the file further", err[0])
    [rec] = audited(db, "screening_file")
    assert rec["complete"] is False and "cannot read the file further" in rec["stopped"]
    kept = out.read_text(encoding="utf-8").splitlines()
    assert rec["rows"] == len(kept) > 0  # what was read before is screened and checkpointed


def test_empty_store_is_no_lists_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "empty.db"))
    src = _names_file(tmp_path / "in.csv", 3)
    out = tmp_path / "out.jsonl"
    capsys.readouterr()
    assert cli_main(["batch", str(src), "-o", str(out), "--workers", "1"]) == 7
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: screening refused: no list loaded (run `tradescreen load FILE` or "
        "`tradescreen update`)"
    ]
    assert not out.exists()


def test_csv_output_bom_and_one_row_per_hit(db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        f'id,name,country\n1,{LISTED},\n2,Nobody Special,US\n3,=HYPERLINK("x"),US\n',
        encoding="utf-8",
    )
    per_input, per_hit, plain = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    assert cli_main(["batch", str(src), "-o", str(per_input), "--workers", "1"]) == 0
    assert (
        cli_main(["batch", str(src), "-o", str(per_hit), "--csv-rows", "hit", "--workers", "1"])
        == 0
    )
    assert cli_main(["batch", str(src), "-o", str(plain), "--no-bom", "--workers", "1"]) == 0
    assert per_input.read_bytes().startswith(b"\xef\xbb\xbfid,name,country,screen_row,")
    assert plain.read_bytes().startswith(b"id,name,country,screen_row,")
    assert per_input.read_bytes()[3:] == plain.read_bytes()

    with open(per_input, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == ("id", "name", "country", *RESULT_CSV_COLUMNS)
        got = list(reader)
    top = got[0]
    assert top["screen_top_name"] == LISTED and top["screen_top_lists"] == "us_bis_dpl"
    assert float(top["screen_top_score"]) >= 0.99
    assert " FR " in top["screen_top_federal_register"]  # the DPL's Federal Register notice
    assert len(top["screen_top_start_date"]) == 10  # YYYY-MM-DD
    assert top["screen_top_explanation"] and top["screen_top_list_names"]
    assert got[1]["screen_hit_count"] == "0" and got[1]["screen_top_score"] == ""
    assert got[2]["name"].startswith("'=")  # no live formula (csvsafe)

    with open(per_hit, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == ("id", "name", "country", *HIT_CSV_COLUMNS)
        hits = list(reader)
    first = [h for h in hits if h["id"] == "1"]
    assert len(first) == int(first[0]["screen_hit_count"]) >= 1
    assert [h["screen_hit_rank"] for h in first] == [str(i) for i in range(1, len(first) + 1)]
    assert first[0]["screen_name"] == LISTED and " FR " in first[0]["screen_federal_register"]
    assert [h["screen_hit_rank"] for h in hits if h["id"] == "2"] == ["0"]  # kept, no hit


def test_manifest_once_instead_of_versions_on_every_row(db: Path, tmp_path: Path) -> None:
    src = _names_file(tmp_path / "in.csv", 100)
    out = tmp_path / "out.jsonl"
    assert cli_main(["batch", str(src), "-o", str(out), "--workers", "1"]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 100
    for row in rows:
        assert set(row) == {"row", "input", "query", "warnings", "hits"}
    manifest = json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))
    [rec] = audited(db, "screening_file")
    assert manifest["list_versions"] == rec["list_versions"] and manifest["list_versions"]
    assert manifest["complete"] is True and manifest["counts"]["screened"] == 100
    assert manifest["as_of"] == rec["as_of"] and manifest["name_column"] == "name"
    assert set(manifest["code_fingerprint"]) == {"package", "index"}
    assert "db" not in json.dumps(manifest["settings"]).lower()  # no database URL or secret
    assert rec["manifest_sha256"] is not None
    hit_versions = {h["listings"][0]["list"] for r in rows for h in r["hits"]}
    assert hit_versions == {v["list"] for v in manifest["list_versions"]}


def test_rerun_of_a_completed_job_says_so(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _names_file(tmp_path / "in.csv", 60)
    out = tmp_path / "out.csv"
    assert cli_main(["batch", str(src), "-o", str(out), "--workers", "1"]) == 0
    before = out.read_bytes(), out.stat().st_mtime_ns
    capsys.readouterr()
    assert cli_main(["batch", str(src), "-o", str(out), "--workers", "1"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("already complete: 60 rows, 60 screened") and "--restart" in shown
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before
    assert len(audited(db, "screening_file")) == 1  # nothing was screened again
    assert cli_main(["batch", str(src), "-o", str(out), "--workers", "1", "--restart"]) == 0
    assert len(audited(db, "screening_file")) == 2


def test_sigint_saves_the_checkpoint_and_says_how_to_resume(db: Path, tmp_path: Path) -> None:
    src = _names_file(tmp_path / "in.csv", 20_000)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "tradescreen", "batch", str(src), "-o", str(out)]
    cmd += ["--workers", "2", "--chunk-size", "100"]
    env = {**os.environ, "TRADESCREEN_DB": str(db)}
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    ck_path = Checkpoint.path_for(out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        ck = Checkpoint.load(ck_path)
        if ck is not None and ck.rows_done >= 200:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    ck = Checkpoint.load(ck_path)
    assert ck is not None and not ck.complete, err
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    [line] = [x for x in err.splitlines() if x.startswith("error:")]
    assert f"interrupted after row {ck.rows_done:,}" in line
    assert "run the same command again to resume" in line
    [rec] = audited(db, "screening_file")
    assert rec["complete"] is False and rec["stopped"] == "interrupted"
    assert rec["rows"] == ck.rows_done
    res = subprocess.run([*cmd, "--json"], env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["resumed_from"] == ck.rows_done and report["rows"] == 20_000
    rows = [json.loads(x)["row"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert rows == list(range(1, 20_001))
