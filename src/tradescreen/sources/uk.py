"""UK Sanctions List (FCDO), XML ``UK_Sanctions_List.xml``.

``<Designations><DateGenerated>dd/mm/yyyy</DateGenerated><Designation>`` with ``UniqueID``
(e.g. ``RUS0251``), ``DateDesignated`` (dd/mm/yyyy), ``Names/Name`` (``Name1``..``Name6``,
``NameType`` = Primary Name / Primary Name Variation / Alias), ``NonLatinNames/NonLatinName``
(``NameNonLatinScript``), ``RegimeName``, ``IndividualEntityShip`` (Individual / Entity / Ship),
``SanctionsImposed`` (``|``-separated), ``OtherInformation``, ``UKStatementofReasons``,
``Addresses/Address`` (``AddressLine1``-``6``, ``AddressPostalCode``, ``AddressCountry``),
``IndividualDetails/Individual`` (``DOBs/DOB`` as dd/mm/yyyy with ``dd``/``mm`` for unknown
parts, ``Nationalities``, ``BirthDetails/Location``, ``Positions``) and ``ShipDetails/Ship``
(``IMONumbers/IMONumber``). Id ``uk_sanctions:<UniqueID>``; ``DateDesignated`` → start date;
sanctions imposed → ``license_requirement`` (what is prohibited); reasons → remarks.

The CSV edition of the list carries the same fields flattened; it is not read (the XML is the
complete publication). No real copy was at hand: ``tests/sources/fixtures/uk_sanctions.xml`` is
written in the published shape (element names as in the FCDO schema).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import partial
from pathlib import Path

from lxml import etree

from tradescreen.countries import to_iso2
from tradescreen.model import Address, Entity, EntityKind, Identifier, Listing, Name, NameKind
from tradescreen.sources import _io
from tradescreen.sources._xml import XmlStream, kid_text, kids, local, text
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import list_name

FORMAT = "uk_xml"
URL = "https://www.gov.uk/government/publications/the-uk-sanctions-list"
_KINDS = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "ship": EntityKind.VESSEL,
}
_NAME_TYPES = {
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.AKA,
    "alias": NameKind.AKA,
}
_DMY = re.compile(r"^(dd|\d{1,2})/(mm|\d{1,2})/(\d{4})")


def sniff(head: bytes, name: str) -> bool:
    return b"<Designations" in head


def uk_date(value: str | None) -> str | None:
    """``07/10/1952`` → ``1952-10-07``; ``dd/mm/1950`` → ``1950``; ``dd/03/1950`` → ``1950-03``."""
    if not value:
        return None
    m = _DMY.match(value.strip())
    if not m:
        return None
    day, month, year = m.groups()
    if month == "mm" or not month.isdigit():
        return year
    if day == "dd" or not day.isdigit():
        return f"{year}-{int(month):02d}"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _full_date(value: str | None) -> date | None:
    d = uk_date(value)
    return date.fromisoformat(d) if d and len(d) == 10 else None


def _all(el: etree._Element, *path: str) -> list[etree._Element]:
    nodes = [el]
    for name in path:
        nodes = [k for n in nodes for k in kids(n, name)]
    return nodes


def _entity(el: etree._Element, ids: IdAllocator) -> Entity:
    uid = kid_text(el, "UniqueID")
    if not uid:
        raise ValueError("Designation without UniqueID")
    names: list[Name] = []
    for n in _all(el, "Names", "Name"):
        parts = [kid_text(n, f"Name{i}") for i in range(1, 7)]
        full = " ".join(p for p in parts if p)
        if full:
            kind = _NAME_TYPES.get((kid_text(n, "NameType") or "alias").lower(), NameKind.AKA)
            names.append(Name(full, kind))
    for n in _all(el, "NonLatinNames", "NonLatinName"):
        if value := kid_text(n, "NameNonLatinScript"):
            names.append(Name(value, NameKind.NATIVE))
    if not any(n.kind is NameKind.PRIMARY for n in names):
        if not names:
            raise ValueError(f"{uid}: no name")
        names[0] = Name(names[0].value, NameKind.PRIMARY)
    names.sort(key=lambda n: n.kind is not NameKind.PRIMARY)
    addresses = []
    for a in _all(el, "Addresses", "Address"):
        lines = [kid_text(a, f"AddressLine{i}") for i in range(1, 7)]
        addr = Address(
            street=", ".join(x for x in lines[:4] if x) or None,
            region=lines[4],
            city=lines[5],
            postal_code=kid_text(a, "AddressPostalCode"),
            country=to_iso2(kid_text(a, "AddressCountry")),
        )
        if addr.text():
            addresses.append(addr)
    ind = _all(el, "IndividualDetails", "Individual")
    births = [d for i in ind for d in (uk_date(text(x)) for x in _all(i, "DOBs", "DOB")) if d]
    nats = [
        c
        for i in ind
        for c in (to_iso2(text(x)) for x in _all(i, "Nationalities", "Nationality"))
        if c
    ]
    places = []
    for i in ind:
        for loc in _all(i, "BirthDetails", "Location"):
            place = ", ".join(
                p for p in (kid_text(loc, "TownOfBirth"), kid_text(loc, "CountryOfBirth")) if p
            )
            if place:
                places.append(place)
    positions = [t for i in ind for t in (text(x) for x in _all(i, "Positions", "Position")) if t]
    idents = [
        Identifier("IMO", t)
        for s in _all(el, "ShipDetails", "Ship")
        for t in (text(x) for x in _all(s, "IMONumbers", "IMONumber"))
        if t
    ]
    for i in ind:
        for p in _all(i, "PassportDetails", "PassportDetail"):
            if num := kid_text(p, "PassportNumber"):
                idents.append(Identifier("Passport", num))
    start = _full_date(kid_text(el, "DateDesignated"))
    regime = kid_text(el, "RegimeName")
    imposed = kid_text(el, "SanctionsImposed")
    reasons = kid_text(el, "UKStatementofReasons")
    other = kid_text(el, "OtherInformation")
    listing = Listing(
        list_code="uk_sanctions",
        list_name=list_name("uk_sanctions"),
        programs=(regime,) if regime else (),
        start_date=start,
        start_date_source="source" if start else None,
        license_requirement="; ".join(s.strip() for s in imposed.split("|")) if imposed else None,
        remarks=reasons,
        source_url=URL,
        source_id=uid,
    )
    entity_kind = _KINDS.get(
        (kid_text(el, "IndividualEntityShip") or "").lower(), EntityKind.UNKNOWN
    )
    return Entity(
        id=ids.own(f"uk_sanctions:{uid}"),
        kind=entity_kind,
        names=_io.dedupe(names),
        listings=(listing,),
        addresses=_io.dedupe(addresses),
        identifiers=_io.dedupe(idents),
        birth_dates=_io.dedupe(births),
        birth_places=_io.dedupe(places),
        nationalities=_io.dedupe(nats),
        countries=_io.dedupe([*nats, *(a.country for a in addresses if a.country)]),
        title="; ".join(positions) or None,
        remarks=other,
    )


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    stream = XmlStream(blob, {"Designation", "DateGenerated"})
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    records = stream.records()
    first = next(records, None)
    pending = []
    if first is not None and local(first[1].tag) == "DateGenerated":
        parsed.data_date = _full_date(text(first[1]))
    elif first is not None:
        parsed.warnings.append(f"{blob.path}: no DateGenerated before the designations")
        pending.append(first)
    ids = IdAllocator()

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for line, el in itertools.chain(pending, records):
            if local(el.tag) == "Designation":
                yield line, _io.prebuild(partial(_entity, el, ids))

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed
