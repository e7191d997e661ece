"""Tiny list files of three publications that share two lists (issue 15 item 4): a trade.gov CSL
CSV (Entity List + SDN), an NSF/eCFR Entity List JSON, and an OFAC SDN CSV set. Each source has
something the other lacks: the CSL's Entity List carries the licence review policy and an alias
("Acme Optics") the eCFR's lacks; the eCFR's has more entries and another alias ("Acme Photonics
Group"); OFAC's SDN set has fewer entries than the CSL's SDN part, plus an alias ("BLUE SEA
LINES") of its own."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tradescreen.sources.csl import COLUMNS

EL = "Entity List (EL) - Bureau of Industry and Security"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"
ACME = "Acme Photonics Co., Ltd."
ACME_ADDRESS = "No. 1 Optics Valley Road, Wuhan, Hubei, CN"
BLUE = "BLUE SEA SHIPPING LLC"
POLICY = "Presumption of denial"


def _csl_row(**cells: str) -> list[str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(cells)
    return [row[c] for c in COLUMNS]


def write_csl(path: Path, *, el_fillers: int = 9, extra_el: tuple[str, ...] = ()) -> Path:
    """The CSL: Acme (+ ``el_fillers`` other Entity List rows, + ``extra_el``) and ten SDN
    rows, the first Blue Sea Shipping (ent_num 101)."""
    rows = [
        _csl_row(
            _id="csl-acme",
            source=EL,
            name=ACME,
            alt_names="Acme Optics",
            addresses=ACME_ADDRESS,
            federal_register_notice="84 FR 22963, 5/21/19",
            start_date="2019-05-16",
            license_requirement="For all items subject to the EAR.",
            license_policy=POLICY,
        )
    ]
    fillers = [f"Filler Trading Co {i}" for i in range(el_fillers)] + list(extra_el)
    for i, name in enumerate(fillers):
        rows.append(
            _csl_row(
                _id=f"csl-el-{i}",
                source=EL,
                name=name,
                addresses=f"{i} Harbour Road, Shenzhen, CN",
                start_date="2020-08-20",
                license_policy=POLICY,
            )
        )
    for n in range(10):
        rows.append(
            _csl_row(
                _id=f"csl-sdn-{n}",
                source=SDN,
                entity_number=str(101 + n),
                type="Entity",
                programs="IRAN",
                name=BLUE if n == 0 else f"SANCTIONED FRONT {n} LLC",
                alt_names="BSS LINES" if n == 0 else "",
                addresses="Port Rashid, Dubai, AE",
                start_date="2018-11-05",
            )
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_ecfr(path: Path, *, fillers: int = 19) -> Path:
    """The eCFR Entity List (NSF JSON): Acme with another alias and no review policy, plus
    ``fillers`` entries the 2022 CSL does not have."""
    ents = [
        {
            "name": ACME,
            "aliases": ["Acme Photonics Group"],
            "country": "China",
            "address": "No. 1 Optics Valley Road, Wuhan, Hubei, China",
            "status": None,
            "effective_date": None,
            "federal_register": "84 FR 22963, 5/21/19",
            "notes": "For all items subject to the EAR.",
        }
    ] + [
        {
            "name": f"Newer Listed Entity {i}",
            "aliases": [],
            "country": "Russia",
            "address": f"{i} Tverskaya Street, Moscow, Russia",
            "status": None,
            "effective_date": None,
            "federal_register": "89 FR 12345, 2/20/24",
            "notes": "For all items subject to the EAR.",
        }
        for i in range(fillers)
    ]
    doc = {"list_id": "bis-entity-list", "extracted": "2026-07-09", "count": len(ents)}
    path.write_text(json.dumps({**doc, "entities": ents}), encoding="utf-8")
    return path


def write_ofac_sdn(folder: Path) -> Path:
    """OFAC's own SDN set (sdn.csv, add.csv, alt.csv): eight entries, Blue Sea Shipping (101)
    with an alias the CSL does not carry."""
    folder.mkdir(parents=True, exist_ok=True)
    sdn = [
        f'{101 + n},"{BLUE if n == 0 else f"SANCTIONED FRONT {n} LLC"}",-0- ,"IRAN",-0- ,-0- ,'
        "-0- ,-0- ,-0- ,-0- ,-0- ,-0- "
        for n in range(8)
    ]
    add = [
        f'{101 + n},{200 + n},"Port Rashid","Dubai","United Arab Emirates",-0- ' for n in range(8)
    ]
    alt = ['101,300,"aka","BLUE SEA LINES",-0- ']
    for name, lines in (("sdn.csv", sdn), ("add.csv", add), ("alt.csv", alt)):
        (folder / name).write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")
    return folder
