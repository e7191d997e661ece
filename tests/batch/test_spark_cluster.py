"""The Spark engine on a real standalone cluster (master and worker on 127.0.0.1): the
``spark-submit`` commands of docs/batch.md, run word for word, give the local engine's output
row for row; the executors run the shipped zip (their environment has only another checkout)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tradescreen.batch.local import screen_file
from tradescreen.loading import load_files
from tradescreen.settings import Settings
from tradescreen.store.sql import open_store

from .fakes import DPL, require_data
from .spark_out import manifest, text_output, without_lines
from .test_local import AS_OF, BAD, real_rows, write_csv

pytestmark = pytest.mark.spark

DOC = Path(__file__).resolve().parents[2] / "docs" / "batch.md"


def documented_commands() -> list[str]:
    """The shell commands between the spark-submit markers of docs/batch.md."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- spark-submit:begin -->(.*?)<!-- spark-submit:end -->", text, re.S)
    assert block is not None, "docs/batch.md lost its spark-submit block"
    body = block.group(1).split("```console", 1)[1].split("```", 1)[0]
    commands: list[str] = []
    for line in body.replace("\\\n", " ").splitlines():
        if line.startswith("$ "):
            commands.append(line[2:].strip())
    return commands


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("db") / "lists.db"
    settings = Settings(db=str(path))
    store = open_store(settings)
    load_files(store, [require_data(DPL)], settings=settings)
    store.close()
    return str(path)


def test_spark_submit_as_documented_equals_local(
    tmp_path: Path, spark_cluster: Any, db: str
) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, real_rows(300) + BAD)
    local = tmp_path / "local.jsonl"
    rl = screen_file(src, local, settings=Settings(db=db), as_of=AS_OF, workers=1, progress=False)
    out = tmp_path / "out"
    venv_bin = str(Path(sys.executable).parent)
    env = {
        **spark_cluster.env,
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        # the driver's commands see this checkout (PKG is zipped from it); the worker does not
        "PYTHONPATH": os.pathsep.join(
            str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
        ),  # absolute: the commands run in tmp_path
        "MASTER": spark_cluster.url,
        "EXECUTOR_PYTHON": sys.executable,
        "INPUT": str(src),
        "OUTPUT": str(out),
        "DB": db,
    }
    commands = documented_commands()
    assert any(c.startswith("spark-submit") for c in commands)
    proc = subprocess.run(  # one script: PKG is set by its first line
        ["bash", "-c", "set -euo pipefail\n" + "\n".join(commands)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, f"{commands}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    results, rejects = text_output(out)
    assert results == local.read_bytes()
    assert without_lines(rejects) == without_lines(Path(rl.rejects).read_bytes())
    m = manifest(out)
    assert m["spark"]["master"] == spark_cluster.url and m["rows"] == rl.rows
    assert m["executor_cores"] == 2
    assert (tmp_path / "tradescreen.zip").exists()
