"""stub"""
from __future__ import annotations
from collections.abc import Sequence
from pathlib import Path
from tradescreen.errors import SourceError
from tradescreen.sources.base import ParsedSource
FORMAT = "eu_xml"
def sniff(head: bytes, name: str) -> bool:
    return False
def read(paths: Sequence[Path]) -> ParsedSource:
    raise SourceError("not implemented")
