"""Fixtures for the list readers: the real files in the real-data folder's ``lists/``
(``tests/data_paths.py``), read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tests.data_paths import require_data

from tradescreen.model import Entity
from tradescreen.sources import read_source

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def real(rel: str) -> Path:
    """A real list file or folder (relative to the data folder's ``lists/``): skip, or fail in
    CI, when it is missing."""
    return require_data("lists", rel)


def entities(rel: str) -> tuple[Entity, ...]:
    """All entities of a real list file (relative to the data folder's ``lists/``), read once."""
    return _read(real(rel))


@cache
def _read(path: Path) -> tuple[Entity, ...]:
    return tuple(read_source(path).entities)


def by_name(ents: tuple[Entity, ...], needle: str) -> list[Entity]:
    return [e for e in ents if needle.lower() in e.name.lower()]
