"""UN Security Council Consolidated List, official XML (``CONSOLIDATED_LIST``, sc-sanctions.xsd).

``INDIVIDUAL`` → person, ``ENTITY`` → organisation; ``dateGenerated`` → ``data_date``;
``LISTED_ON`` → start date (``source``); ``REFERENCE_NUMBER`` (e.g. ``QDi.001``) → source id and
the stable id ``un_sc:<REFERENCE_NUMBER>``; ``UN_LIST_TYPE`` → program. Aliases: quality
``Good``/``a.k.a.`` → AKA, ``Low`` → WEAK_AKA, ``f.k.a.`` → FKA; ``NAME_ORIGINAL_SCRIPT`` → NATIVE.
Documents → identifiers; nationality, address and document countries → ISO alpha-2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from lxml import etree

from tradescreen.countries import to_iso2
from tradescreen.model import Address, Entity, EntityKind, Identifier, Listing, Name, NameKind
from tradescreen.sources import _io
from tradescreen.sources._xml import XmlStream, local, text, texts
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.dates import parse_date, parse_datetime_date, parse_partial
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import list_name

FORMAT = "un_xml"
URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
_QUALITY = {"good": NameKind.AKA, "a.k.a.": NameKind.AKA, "low": NameKind.WEAK_AKA}
_QUALITY["f.k.a."] = NameKind.FKA


def sniff(head: bytes, name: str) -> bool:
    return b"<CONSOLIDATED_LIST" in head


def _dob(el: etree._Element) -> list[str]:
    exact = text(el, "DATE") or text(el, "YEAR")
    if exact:
        d = parse_partial(exact)
        return [d] if d else []
    return [y for y in (text(el, "FROM_YEAR"), text(el, "TO_YEAR")) if y]


def _entity(el: etree._Element, ids: IdAllocator) -> Entity:
    person = local(el.tag) == "INDIVIDUAL"
    parts = [text(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    if not name:
        raise ValueError("no name")
    prefix = "INDIVIDUAL" if person else "ENTITY"
    names = [Name(name)]
    if native := text(el, "NAME_ORIGINAL_SCRIPT"):
        names.append(Name(native, NameKind.NATIVE))
    for alias in el.iterfind(f"{prefix}_ALIAS"):
        value = text(alias, "ALIAS_NAME")
        if value:
            quality = (text(alias, "QUALITY") or "good").lower()
            names.append(Name(value, _QUALITY.get(quality, NameKind.AKA)))
    addresses = []
    for a in el.iterfind(f"{prefix}_ADDRESS"):
        addr = Address(
            street=text(a, "STREET"),
            city=text(a, "CITY"),
            region=text(a, "STATE_PROVINCE"),
            postal_code=text(a, "ZIP_CODE"),
            country=to_iso2(text(a, "COUNTRY")),
        )
        if addr.text():
            addresses.append(addr)
    idents = []
    for d in el.iterfind("INDIVIDUAL_DOCUMENT"):
        number = text(d, "NUMBER")
        if number:
            kind = text(d, "TYPE_OF_DOCUMENT") or "Document"
            country = to_iso2(text(d, "ISSUING_COUNTRY") or text(d, "COUNTRY_OF_ISSUE"))
            idents.append(Identifier(kind, number, country))
    nationalities = _io.dedupe(c for c in map(to_iso2, texts(el, "NATIONALITY/VALUE")) if c)
    births = [d for b in el.iterfind("INDIVIDUAL_DATE_OF_BIRTH") for d in _dob(b)]
    places = []
    for p in el.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        place = ", ".join(
            x for x in (text(p, "CITY"), text(p, "STATE_PROVINCE"), text(p, "COUNTRY")) if x
        )
        if place:
            places.append(place)
    ref = text(el, "REFERENCE_NUMBER") or text(el, "DATAID")
    if not ref:
        raise ValueError("no REFERENCE_NUMBER or DATAID")
    program = text(el, "UN_LIST_TYPE")
    remarks = text(el, "COMMENTS1")
    listing = Listing(
        list_code="un_sc",
        list_name=list_name("un_sc"),
        programs=(program,) if program else (),
        start_date=parse_date(text(el, "LISTED_ON")),
        start_date_source="source" if text(el, "LISTED_ON") else None,
        remarks=remarks,
        source_url=URL,
        source_id=ref,
    )
    return Entity(
        id=ids.own(f"un_sc:{ref}"),
        kind=EntityKind.PERSON if person else EntityKind.ORGANIZATION,
        names=_io.dedupe(names),
        listings=(listing,),
        addresses=_io.dedupe(addresses),
        identifiers=_io.dedupe(idents),
        birth_dates=_io.dedupe(births),
        birth_places=_io.dedupe(places),
        nationalities=nationalities,
        countries=_io.dedupe([*nationalities, *(a.country for a in addresses if a.country)]),
        title="; ".join(texts(el, "TITLE/VALUE") + texts(el, "DESIGNATION/VALUE")) or None,
        remarks=remarks,
    )


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    stream = XmlStream(blob, {"INDIVIDUAL", "ENTITY"})
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    parsed.data_date = parse_datetime_date(stream.root.get("dateGenerated"))
    ids = IdAllocator()

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for line, el in stream.records():
            yield line, _io.prebuild(partial(_entity, el, ids))

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed
