"""The index code fingerprint is read through importlib.resources: the same from a zip (or a
wheel, a zip too, as Spark's ``--py-files`` ships it) as from the source tree, and it follows the
archive's content, not files beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import tradescreen
from tradescreen.screening.index_cache import blob_key, code_fingerprint

PKG = Path(tradescreen.__file__).resolve().parent

PROBE = """
import sys
import tradescreen
from tradescreen.screening.index_cache import code_fingerprint
assert tradescreen.__file__.startswith(sys.argv[1]), tradescreen.__file__  # really the archive
print(code_fingerprint())
"""


def zip_package(dest: Path, *, touch: str | None = None) -> Path:
    """The package as a zip archive; ``touch``: a file (relative to the package) changed in it."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(PKG.rglob("*")):
            if not f.is_file() or "__pycache__" in f.parts:
                continue
            rel = f.relative_to(PKG).as_posix()
            data = f.read_bytes()
            if rel == touch:
                data += b"\n# changed\n"
            z.writestr(f"tradescreen/{rel}", data)
    return dest


def fingerprint_from(archive: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(archive)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(archive)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip()


def test_fingerprint_is_the_same_when_imported_from_a_zip(tmp_path: Path) -> None:
    assert fingerprint_from(zip_package(tmp_path / "tradescreen.zip")) == code_fingerprint()


def test_fingerprint_follows_the_archive_content(tmp_path: Path) -> None:
    for i, touched in enumerate(("index/build.py", "names/data/background_df.json")):
        changed = zip_package(tmp_path / f"changed{i}.zip", touch=touched)
        assert fingerprint_from(changed) != code_fingerprint(), touched


def test_blob_key_names_the_fingerprint() -> None:
    assert blob_key() == f"index/v1/{code_fingerprint()}"
    assert len(code_fingerprint()) == 16 and int(code_fingerprint(), 16) >= 0
