"""trade.gov Consolidated Screening List, CSV download (29 columns, ``;`` between values).

One row = one entry of one list; the ``source`` column says which (see ``lists.CSL_SOURCES``),
and ``Listing.list_name`` keeps that text exactly. A stray repeat of the header row (seen in
partial copies) is skipped with a warning. Row → Entity mapping (shared with ``csl_json``):

- ``type`` Individual/Entity/Vessel/Aircraft → kind; no type: Entity List, Unverified List and MEU
  rows are organisations, except Entity List address-only entries (``Address 01``...) → ADDRESS;
  other lists without a type (DPL, ITAR) mix people and firms → UNKNOWN;
- ``alt_names`` → AKA names; ``federal_register_notice`` → citations; ``start_date`` or else the
  earliest citation date (``start_date_source="citation"``); ``ids`` items ``[country, ]
  [dates, ]value, type`` → identifiers (sanction notes such as "Gender" are kept out);
- id: ``<code>:<entity_number>`` for OFAC rows (the ent_num, stable); otherwise a hash of list
  code + name + country (``ids.py``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from tradescreen.countries import country_of_address, to_iso2
from tradescreen.errors import SourceError
from tradescreen.model import (
    Address,
    Entity,
    EntityKind,
    Identifier,
    Listing,
    Name,
    NameKind,
    VesselInfo,
)
from tradescreen.sources import _io
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.citations import earliest_date, parse_citations
from tradescreen.sources.dates import parse_date, parse_partial
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import csl_list_code

FORMAT = "csl_csv"
COLUMNS = (  # noqa: SIM905
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
    "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,"
    "gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,"
    "alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids"
).split(",")
REQUIRED = ("_id", "source", "name")

_KINDS = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
}
_ORG_LISTS = {"us_bis_el", "us_bis_uvl", "us_bis_meu"}
_ADDRESS_NAME = re.compile(r"^address\s*\d*\s*$", re.I)
# `ids` item types that are sanction notes, dates or contact data rather than identifiers.
_NOT_ID = re.compile(
    r"gender|sanction|executive order|date|website|email|phone|target type|organization type"
    r"|issuer name|aircraft (model|operator|manufacturer'?s? name)|former vessel flag"
    r"|caatsa|transactions prohibited|nationality of registration|vessel type|vessel flag",
    re.I,
)


def sniff(head: bytes, name: str) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"_id,source,")


# ---------------------------------------------------------------------------
# Row → Entity (rows from CSV are strings; rows from the JSON API may hold lists and dicts)


def multi(value: Any) -> list[Any]:
    """Values of a multi-valued field: a ``;``-joined string or a JSON array."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    return _io.split_multi(str(value))


def text(value: Any) -> str | None:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    return _io.clean(str(value)) if value is not None else None


def parse_id_item(item: str) -> Identifier | None:
    """``"CN, 91330000733796106P, Unified Social Credit Code (USCC)"`` → Identifier."""
    parts = [p.strip() for p in item.split(",")]
    if len(parts) < 2 or not parts[-1] or not parts[-2]:
        return None
    kind, value = parts[-1], parts[-2]
    if _NOT_ID.search(kind):
        return None
    country = to_iso2(parts[0]) if len(parts) >= 3 and len(parts[0]) == 2 else None
    return Identifier(kind=kind, value=value, country=country)


def _identifier(value: Any) -> Identifier | None:
    if isinstance(value, Mapping):  # JSON API: {type, number, country, ...}
        kind, number = text(value.get("type")), text(value.get("number"))
        if not kind or not number or _NOT_ID.search(kind):
            return None
        return Identifier(kind=kind, value=number, country=to_iso2(text(value.get("country"))))
    return parse_id_item(str(value))


def _address(value: Any) -> Address | None:
    if isinstance(value, Mapping):  # JSON API: {address, city, state, postal_code, country}
        addr = Address(
            street=text(value.get("address")),
            city=text(value.get("city")),
            region=text(value.get("state")),
            postal_code=text(value.get("postal_code")),
            country=to_iso2(text(value.get("country"))),
        )
        return addr if addr.text() else None
    full = _io.clean(str(value))
    return Address(full=full, country=country_of_address(full)) if full else None


