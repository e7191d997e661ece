"""The real-data rule, end to end (``tests/data_paths.py``, ``tests/conftest.py``): a pytest run
on real test files with ``TRADESCREEN_TEST_DATA`` pointing at an empty place skips the real-data
tests with one summary line, and fails them when ``CI`` is set; the ``realdata`` marker is put on
the tests that read the data and only on those."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each case runs pytest in a child process

REPO = Path(__file__).resolve().parents[2]
# Three tests that load real DPL files in their bodies (no data fixture, no explicit marker).
SWAP = "tests/unit/test_screener_swap.py"
# every test of SWAP reads the real lists
N = sum(1 for line in (REPO / SWAP).read_text().splitlines() if line.startswith("def test_"))
# Mixed: tests on the real CSL files (through a helper) and tests on the repository's fixtures.
CSL = "tests/sources/test_csl.py"


def pytest_run(*args: str, data: Path, ci: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CI"))}
    env.update({"TRADESCREEN_TEST_DATA": str(data), "CI": ci})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_missing_data_skips_with_one_summary_line(tmp_path: Path) -> None:
    proc = pytest_run("-q", SWAP, data=tmp_path / "nowhere")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert re.search(rf"\b{N} skipped\b", proc.stdout), proc.stdout[-3000:]
    lines = [ln for ln in proc.stdout.splitlines() if "real-data tests skipped" in ln]
    assert lines == [
        f"{N} real-data tests skipped: no folder at {tmp_path / 'nowhere'} "
        "(set TRADESCREEN_TEST_DATA to the data folder; CI=true makes this a failure)"
    ], proc.stdout[-3000:]


def test_missing_data_fails_in_ci(tmp_path: Path) -> None:
    proc = pytest_run("-q", SWAP, data=tmp_path / "nowhere", ci="true")
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert re.search(rf"\b{N} errors\b", proc.stdout), proc.stdout[-3000:]  # at setup
    assert "CI requires the real data" in proc.stdout
    assert "real-data tests skipped" not in proc.stdout


def test_a_missing_file_in_a_present_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    proc = pytest_run("-q", "-rs", SWAP, data=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "dpl_2023-11.txt is missing from" in proc.stdout, proc.stdout[-3000:]
    assert f"{N} real-data tests skipped: files missing from {tmp_path}" in proc.stdout


def test_realdata_marker_is_applied_where_the_data_is_read(tmp_path: Path) -> None:
    proc = pytest_run("-q", "--collect-only", "-m", "realdata", SWAP, CSL, data=tmp_path)
    marked = set(re.findall(r"::(\w+)", proc.stdout))
    assert {
        "test_background_swap_keeps_answering_on_the_old_set_then_switches",
        "test_csl_2022_dpl_start_from_source_and_citations",  # through entities(rel)
        "test_partial_2023_skips_repeated_header_and_rejects_cut_last_row",  # through real(rel)
    } <= marked, proc.stdout
    assert "test_ids_item_parsing" not in marked  # a pure parser test runs without the data
    unmarked = pytest_run("-q", "-m", "not realdata", CSL, data=tmp_path / "nowhere")
    assert unmarked.returncode == 0 and " passed" in unmarked.stdout, unmarked.stdout[-3000:]
    assert "skipped" not in unmarked.stdout


# The rule's own files; every other test finds the folder through tests/data_paths.py.
RULE_FILES = {
    "tests/data_paths.py",
    "tests/conftest.py",
    "tests/unit/test_data_paths.py",
    "tests/unit/test_data_sources.py",
}
OWN_LOOKUP = re.compile(r"""["']shared["']|shared/data|\.\./shared|TRADESCREEN_TEST_DATA""")


def test_no_test_looks_for_the_data_folder_itself() -> None:
    """A test with its own ``../shared/data`` (or ``TRADESCREEN_TEST_DATA``) lookup would fail
    with FileNotFoundError on a plain clone, or skip in CI: use ``require_data`` instead."""
    offenders = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "tests").rglob("*.py"))
        if str(path.relative_to(REPO)) not in RULE_FILES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OWN_LOOKUP.search(line)
    ]
    assert not offenders, offenders
