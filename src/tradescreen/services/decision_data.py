"""What decisions read besides the lists, kept by the user: specific licences and ownership
edges. Adding either changes later decisions, so each is audited (``licences.add``,
``ownership.load``) from whichever channel. Also the decision input types the adapters build
(``Transaction``, ``Item``, ``Party``…), re-exported here so an adapter needs only this layer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tradescreen.decide.end_use import EndUse, parse_end_use
from tradescreen.decide.items import (
    ActivityCategory,
    Item,
    ItemType,
    Party,
    Role,
    Transaction,
    parse_activity_category,
)
from tradescreen.decide.licences import SpecificLicence, add_licence, list_licences
from tradescreen.decide.outcomes import Effect, Outcome
from tradescreen.decide.ownership import OwnershipEdge, party_key
from tradescreen.decide.ownership_io import read_ownership_file
from tradescreen.decide.storage import add_edges, load_edges


def store_licence(engine: Engine, licence: SpecificLicence) -> None:
    add_licence(engine, licence)


def licences(engine: Engine) -> list[SpecificLicence]:
    return list_licences(engine)


def load_ownership(engine: Engine, path: Path) -> tuple[list[OwnershipEdge], str]:
    """Read and validate every edge of ``path`` first, then store them all (or none); returns
    the edges and the batch id."""
    edges = list(read_ownership_file(path))
    return edges, add_edges(engine, edges, source=str(path))


def ownership_edges(engine: Engine) -> list[OwnershipEdge]:
    return load_edges(engine)


__all__ = [
    "ActivityCategory",
    "Effect",
    "EndUse",
    "Item",
    "ItemType",
    "Outcome",
    "OwnershipEdge",
    "Party",
    "Role",
    "SpecificLicence",
    "Transaction",
    "licences",
    "load_ownership",
    "ownership_edges",
    "parse_activity_category",
    "parse_end_use",
    "party_key",
    "store_licence",
]
