"""OFAC Enhanced XML (``sanctionsData``; SDN_ENHANCED / CONS_ENHANCED, usually zipped).

Streams ``entity`` elements with lxml ``iterparse``. ``publicationInfo/dataAsOf`` → ``data_date``.
Each entity's ``sanctionsLists`` → one Listing per list it is on (``lists.OFAC_XML_LISTS``; the
umbrella "Consolidated List" is dropped when a specific list is present), with ``datePublished``
as the start date (``start_date_source="source"``). Names: primary / A.K.A. / F.K.A. / N.K.A.,
``isLowQuality`` → WEAK_AKA, non-Latin translations → NATIVE. ``identityDocuments`` and the
identifier-like ``features`` (ISIN, SWIFT/BIC, IMO...) → identifiers; Birthdate / Place of Birth /
Nationality features → person fields. Id: ``<list code>:<entity id>`` (OFAC's ent_num).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from lxml import etree

from tradescreen.countries import to_iso2
from tradescreen.errors import SourceError
from tradescreen.model import Address, Entity, EntityKind, Identifier, Listing, Name, NameKind
from tradescreen.sources import _io
from tradescreen.sources._xml import XmlStream, local
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.dates import parse_date, parse_datetime_date, parse_partial
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import OFAC_XML_LISTS, list_name

FORMAT = "ofac_xml"
URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ENHANCED.ZIP"
_KINDS = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
}
_ALIAS = {"a.k.a.": NameKind.AKA, "f.k.a.": NameKind.FKA, "n.k.a.": NameKind.AKA}
_ID_FEATURES = {
    "ISIN",
    "SWIFT/BIC",
    "Equity Ticker",
    "BIK (RU)",
    "Vessel Registration Identification",
    "MMSI",
    "IMO",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Tail Number",
    "Call Sign",
}


def sniff(head: bytes, name: str) -> bool:
    return b"<sanctionsData" in head


def _c(el: etree._Element, name: str) -> list[etree._Element]:
    """Children (any depth) with local name ``name``."""
    return [e for e in el.iter() if local(e.tag) == name]


def _t(el: etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return " ".join(el.text.split()) or None


def _first(el: etree._Element, name: str) -> str | None:
    for child in _c(el, name):
        return _t(child)
    return None


def _names(el: etree._Element) -> list[Name]:
    out = []
    for n in _c(el, "name"):
        primary = _first(n, "isPrimary") == "true"
        alias = (_first(n, "aliasType") or "").lower()
        kind = NameKind.PRIMARY if primary else _ALIAS.get(alias, NameKind.AKA)
        if not primary and _first(n, "isLowQuality") == "true":
            kind = NameKind.WEAK_AKA
        for tr in _c(n, "translation"):
            full = _first(tr, "formattedFullName")
            if not full:
                continue
            script = _first(tr, "script") or "Latin"
            tr_primary = _first(tr, "isPrimary") == "true"
            nk = kind if (script == "Latin" and tr_primary) else NameKind.NATIVE
            if kind is not NameKind.PRIMARY and script == "Latin":
                nk = kind
            out.append(Name(full, nk))
    out.sort(key=lambda n: n.kind is not NameKind.PRIMARY)
    return out


def _addresses(el: etree._Element) -> list[Address]:
    out = []
    for a in _c(el, "address"):
        country = to_iso2(_first(a, "country"))
        parts: dict[str, list[str]] = {}
        for part in _c(a, "addressPart"):
            typ, val = _first(part, "type"), _first(part, "value")
            if typ and val:
                parts.setdefault(typ, []).append(val)
        street = ", ".join(
            parts.get("ADDRESS1", []) + parts.get("ADDRESS2", []) + parts.get("ADDRESS3", [])
        )
        addr = Address(
            street=street or None,
            city=", ".join(parts.get("CITY", [])) or None,
            region=", ".join(parts.get("STATE/PROVINCE", [])) or None,
            postal_code=", ".join(parts.get("POSTAL CODE", [])) or None,
            country=country,
        )
        if addr.text():
            out.append(addr)
    return out


def _entity(el: etree._Element, ids: IdAllocator) -> Entity:
    ent_id = el.get("id")
    if not ent_id:
        raise ValueError("entity without id")
    names = _names(el)
    if not names:
        raise ValueError("entity without a name")
    kind = _KINDS.get((_first(el, "entityType") or "").lower(), EntityKind.UNKNOWN)
    programs = tuple(t for t in (_t(p) for p in _c(el, "sanctionsProgram")) if t)
    remarks = _first(el, "remarks")
    listings = []
    for sl in _c(el, "sanctionsList"):
        label = _t(sl) or ""
        code = OFAC_XML_LISTS.get(label)
        if code is None:
            continue
        start = parse_date(sl.get("datePublished"))
        listings.append(
            Listing(
                list_code=code,
                list_name=list_name(code),
                programs=programs,
                start_date=start,
                start_date_source="source" if start else None,
                remarks=remarks,
                source_url=URL,
                source_id=ent_id,
            )
        )
    if not listings:
        listings.append(
            Listing(
                "us_ofac_cons",
                list_name("us_ofac_cons"),
                programs,
                remarks=remarks,
                source_url=URL,
                source_id=ent_id,
            )
        )
    idents, births, places, nats = [], [], [], []
    for doc in _c(el, "identityDocument"):
        number = _first(doc, "documentNumber")
        if number:
            country = to_iso2(_first(doc, "issuingCountry"))
            idents.append(Identifier(_first(doc, "type") or "Document", number, country))
    for f in _c(el, "feature"):
        typ, val = _first(f, "type"), _first(f, "value")
        if not typ or not val:
            continue
        if typ == "Birthdate":
            d = parse_partial(val) or parse_partial(_first(f, "fromDateBegin"))
            if d:
                births.append(d)
        elif typ == "Place of Birth":
            places.append(val)
        elif typ in ("Nationality Country", "Citizenship Country", "Nationality of Registration"):
            if code := to_iso2(val):
                nats.append(code)
        elif typ in _ID_FEATURES:
            idents.append(Identifier(typ, val))
    addresses = _addresses(el)
    return Entity(
        id=ids.own(f"{listings[0].list_code}:{ent_id}"),
        kind=kind,
        names=_io.dedupe(names),
        listings=tuple(listings),
        addresses=_io.dedupe(addresses),
        identifiers=_io.dedupe(idents),
        birth_dates=_io.dedupe(births),
        birth_places=_io.dedupe(places),
        nationalities=_io.dedupe(nats),
        countries=_io.dedupe([*(a.country for a in addresses if a.country), *nats]),
        remarks=remarks,
    )


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    stream = XmlStream(blob, {"entity", "publicationInfo"})
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    records = stream.records()
    # publicationInfo comes first in the file: read it now so data_date is set before iteration.
    first = next(records, None)
    if first is None or local(first[1].tag) != "publicationInfo":
        raise SourceError("no publicationInfo before the entities", path=blob.path)
    parsed.data_date = parse_datetime_date(_first(first[1], "dataAsOf"))
    ids = IdAllocator()

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for line, el in records:
            if local(el.tag) == "entity":
                yield line, _io.prebuild(partial(_entity, el, ids))

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed
