"""Atheris harness for one list reader: ``python fuzz/fuzz_reader.py TARGET [atheris args]``.

TARGET is a key of ``seeds.TARGETS`` (csl_csv, ofac_csv, un_xml, nsf_json, dpl_txt, ofac_xml,
ftm_json, eu_xml, uk_xml, os_journal). Each input is written to a file and read with that
reader, draining every entity. A finding is any exception other than ``SourceError`` (a reader
must reject bad input with file:line, never crash with KeyError, IndexError, RecursionError...).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seeds import TARGETS

with atheris.instrument_imports(include=["tradescreen"]):
    from tradescreen.errors import SourceError
    from tradescreen.sources import read_source

TARGET = os.environ.get("FUZZ_TARGET") or sys.argv.pop(1)
FORMAT, FILENAME = TARGETS[TARGET]
WORK = Path(
    tempfile.mkdtemp(
        prefix=f"fuzz-{TARGET}-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None
    )
)
PATH = WORK / FILENAME


def test_one(data: bytes) -> None:
    PATH.write_bytes(data)
    try:
        parsed = read_source(PATH, format=FORMAT)
        for _ in parsed.entities:
            pass
    except SourceError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()
