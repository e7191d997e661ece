"""What every reader produces, and the contract readers follow.

A reader is a module in this package with::

    FORMAT: str                                   # e.g. "csl_csv"
    def sniff(head: bytes, name: str) -> bool     # True when the first bytes look like its format
    def read(paths: Sequence[Path]) -> ParsedSource

``read`` streams the file(s) (``entities`` is a lazy iterator) and raises
``tradescreen.errors.SourceError`` with file and line for a broken file. Rows that fail are
counted in ``ParsedSource.rejected``; past a small share the whole file is rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from tradescreen.model import Entity


@dataclass
class ParsedSource:
    format: str  # reader name
    paths: tuple[str, ...]  # the file(s) read
    sha256: str  # of the input bytes (files concatenated in path order)
    entities: Iterator[Entity]  # lazy; every Entity carries at least one Listing
    data_date: date | None = None  # the date the source says its data is as of
    warnings: list[str] = field(default_factory=list)  # filled while iterating
    rejected: list[str] = field(default_factory=list)  # "path:line: why", filled while iterating
    derived_names: int = 0  # names found inside other text (embedded.py), counted while iterating
