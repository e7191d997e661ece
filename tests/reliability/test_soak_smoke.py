"""The CI part of the load and soak test: ``bench/soak.py --quick`` for a few seconds.

A real ``tradescreen serve`` on 127.0.0.1 answers screening requests from two threads while a
new BIS DPL version is loaded underneath; the script checks that every answer cites exactly the
old or exactly the new set of list versions, that answers switch to the new one, and that there
were no errors (see docs/reliability.md for the long run's figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.realdata]


def test_soak_quick_switches_atomically_without_errors() -> None:
    res = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "soak.py"),
            "--quick",
            "--seconds",
            "12",
            "--threads",
            "2",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.stdout.strip(), res.stderr[-2000:]
    out = json.loads(res.stdout)
    assert out["checks"] == dict.fromkeys(out["checks"], True), out
    assert res.returncode == 0
    assert out["errors"] == 0 and out["requests"] > 20
    assert out["answers_old_set"] > 0 and out["answers_new_set"] > 0
    assert out["distinct_version_sets"] == 2
