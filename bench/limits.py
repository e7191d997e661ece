"""Hostile list files: peak RSS and time of reading each one, in a fresh process per case.

    PYTHONPATH=src .venv/bin/python bench/limits.py [--gib 1.5]

Cases (built in a temporary directory):

- ``gzip_bomb``: ``--gib`` GiB of zeros as a CSL-looking CSV, gzipped (about 1.5 MB for 1.5 GiB);
- ``zip_bomb``: the same bytes as the only member of a zip;
- ``xml_empty_elements``: a UN-looking XML file of 294 KB of ``<X/>`` elements beside one record.

Each case runs ``tradescreen.loading.read_all`` in a subprocess and prints the outcome (the first
line of the error, or the entity count), the wall time and the peak RSS (``ru_maxrss`` of the
child). Figures are recorded in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from tradescreen.errors import TradescreenError
from tradescreen.loading import read_all
t0 = time.perf_counter()
try:
    _, ents = read_all([Path(sys.argv[1])], None)
    outcome = f"read {len(ents)} entities"
except TradescreenError as exc:
    outcome = f"{type(exc).__name__}: {exc}"
except MemoryError:
    outcome = "MemoryError"
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome[:160], "seconds": round(dt, 2), "rss_mib": round(rss)}))
"""

CSL_HEADER = (
    b"_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
    b"start_date,end_date,standard_order,license_requirement,license_policy,call_sign,"
    b"vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
    b"source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,"
    b"source_information_url,ids\n"
)


def _zeros_gz(path: Path, size: int) -> None:
    block = b"\0" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(CSL_HEADER)
        for _ in range(size >> 20):
            out.write(block)


def build(tmp: Path, gib: float) -> dict[str, Path]:
    size = int(gib * (1 << 30))
    gz = tmp / "consolidated.csv.gz"
    _zeros_gz(gz, size)
    zp = tmp / "consolidated.zip"
    block = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(zp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("consolidated.csv", "w", force_zip64=True) as member,
    ):
        member.write(CSL_HEADER)
        for _ in range(size >> 20):
            member.write(block)
    xml = tmp / "un.xml"
    record = (
        b"<INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>JOHN</FIRST_NAME>"
        b"<SECOND_NAME>DOE</SECOND_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>"
        b"<REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER><LISTED_ON>2001-01-25</LISTED_ON>"
        b"</INDIVIDUAL></INDIVIDUALS>"
    )
    xml.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00Z">'
        + b"<X/>" * (294_000 // 4)
        + record
        + b"</CONSOLIDATED_LIST>\n"
    )
    return {"gzip_bomb": gz, "zip_bomb": zp, "xml_empty_elements": xml}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gib", type=float, default=1.5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        cases = build(Path(d), args.gib)
        for name, path in cases.items():
            proc = subprocess.run(
                [sys.executable, "-c", CHILD, str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            size = path.stat().st_size
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["?"])[-1]
                res = {"outcome": f"exit {proc.returncode}: {last[:120]}"}
            else:
                res = json.loads(proc.stdout.strip().splitlines()[-1])
            print(json.dumps({"case": name, "file_bytes": size, **res}))


if __name__ == "__main__":
    main()
