"""Fixtures for the list readers: the real files in ``<repo>/../shared/data/lists``, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tradescreen.model import Entity
from tradescreen.sources import read_source

LISTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@cache
def entities(rel: str) -> tuple[Entity, ...]:
    """All entities of a real list file (relative to shared/data/lists), read once per run."""
    path = LISTS / rel
    if not path.exists():
        pytest.skip(f"shared data missing: {path}")
    return tuple(read_source(path).entities)


def by_name(ents: tuple[Entity, ...], needle: str) -> list[Entity]:
    return [e for e in ents if needle.lower() in e.name.lower()]
