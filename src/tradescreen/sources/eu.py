"""EU Consolidated Financial Sanctions List (FSF), XML export format 1.1.

``<export xmlns="http://eu.europa.eu/fpi/fsd/export" generationDate=...>`` with one
``<sanctionEntity logicalId= euReferenceNumber= unitedNationId=>`` per listed party holding
``regulation``, ``subjectType code="person|enterprise"``, ``nameAlias wholeName= strong=
nameLanguage=``, ``citizenship countryIso2Code=``, ``birthdate birthdate= year= city=
countryIso2Code=``, ``address``, ``identification``. Mapping: the first ``nameAlias`` is the
primary name, ``strong="false"`` → WEAK_AKA, a name in a non-Latin script → NATIVE; the earliest
regulation's ``entryIntoForceDate`` (else ``publicationDate``) → start date; ``programme`` →
programs; its OJ ``numberTitle`` and ``publicationUrl`` → remarks and source url; id
``eu_fsf:<logicalId>``; ``generationDate`` → ``data_date``. No real copy was at hand: the test
fixture ``tests/sources/fixtures/eu_fsf.xml`` is written in the published shape.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from lxml import etree

from tradescreen.countries import to_iso2
from tradescreen.model import Address, Entity, EntityKind, Identifier, Listing, Name, NameKind
from tradescreen.sources import _io
from tradescreen.sources._xml import XmlStream, kid_text, kids
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.dates import parse_date, parse_datetime_date
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import list_name

FORMAT = "eu_xml"
URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
_KINDS = {
    "person": EntityKind.PERSON,
    "enterprise": EntityKind.ORGANIZATION,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
}


def sniff(head: bytes, name: str) -> bool:
    return b"http://eu.europa.eu/fpi/fsd/export" in head


def is_latin(text: str) -> bool:
    """True when every letter is Latin script (unicodedata names start with LATIN)."""
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def _a(el: etree._Element, attr: str) -> str | None:
    return _io.clean(el.get(attr))


def _entity(el: etree._Element, ids: IdAllocator) -> Entity:
    logical = _a(el, "logicalId")
    if not logical:
        raise ValueError("sanctionEntity without logicalId")
    names: list[Name] = []
    title = None
    for na in kids(el, "nameAlias"):
        whole = _a(na, "wholeName") or " ".join(
            p for p in (_a(na, "firstName"), _a(na, "middleName"), _a(na, "lastName")) if p
        )
        if not whole:
            continue
        lang = (_a(na, "nameLanguage") or "").lower() or None
        if not names:
            kind = NameKind.PRIMARY
        elif not is_latin(whole):
            kind = NameKind.NATIVE
        elif _a(na, "strong") == "false":
            kind = NameKind.WEAK_AKA
        else:
            kind = NameKind.AKA
        names.append(Name(whole, kind, lang))
        title = title or _a(na, "function")
    if not names:
        raise ValueError("no nameAlias with a name")
    subject = kids(el, "subjectType")
    entity_kind = _KINDS.get((subject[0].get("code") or "") if subject else "", EntityKind.UNKNOWN)
    regs = sorted(
        kids(el, "regulation"),
        key=lambda r: r.get("publicationDate") or r.get("entryIntoForceDate") or "9999",
    )
    start = None
    if regs:
        start = parse_date(regs[0].get("entryIntoForceDate")) or parse_date(
            regs[0].get("publicationDate")
        )
    programs = _io.dedupe(p for p in (_a(r, "programme") for r in regs) if p)
    remarks = kid_text(el, "remark")
    listing = Listing(
        list_code="eu_fsf",
        list_name=list_name("eu_fsf"),
        programs=programs,
        start_date=start,
        published_date=parse_date(regs[0].get("publicationDate")) if regs else None,
        start_date_source="source" if start else None,
        remarks="; ".join(t for t in (_a(r, "numberTitle") for r in regs) if t) or None,
        source_url=(kid_text(regs[0], "publicationUrl") if regs else None) or URL,
        source_id=_a(el, "euReferenceNumber") or logical,
    )
    nats = _io.dedupe(
        c for c in (to_iso2(_a(c, "countryIso2Code")) for c in kids(el, "citizenship")) if c
    )
    births, places = [], []
    for b in kids(el, "birthdate"):
        d = _a(b, "birthdate") or _a(b, "year")
        if d:
            births.append(d)
        place = ", ".join(
            p for p in (_a(b, "city") or _a(b, "place"), _a(b, "countryDescription")) if p
        )
        if place:
            places.append(place)
    addresses = []
    for a in kids(el, "address"):
        addr = Address(
            street=_a(a, "street"),
            city=_a(a, "city"),
            region=_a(a, "region"),
            postal_code=_a(a, "zipCode"),
            country=to_iso2(_a(a, "countryIso2Code")),
        )
        if addr.text():
            addresses.append(addr)
    idents = []
    for i in kids(el, "identification"):
        number = _a(i, "number") or _a(i, "latinNumber")
        if number:
            kind_ = (
                _a(i, "identificationTypeDescription") or _a(i, "identificationTypeCode") or "id"
            )
            idents.append(Identifier(kind_, number, to_iso2(_a(i, "countryIso2Code"))))
    return Entity(
        id=ids.own(f"eu_fsf:{logical}"),
        kind=entity_kind,
        names=_io.dedupe(names),
        listings=(listing,),
        addresses=_io.dedupe(addresses),
        identifiers=_io.dedupe(idents),
        birth_dates=_io.dedupe(births),
        birth_places=_io.dedupe(places),
        nationalities=nats,
        countries=_io.dedupe([*nats, *(a.country for a in addresses if a.country)]),
        title=title,
        remarks=remarks,
    )


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    stream = XmlStream(blob, {"sanctionEntity"})
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    parsed.data_date = parse_datetime_date(stream.root.get("generationDate"))
    ids = IdAllocator()

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for line, el in stream.records():
            built = _io.prebuild(partial(_entity, el, ids))
            yield line, built

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed
