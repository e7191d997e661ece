"""BIS Denied Persons List, raw file (tab-delimited, quoted, 12 columns; UTF-8, which covers
the ASCII files BIS publishes: a row with bytes that are not UTF-8 is rejected with its line).

Columns: Name, Street_Address, City, State, Country, Postal_Code, Effective_Date,
Expiration_Date, Standard_Order, Last_Update, Action, FR_Citation. ``Effective_Date`` →
start date (``source``), ``Expiration_Date`` → end date, ``FR_Citation`` → citations.
The file carries no "as of" date (only per-row ``Last_Update``), so ``data_date`` is None.
A person or firm can appear in several rows (one per address): the id hashes list code + name +
country, and repeated keys add the address (``ids.IdAllocator``). Kind is UNKNOWN: the file does
not say whether a row is a person or a firm.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from tradescreen.countries import to_iso2
from tradescreen.errors import SourceError
from tradescreen.model import Address, Entity, EntityKind, Listing, Name
from tradescreen.sources import _io
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.citations import parse_citations
from tradescreen.sources.dates import parse_date
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import list_name

FORMAT = "dpl_txt"
URL = "https://www.bis.doc.gov/dpl/dpl.txt"
COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)


def sniff(head: bytes, name: str) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b'"Name"\t"Street_Address"')


def _entity(r: dict[str, str], ids: IdAllocator) -> Entity:
    name = _io.clean(r["Name"])
    if not name:
        raise ValueError("empty Name")
    country = to_iso2(r["Country"]) if _io.clean(r["Country"]) else None
    addr = Address(
        street=_io.clean(r["Street_Address"]),
        city=_io.clean(r["City"]),
        region=_io.clean(r["State"]),
        postal_code=_io.clean(r["Postal_Code"]),
        country=country,
    )
    start = parse_date(r["Effective_Date"])
    listing = Listing(
        list_code="us_bis_dpl",
        list_name=list_name("us_bis_dpl"),
        citations=parse_citations(r["FR_Citation"]),
        start_date=start,
        start_date_source="source" if start else None,
        end_date=parse_date(r["Expiration_Date"]),
        remarks=_io.clean(r["Action"]),
        source_url=URL,
    )
    addresses = (addr,) if addr.text() else ()
    return Entity(
        id=ids.allocate("us_bis_dpl", name, country, addr.text()),
        kind=EntityKind.UNKNOWN,
        names=(Name(name),),
        listings=(listing,),
        addresses=addresses,
        countries=(country,) if country else (),
    )


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    content = _io.decode_rows(blob)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter="\t", strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise SourceError("missing or broken header", path=blob.path, line=1) from exc
    if tuple(header[: len(COLUMNS)]) != COLUMNS:
        raise SourceError(
            "not a DPL header (expected Name, Street_Address, ...)", path=blob.path, line=1
        )
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    ids = IdAllocator()

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for line, rec in _io.csv_records(reader, header, parsed, blob.path):
            yield line, partial(_entity, rec, ids)

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed
