"""``tradescreen export`` (and ``GET /v1/export``) through the real store: the versions in force,
a stored version by id, ``--known-at``, ``--as-of``, ``--list``, ``--format json``; the FtM
export loads back (``tradescreen load``) into the same entities and exports the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from followthemoney import registry

from tradescreen.cli import main
from tradescreen.store.sql import SqlStore


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def loaded(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = f"sqlite:///{tmp_path / 'ts.db'}"
    for rel in ("un_sc/UN_consolidated_2026-02-27.xml.gz", "us_bis_dpl/bis_dpl_2026-04-14.json"):
        code, _, err = run(capsys, "load", str(shared_data / "lists" / rel), "--db", db)
        assert code == 0, err
    return db


def _lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


def test_export_import_export_through_the_store(
    loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lists.ftm.json"
    code, text, err = run(capsys, "export", "-o", str(out), "--db", loaded)
    assert code == 0, err
    assert (
        text.startswith("exported 1567 entities (") and "un_sc v" in text and "us_bis_dpl" in text
    )
    records = _lines(out)
    assert all(registry.entity.validate(str(r["id"])) for r in records)
    assert {r["schema"] for r in records} >= {"Person", "Organization", "Sanction", "Address"}
    # the export loads as a list file and exports the same bytes again
    db2 = f"sqlite:///{tmp_path / 'again.db'}"
    code, _, err = run(capsys, "load", str(out), "--db", db2)
    assert code == 0, err
    again = tmp_path / "again.ftm.json"
    code, _, err = run(capsys, "export", "-o", str(again), "--db", db2)
    assert code == 0, err
    assert again.read_bytes() == out.read_bytes()
    a, b = SqlStore.from_url(loaded), SqlStore.from_url(db2)
    try:
        ids = [e.id for v in a.active_versions() for e in a.iter_entities([v.id])]
        assert sorted(ids) == sorted(
            e.id for v in b.active_versions() for e in b.iter_entities([v.id])
        )
    finally:
        a.close()
        b.close()


def test_export_options(loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = SqlStore.from_url(loaded)
    try:
        un = next(v for v in store.active_versions() if v.list_code == "un_sc")
        first_load = min(v.retrieved_at for v in store.versions())
    finally:
        store.close()
    one = tmp_path / "un.json"
    code, text, err = run(capsys, "export", "-o", str(one), "--version", str(un.id), "--format",
                          "json", "--db", loaded, "--json")  # fmt: skip
    assert code == 0, err
    report = json.loads(text)
    assert report["entities"] == 1003 == report["lines"] and report["format"] == "json"
    assert report["versions"] == [{"id": un.id, "list": "un_sc"}]
    assert {tuple(x["list_code"] for x in r["listings"]) for r in _lines(one)} == {("un_sc",)}
    # --list, --known-at (only the first load was known then), --as-of (listings in force)
    code, text, _ = run(capsys, "export", "-o", str(one), "--list", "us_bis_dpl", "--db", loaded,
                        "--json")  # fmt: skip
    assert code == 0 and json.loads(text)["entities"] == 564
    code, text, _ = run(capsys, "export", "-o", str(one), "--known-at", first_load.isoformat(),
                        "--db", loaded, "--json")  # fmt: skip
    assert code == 0 and [v["list"] for v in json.loads(text)["versions"]] == ["un_sc"]
    code, text, _ = run(capsys, "export", "-o", str(one), "--list", "us_bis_dpl", "--as-of",
                        "1990-01-01", "--db", loaded, "--json")  # fmt: skip
    assert code == 0 and json.loads(text)["entities"] < 564


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["--format", "xml"], 2, "format: 'xml' is not one of ftm, json"),
        (["--version", "999"], 6, "list version 999 not found"),
        (["--list", "nope"], 2, "list: no version of nope to export"),
        (["--as-of", "yesterday"], 2, "--as-of: 'yesterday' is not a YYYY-MM-DD date"),
        (["--version", "1", "--known-at", "2026-01-01"], 2, "not both"),
    ],
)
def test_export_refusals_leave_no_file(
    loaded: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    exit_code: int,
    message: str,
) -> None:
    out = tmp_path / "x.ftm.json"
    code, _, err = run(capsys, "export", "-o", str(out), *args, "--db", loaded)
    assert code == exit_code and message in err and err.count("\n") == 1
    assert not out.exists() and not list(tmp_path.glob(".x.ftm.json.*"))