def _kind(row: Mapping[str, Any], code: str, name: str) -> EntityKind:
    typ = (text(row.get("type")) or "").lower()
    if typ in _KINDS:
        return _KINDS[typ]
    if code == "us_bis_el" and _ADDRESS_NAME.match(name):
        return EntityKind.ADDRESS
    return EntityKind.ORGANIZATION if code in _ORG_LISTS else EntityKind.UNKNOWN


def row_to_entity(row: Mapping[str, Any], ids: IdAllocator) -> Entity:
    source = text(row.get("source")) or ""
    code = csl_list_code(source)
    if code is None:
        raise ValueError(f"unknown source {source!r}")
    name = text(row.get("name"))
    if not name:
        raise ValueError("empty name")
    kind = _kind(row, code, name)
    names = [Name(name)] + [Name(str(a).strip(), NameKind.AKA) for a in multi(row.get("alt_names"))]
    addresses = _io.dedupe(a for a in map(_address, multi(row.get("addresses"))) if a)
    if kind is EntityKind.ADDRESS and not addresses:
        raise ValueError("address-only entry without an address")
    citations = parse_citations(text(row.get("federal_register_notice")))
    start, start_src = parse_date(text(row.get("start_date"))), "source"
    if start is None:
        start, start_src = earliest_date(citations), "citation"
    identifiers = [i for i in map(_identifier, multi(row.get("ids"))) if i]
    if call_sign := text(row.get("call_sign")):
        identifiers.append(Identifier("Call Sign", call_sign))
    nationalities = _io.dedupe(
        c
        for c in map(to_iso2, multi(row.get("nationalities")) + multi(row.get("citizenships")))
        if c
    )
    flag = to_iso2(text(row.get("vessel_flag")))
    countries = _io.dedupe(
        [a.country for a in addresses if a.country] + list(nationalities) + ([flag] if flag else [])
    )
    ent_num = text(row.get("entity_number"))
    if ent_num and code.startswith("us_ofac_"):
        eid = ids.own(f"{code}:{ent_num}")
    else:
        extra = "; ".join(a.text() for a in addresses)
        eid = ids.allocate(code, name, countries[0] if countries else None, extra)
    list_url, info_url = text(row.get("source_list_url")), text(row.get("source_information_url"))
    listing = Listing(
        list_code=code,
        list_name=source,
        programs=tuple(multi(row.get("programs"))),
        citations=citations,
        start_date=start,
        end_date=parse_date(text(row.get("end_date"))),
        start_date_source=start_src if start else None,
        license_requirement=text(row.get("license_requirement")),
        license_policy=text(row.get("license_policy")),
        remarks=text(row.get("remarks")),
        source_url=list_url or info_url,
        source_id=text(row.get("_id")) or text(row.get("id")),
        standard_order=text(row.get("standard_order")),
        information_url=info_url if list_url and info_url != list_url else None,
    )
    vessel = VesselInfo(
        type=text(row.get("vessel_type")),
        tonnage=text(row.get("gross_tonnage")),
        gross_registered_tonnage=text(row.get("gross_registered_tonnage")),
        flag=text(row.get("vessel_flag")),
        owner=text(row.get("vessel_owner")),
    )
    return Entity(
        id=eid,
        kind=kind,
        names=_io.dedupe(n for n in names if n.value),
        listings=(listing,),
        addresses=addresses,
        identifiers=_io.dedupe(identifiers),
        birth_dates=_io.dedupe(
            d for d in map(parse_partial, multi(row.get("dates_of_birth"))) if d
        ),
        birth_places=tuple(multi(row.get("places_of_birth"))),
        nationalities=nationalities,
        countries=countries,
        title=text(row.get("title")),
        remarks=text(row.get("remarks")),
        vessel=vessel or None,
    )


# ---------------------------------------------------------------------------
# CSV


def _rows(
    parsed: ParsedSource, blob: _io.Blob
) -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
    content = _io.decode_rows(blob)
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError("empty file", path=blob.path, line=1) from None
    except csv.Error as exc:
        raise SourceError(f"broken CSV header ({exc})", path=blob.path, line=1) from exc
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceError(
            f"not a CSL header: missing column(s) {', '.join(missing)}", path=blob.path, line=1
        )
    ids = IdAllocator()
    for line, record in _io.csv_records(reader, header, parsed, blob.path, truncated_tail_ok=True):
        yield line, partial(row_to_entity, record, ids)


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    parsed.entities = _io.guarded(parsed, blob.path, _rows(parsed, blob))
    return parsed
