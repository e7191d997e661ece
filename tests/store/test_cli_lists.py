"""``tradescreen load / lists / versions / update`` through ``tradescreen.cli.main``."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from httpserver import Behaviour, serve
from store_factories import ent, version

from tradescreen.cli import main
from tradescreen.store.sql import SqlStore


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ts.db'}"


@pytest.fixture
def el_json(shared_data: Path) -> Path:
    return shared_data / "lists/us_bis_entity_list/bis_entity_list_ecfr_2026-07.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_load_lists_versions_and_bad_file(
    capsys: pytest.CaptureFixture[str], db: str, el_json: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "load", str(el_json), "--db", db)
    assert code == 0, err
    assert "us_bis_el" in out and "3409" in out and "new version, active" in out

    code, out, _ = run(capsys, "lists", "--db", db, "--json")
    assert code == 0
    data = json.loads(out)
    [row] = data["lists"]
    assert row["list"] == "us_bis_el" and row["records"] == 3409 and row["status"] == "active"
    assert row["data_date"] == "2026-07-09"
    # age and staleness count from the data's own date (the file says 2026-07-09), not the load
    since = datetime(2026, 7, 9, tzinfo=UTC)
    age = (datetime.now(UTC) - since).total_seconds() / 86400
    assert abs(row["age_days"] - age) < 0.1
    assert row["stale"] is (age > 7)
    assert data["quarantined"] == []

    code, out, _ = run(capsys, "lists", "--db", db)
    assert code == 0 and "Lists in force" in out and "us_bis_el" in out
    assert ("STALE" in out) is (age > 7)

    # a broken file: exit 3, one-line message naming the file, the version in force stays
    bad = tmp_path / "entity_list.json"
    bad.write_text(el_json.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    code, out, err = run(capsys, "load", str(bad), "--db", db)
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(bad) in lines[0]
    code, out, _ = run(capsys, "versions", "us_bis_el", "--db", db, "--json")
    assert code == 0 and [(v["id"], v["status"]) for v in json.loads(out)] == [(1, "active")]

    # the same file again: unchanged, no new version
    code, out, _ = run(capsys, "load", str(el_json), "--db", db, "--json")
    assert code == 0 and [r["unchanged"] for r in json.loads(out)] == [["us_bis_el"]]

    code, out, _ = run(capsys, "versions", "us_bis_el", "--db", db)
    assert code == 0 and "Versions of us_bis_el" in out


def test_unknown_list_and_missing_file_exit_codes(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "versions", "us_nope", "--db", db)
    assert code == 6 and "no versions of list 'us_nope'" in err
    code, _, err = run(capsys, "load", str(tmp_path / "missing.csv"), "--db", db)
    assert code == 3 and "file not found" in err


def test_lists_flags_stale_and_quarantined(capsys: pytest.CaptureFixture[str], db: str) -> None:
    store = SqlStore.from_url(db)
    store.create_schema()
    old = datetime.now(UTC) - timedelta(days=30)
    store.add_versions([version([ent("a", "A"), ent("b", "B")], retrieved_at=old)])
    store.quarantine(version([ent("a", "A")], sha="2" * 64), "shrink")
    store.close()
    code, out, _ = run(capsys, "lists", "--db", db, "--json")
    data = json.loads(out)
    assert code == 0 and data["lists"][0]["stale"] is True and data["lists"][0]["age_days"] > 29
    assert [q["records"] for q in data["quarantined"]] == [1]
    code, out, _ = run(capsys, "lists", "--db", db)
    assert "STALE" in out and "quarantined: us_bis_el version 2" in out
    code, out, _ = run(capsys, "versions", "us_bis_el", "--db", db, "--json")
    assert [v["quarantine_reason"] for v in json.loads(out)] == ["shrink", None]


def test_lists_empty(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "lists", "--db", db)
    assert code == 0 and "no lists loaded" in out


def test_update_from_local_server(
    capsys: pytest.CaptureFixture[str], db: str, shared_data: Path, tmp_path: Path
) -> None:
    xml = gzip.decompress(
        (shared_data / "lists/un_sc/UN_consolidated_2026-02-27.xml.gz").read_bytes()
    )
    with serve(Behaviour(files={"consolidated.xml": xml})) as base:
        code, out, err = run(capsys, "update", "--list", "un_sc", "--base-url", base, "--db", db)
        assert code == 0, err
        assert "un_sc" in out and "1003" in out
        code, out, _ = run(
            capsys, "update", "--list", "un_sc", "--base-url", base, "--db", db, "--json"
        )
        assert code == 0
        [feed] = json.loads(out)
        assert feed["load"] is None and feed["files"][0]["status"] == "not_modified"
    assert (tmp_path / "downloads" / "un_sc" / "consolidated.xml").read_bytes() == xml


def test_update_with_expected_sha256(
    capsys: pytest.CaptureFixture[str], db: str, shared_data: Path
) -> None:
    """A pinned digest that does not match refuses the download (exit 4), loads nothing, and
    keeps what was in force; the right digest loads; a malformed option is an input error."""
    xml = gzip.decompress(
        (shared_data / "lists/un_sc/UN_consolidated_2026-02-27.xml.gz").read_bytes()
    )
    good = hashlib.sha256(xml).hexdigest()
    with serve(Behaviour(files={"consolidated.xml": xml})) as base:
        args = ("update", "--list", "un_sc", "--base-url", base, "--db", db)
        code, _, err = run(capsys, *args, "--sha256", f"consolidated.xml={'0' * 64}")
        assert code == 4 and "SHA-256" in err
        code, out, _ = run(capsys, "lists", "--db", db, "--json")
        assert "un_sc" not in out
        code, _, err = run(capsys, *args, "--sha256", "consolidated.xml=abc")
        assert code == 2 and "--sha256 wants FILE=HEX" in err
        code, out, err = run(capsys, *args, "--sha256", f"consolidated.xml={good}")
        assert code == 0 and "1003" in out, err
