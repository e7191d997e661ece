"""OpenSanctions CSV transcriptions (CC-BY-NC: evaluation only, never shipped as data).

Two shapes, told apart by the header:

- EU Official Journal annexes (``32014R0833.csv``, ``32014R0269.csv``): ``celex, recordId,
  programKey, annex, measure, startDate, reason, schema, name, alias, ...``. ``celex`` → list code
  (``eu_833_journal`` / ``eu_269_journal``); ``programKey`` + annex → programs; ``measure`` →
  license_requirement; ``startDate`` (``17.3.2014``) → start date; ``alias`` is ``;``-separated
  and names in Cyrillic/Greek... become NATIVE; ``Asset`` rows (aircraft, goods) → UNKNOWN kind.
- DoD 1260H with history (``Name, Clean Name, Alias, Previous Name, Parent Name, Note, Start
  date, End date, Source Url``) → ``us_dod_1260h`` with start and end dates (delisted companies
  keep their end date; screening as of a date uses it).

Ids hash list code + name + country (``ids.py``): the ``recordId`` is a row number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from tradescreen.countries import to_iso2
from tradescreen.errors import SourceError
from tradescreen.model import Address, Entity, EntityKind, Identifier, Listing, Name, NameKind
from tradescreen.sources import _io
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.dates import parse_date, parse_partial
from tradescreen.sources.eu import is_latin
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import list_name

FORMAT = "os_csv"
_JOURNAL = b"celex,recordId,programKey,annex,measure,startDate"
_MILCORPS = b"Name,Clean Name,Alias,Previous Name,Parent Name,Note,Start date,End date"
_CELEX = {"32014R0833": "eu_833_journal", "32014R0269": "eu_269_journal"}
_KINDS = {
    "Person": EntityKind.PERSON,
    "LegalEntity": EntityKind.ORGANIZATION,
    "Company": EntityKind.ORGANIZATION,
    "Organization": EntityKind.ORGANIZATION,
    "Vessel": EntityKind.VESSEL,
    "Airplane": EntityKind.AIRCRAFT,
}
_ID_COLS = (
    "registrationNumber",
    "taxNumber",
    "idNumber",
    "innCode",
    "ogrnCode",
    "kppCode",
    "okpoCode",
    "leiCode",
    "swiftBic",
    "imoNumber",
    "mmsi",
    "passportNumber",
)


def sniff(head: bytes, name: str) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf")
    return h.startswith(_JOURNAL) or h.startswith(_MILCORPS)


def _names(primary: str, alias: str, previous: str, weak: str = "") -> list[Name]:
    out = [Name(primary)]
    for value in _io.split_multi(alias):
        out.append(Name(value, NameKind.AKA if is_latin(value) else NameKind.NATIVE))
    out += [Name(v, NameKind.FKA) for v in _io.split_multi(previous)]
    out += [Name(v, NameKind.WEAK_AKA) for v in _io.split_multi(weak)]
    return out


def _countries(value: str) -> list[str]:
    """``Russian, Finnish`` / ``Ukrainian and/or Russian`` → one value per country."""
    return [p for p in (_io.clean(x) for x in re.split(r"[,;]| and/or | and ", value)) if p]


def _journal(r: dict[str, str], ids: IdAllocator) -> Entity:
    code = _CELEX.get(r["celex"].strip())
    if code is None:
        raise ValueError(f"unknown celex {r['celex']!r}")
    name = _io.clean(r["name"])
    if not name:
        raise ValueError("empty name")
    countries = _io.dedupe(
        c for c in map(to_iso2, _countries(r["country"]) + _countries(r["jurisdiction"])) if c
    )
    nats = _io.dedupe(c for c in map(to_iso2, _countries(r["nationality"])) if c)
    start = parse_date(r["startDate"])
    addresses = tuple(Address(full=a) for a in _io.split_multi(r["address"]))
    idents = [Identifier(col, v) for col in _ID_COLS for v in _io.split_multi(r.get(col))]
    listing = Listing(
        list_code=code,
        list_name=list_name(code),
        programs=tuple(
            p for p in (_io.clean(r["programKey"]), _io.clean(f"Annex {r['annex']}")) if p
        ),
        start_date=start,
        start_date_source="source" if start else None,
        license_requirement=_io.clean(r["measure"]),
        remarks=_io.clean(r["reason"]),
        source_id=_io.clean(r["recordId"]),
    )
    all_countries = _io.dedupe([*countries, *nats])
    return Entity(
        id=ids.allocate(code, name, all_countries[0] if all_countries else None, r["recordId"]),
        kind=_KINDS.get(r["schema"].strip(), EntityKind.UNKNOWN),
        names=_io.dedupe(_names(name, r["alias"], r["previousName"], r["weakAlias"])),
        listings=(listing,),
        addresses=addresses,
        identifiers=_io.dedupe(idents),
        birth_dates=_io.dedupe(d for d in map(parse_partial, _io.split_multi(r["birthDate"])) if d),
        birth_places=tuple(_io.split_multi(r["birthPlace"])),
        nationalities=nats,
        countries=all_countries,
        title=_io.clean(r["position"]),
        remarks=_io.clean(r["notes"]),
    )


def _milcorp(r: dict[str, str], ids: IdAllocator) -> Entity:
    name = _io.clean(r["Clean Name"]) or _io.clean(r["Name"])
    if not name:
        raise ValueError("empty name")
    start = parse_date(r["Start date"])
    listing = Listing(
        list_code="us_dod_1260h",
        list_name=list_name("us_dod_1260h"),
        start_date=start,
        end_date=parse_date(r["End date"]),
        start_date_source="source" if start else None,
        remarks="; ".join(
            x
            for x in (
                _io.clean(r["Note"]),
                _io.clean(r["Parent Name"]) and f"Parent: {r['Parent Name'].strip()}",
            )
            if x
        )
        or None,
        source_url=_io.clean(r["Source Url"]),
    )
    return Entity(
        id=ids.allocate("us_dod_1260h", name, "CN", f"{r['Start date']}|{r['End date']}"),
        kind=EntityKind.ORGANIZATION,
        names=_io.dedupe(_names(name, r["Alias"], r["Previous Name"])),
        listings=(listing,),
        countries=("CN",),
        remarks=listing.remarks,
    )


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    head = blob.data[:200].lstrip(b"\xef\xbb\xbf")
    if head.startswith(_JOURNAL):
        build = _journal
    elif head.startswith(_MILCORPS):
        build = _milcorp
    else:
        raise SourceError(
            "not an OpenSanctions journal or 1260H CSV header", path=blob.path, line=1
        )
    reader = csv.reader(io.StringIO(_io.decode(blob), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:  # found by fuzz/fuzz_reader.py: a broken quote in the header row
        raise SourceError(f"broken CSV header: {exc}", path=blob.path, line=1) from None
    except StopIteration:
        raise SourceError("empty file", path=blob.path, line=1) from None
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    parsed.warnings.append(f"{blob.path}: OpenSanctions data, CC-BY-NC 4.0: evaluation only")
    ids = IdAllocator()

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for line, rec in _io.csv_records(reader, header, parsed, blob.path):
            yield line, partial(build, rec, ids)

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed
