"""The README's command-line examples, run as a user would, against a temporary database.

    tradescreen load <CSL 2022 csv.gz>          # trade.gov Consolidated Screening List
    tradescreen load <Entity List 2026 json>     # eCFR Entity List
    tradescreen screen "Hangzhou Hikvision Digital Technology Co., Ltd." --json
    tradescreen load examples/lists/us_csl_sample.csv    # the Quick start, on the sample
    tradescreen screen "Hikvision" --country CN --json   # and --fail-on-hit
    tradescreen batch examples/counterparties.csv -o out.jsonl

``TRADESCREEN_DB`` points every command at the temporary database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.data_paths import LISTS, require_data

REPO = Path(__file__).resolve().parents[2]
CSL_2022 = LISTS / "us_csl" / "consolidated_2022-04.csv.gz"
EL_2026 = LISTS / "us_bis_entity_list" / "bis_entity_list_ecfr_2026-07.json"
SAMPLE = REPO / "examples" / "lists" / "us_csl_sample.csv"
HIKVISION = "Hangzhou Hikvision Digital Technology Co., Ltd."


def tradescreen(*args: str, db: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRADESCREEN_DB": str(db), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tradescreen", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _help(db: Path) -> str:
    proc = tradescreen("--help", db=db)
    assert proc.returncode == 0, f"`tradescreen --help` fails:\n{proc.stderr[-3000:]}"
    return proc.stdout


def _need(name: str, db: Path) -> None:
    """Skip while another engineer's command is not written; fail if the CLI itself is broken."""
    if not any(line.strip(" │|").startswith(f"{name} ") for line in _help(db).splitlines()):
        pytest.skip(f"`tradescreen {name}` is not available yet")


def _hits_on(payload: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [h for h in payload["hits"] if any(x["list"] == code for x in h["listings"])]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for path in (CSL_2022, EL_2026):
        require_data(path)  # skipped without the data folder; a failure in CI
    db = tmp_path_factory.mktemp("readme") / "tradescreen.db"
    _need("load", db)
    _need("screen", db)  # no point loading 17,000 entries for nothing
    for path in (CSL_2022, EL_2026):
        proc = tradescreen("load", str(path), db=db)
        assert proc.returncode == 0, f"load {path.name}:\n{proc.stdout[-2000:]}\n{proc.stderr}"
    return db


@pytest.mark.realdata
@pytest.mark.slow
def test_load_then_screen_hikvision_cites_its_federal_register_notice(real_db: Path) -> None:
    _need("screen", real_db)
    proc = tradescreen("screen", HIKVISION, "--json", db=real_db)
    assert proc.returncode in (0, 1), proc.stderr  # 1 may mean "hits found"
    payload = json.loads(proc.stdout)
    assert payload["query"]["name"] == HIKVISION
    el_hits = _hits_on(payload, "us_bis_el")
    assert el_hits, f"no Entity List hit: {[h['name'] for h in payload['hits']]}"
    top = el_hits[0]
    assert "hikvision" in top["name"].lower()
    cites = {c.split(" (")[0] for x in top["listings"] for c in x["federal_register"]}
    assert cites & {"84 FR 54002", "84 FR 54004"}, cites
    listing = next(x for x in top["listings"] if x["list"] == "us_bis_el")
    assert listing["license_requirement"].startswith("For all items subject to the EAR")
    # both sources were loaded and are named in the answer
    assert {v["list"] for v in payload["list_versions"]} >= {"us_bis_el", "us_ofac_sdn"}
    # `tradescreen lists` shows what was loaded (one test, so the real lists load only once)
    if any(line.strip(" │|").startswith("lists ") for line in _help(real_db).splitlines()):
        proc = tradescreen("lists", db=real_db)
        assert proc.returncode == 0, proc.stderr
        assert "us_bis_el" in proc.stdout and "us_ofac_sdn" in proc.stdout


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    _need("load", db)
    proc = tradescreen("load", str(SAMPLE), db=db)
    assert proc.returncode == 0, f"{proc.stdout[-2000:]}\n{proc.stderr}"
    return db


def test_load_the_bundled_sample_and_screen(sample_db: Path) -> None:
    """The Quick start: load the sample list, screen one name, get JSON with a citation."""
    _need("screen", sample_db)
    proc = tradescreen("screen", "Hikvision", "--country", "CN", "--json", db=sample_db)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    top = _hits_on(payload, "us_bis_el")[0]
    assert top["name"] == HIKVISION
    assert top["matched_name"] == "Hikvision"
    assert any("84 FR 54002" in c for x in top["listings"] for c in x["federal_register"])
    proc = tradescreen("screen", "Siemens AG", "--fail-on-hit", db=sample_db)
    assert proc.returncode == 0, proc.stdout  # no hit: exit 0 even with --fail-on-hit
    proc = tradescreen("screen", HIKVISION, "--fail-on-hit", "--json", db=sample_db)
    assert proc.returncode == 1  # a hit fails the step, for CI pipelines


def test_batch_over_the_counterparties_agrees_with_the_demo(
    sample_db: Path, tmp_path: Path
) -> None:
    """`tradescreen batch examples/counterparties.csv` and the demo use the same library; the
    verdicts must be the same, row for row, in input order."""
    _need("batch", sample_db)
    out = tmp_path / "batch.jsonl"
    counterparties = REPO / "examples" / "counterparties.csv"
    proc = tradescreen("batch", str(counterparties), "-o", str(out), "--workers", "1", db=sample_db)
    assert proc.returncode in (0, 1), f"{proc.stdout[-2000:]}\n{proc.stderr}"
    batch = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    demo_out = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "tradescreen.demo", "--out", str(demo_out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    demo_lines = (demo_out / "demo" / "report.jsonl").read_text(encoding="utf-8").splitlines()
    demo = [json.loads(line) for line in demo_lines]
    assert [b["input"]["id"] for b in batch] == [d["input"]["id"] for d in demo]
    assert [b["row"] for b in batch] == list(range(1, len(demo) + 1))
    diff = [
        (d["input"]["id"], [h["name"] for h in b["hits"][:1]], [h["name"] for h in d["hits"][:1]])
        for b, d in zip(batch, demo, strict=True)
        if [h["entity_id"] for h in b["hits"]] != [h["entity_id"] for h in d["hits"]]
    ]
    assert not diff, diff
