"""The CI part of fuzzing: every atheris harness (``fuzz/run.sh``) for two seconds.

Seeds are cut from the real lists at run time; a harness that raises anything but
``SourceError`` on some input leaves a ``crash-*`` file and ``run.sh`` exits 1. The long runs
and their figures are in docs/reliability.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TARGETS = [
    "csl_csv",
    "ofac_csv",
    "un_xml",
    "nsf_json",
    "dpl_txt",
    "ofac_xml",
    "ftm_json",
    "eu_xml",
    "uk_xml",
    "os_journal",
    "names",
]

pytestmark = [pytest.mark.slow, pytest.mark.realdata]


def test_every_fuzz_target_runs_and_finds_nothing(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    res = subprocess.run(
        ["bash", str(REPO / "fuzz" / "run.sh"), "2"],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHON": sys.executable, "FUZZ_OUT": str(tmp_path)},
    )
    found = dict(re.findall(r"^(\w+): rc=\d+ execs=(\d+) findings=0$", res.stdout, re.M))
    assert res.returncode == 0, res.stdout + res.stderr
    assert sorted(found) == sorted(TARGETS), res.stdout
    assert all(int(n) > 0 for n in found.values()), res.stdout
