"""The NSF Restricted Entities Guide JSON (lists parsed from eCFR / agency files by a third party).

``{list_id, source_file, extracted, count, entities: [{name, aliases[], country, address, status,
effective_date, federal_register, notes}]}``. ``list_id`` → list code (``lists.NSF_LISTS``) and the
official name from the NSF ``lists.json`` metadata where given (else ``lists.LIST_NAMES``).

Quirks handled: several citations in one field (newlines, ``and``, ``;``); ``effective_date`` is
null on the eCFR lists → start date is the earliest FR citation date (``start_date_source =
"citation"``); on the Entity List and MEU ``notes`` is the License Requirement column, and the
License Review Policy column is missing (``license_policy=None``); Entity List entries named
``Address NN`` are address-only entries → ``EntityKind.ADDRESS``. CBP WRO ``status: Revoked``
entries are kept, with the status in ``remarks``. Ids: ``ids.IdAllocator`` hash of list code +
primary name + country (no source id exists). ``extracted`` → ``data_date``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from tradescreen.countries import country_of_address, to_iso2
from tradescreen.errors import SourceError
from tradescreen.model import Address, Entity, EntityKind, Listing, Name, NameKind
from tradescreen.sources import _io
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.citations import earliest_date, parse_citations
from tradescreen.sources.csl_json import load_json
from tradescreen.sources.dates import parse_date
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import NSF_LISTS, list_name

FORMAT = "nsf_json"
# Lists whose `notes` column is the EAR License Requirement.
_LICENSE_NOTES = {"us_bis_el", "us_bis_meu"}
_ADDRESS_NAME = re.compile(r"^address\s*\d+\s*$", re.I)
_PERSON_LISTS = {"us_state_dtc", "us_state_dtc_admin", "us_bis_dpl"}
_ORG_LISTS = {
    "us_bis_el",
    "us_bis_meu",
    "us_ofac_nscmic",
    "us_ofac_eo14032",
    "us_dod_1260h",
    "us_dod_1286",
    "us_fcc_covered",
    "us_dhs_uflpa",
    "us_cbp_wro",
}


def sniff(head: bytes, name: str) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return h.startswith(b"{") and b'"list_id"' in head and b'"entities"' in head


def _str(value: Any) -> str | None:
    return _io.clean(str(value)) if value not in (None, "") else None


def _addresses(text: str | None, fallback: str | None) -> tuple[Address, ...]:
    """eCFR addresses are joined by ``; and``; each keeps its own country where it names one."""
    if not text:
        return ()
    parts = [p for p in re.split(r";\s*(?:and\s+)?|\s+and\s+(?=\d)", text) if p.strip(" .")]
    out = []
    for part in parts:
        full = _io.clean(part.strip().rstrip("."))
        if full:
            out.append(Address(full=full, country=country_of_address(full) or fallback))
    return _io.dedupe(out)


def _entity(rec: dict[str, Any], code: str, name_of_list: str, ids: IdAllocator) -> Entity:
    name = _str(rec.get("name"))
    if not name:
        raise ValueError("empty name")
    country = to_iso2(_str(rec.get("country")))
    addresses = _addresses(_str(rec.get("address")), country)
    kind = EntityKind.UNKNOWN
    if code == "us_bis_el" and _ADDRESS_NAME.match(name):
        kind = EntityKind.ADDRESS
        if not addresses:
            raise ValueError("address-only entry without an address")
    elif code in _ORG_LISTS:
        kind = EntityKind.ORGANIZATION
    aliases = rec.get("aliases") or []
    if not isinstance(aliases, list):
        raise TypeError("aliases is not a list")
    names = [Name(name)] + [Name(a, NameKind.AKA) for a in (_str(x) for x in aliases) if a]
    fr_text = _str(rec.get("federal_register"))
    citations = parse_citations(rec.get("federal_register") or None)
    notes = _str(rec.get("notes"))
    status = _str(rec.get("status"))
    start = parse_date(_str(rec.get("effective_date")))
    start_src = "source"
    if start is None:
        start, start_src = earliest_date(citations), "citation"
    remarks = [r for r in (notes if code not in _LICENSE_NOTES else None, status) if r]
    if fr_text and not citations:
        remarks.append(f"Federal Register: {fr_text}")
    countries = _io.dedupe([c for c in [country, *(a.country for a in addresses)] if c])
    listing = Listing(
        list_code=code,
        list_name=name_of_list,
        citations=citations,
        start_date=start,
        start_date_source=start_src if start else None,
        license_requirement=notes if code in _LICENSE_NOTES else None,
        license_policy=None,  # not in this source (see module docstring)
        remarks="; ".join(remarks) or None,
    )
    extra = "; ".join(a.text() for a in addresses) or ";".join(n.value for n in names[1:])
    return Entity(
        id=ids.allocate(code, name, country, extra),
        kind=kind,
        names=_io.dedupe(names),
        listings=(listing,),
        addresses=addresses,
        countries=countries,
        remarks="; ".join(remarks) or None,
    )


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    doc = load_json(blob)
    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
        raise SourceError('not an NSF list document: no "entities" array', path=blob.path)
    list_id = str(doc.get("list_id") or "")
    code = NSF_LISTS.get(list_id)
    if code is None:
        raise SourceError(f"unknown list_id {list_id!r}", path=blob.path)
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    parsed.data_date = parse_date(_str(doc.get("extracted")))
    count = doc.get("count")
    if isinstance(count, int) and count != len(doc["entities"]):
        parsed.warnings.append(
            f"{blob.path}: count says {count}, file holds {len(doc['entities'])} entities"
        )
    ids = IdAllocator()
    name_of_list = list_name(code)

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for i, rec in enumerate(doc["entities"]):
            if not isinstance(rec, dict):
                parsed.rejected.append(f"{blob.path}: entities[{i}] is not an object")
                continue
            yield None, partial(_entity, rec, code, name_of_list, ids)

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed
