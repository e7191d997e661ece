"""Two real OFAC SDN versions (2021-07 and 2024-05-03, primary names) as Entities for the tests.

Uses ``tradescreen.sources`` when it reads the legacy SDN CSV; otherwise parses the primary file
here (12 columns, ``-0-`` = empty), which is all these tests need.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from tests.data_paths import DATA, require_data

from tradescreen.model import Entity, EntityKind, Listing, Name

SDN_2021 = DATA / "lists/us_ofac_sdn/2021-07/sdn.csv"
SDN_2024 = DATA / "lists/us_ofac_sdn/2024-05-03/sdn.csv"

_KIND = {
    "individual": EntityKind.PERSON,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
    "": EntityKind.ORGANIZATION,
}


def _v(x: str) -> str:
    x = x.strip()
    return "" if x == "-0-" else x


@lru_cache(maxsize=4)
def read_sdn(path: Path) -> tuple[Entity, ...]:
    text = require_data(path).read_bytes().replace(b"\x1a", b"").decode("latin-1")
    out = []
    for rec in csv.reader(text.splitlines()):
        if len(rec) < 12 or not rec[0].strip().isdigit():
            continue
        programs = tuple(p.strip("[] ") for p in _v(rec[3]).split("] [") if p.strip("[] "))
        out.append(
            Entity(
                id=f"us_ofac_sdn-{rec[0].strip()}",
                kind=_KIND.get(_v(rec[2]).lower(), EntityKind.UNKNOWN),
                names=(Name(_v(rec[1])),),
                listings=(
                    Listing(
                        "us_ofac_sdn",
                        "Specially Designated Nationals List",
                        programs=programs,
                        source_id=rec[0].strip(),
                    ),
                ),
                title=_v(rec[4]) or None,
                remarks=_v(rec[11]) or None,
            )
        )
    return tuple(out)
