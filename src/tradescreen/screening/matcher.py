"""The pure matcher: the hits of one query in one :class:`IndexBundle` (no I/O, no state).

``match_query`` is what every engine runs: the :class:`~tradescreen.screening.screener.Screener`
on its cached bundle, the pinned snapshot of a batch or monitoring run, and a Spark executor on a
broadcast bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from tradescreen.errors import InvalidInput
from tradescreen.index.build import NameIndex
from tradescreen.match.compare import MatchResult, compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.prepared import prepare_query
from tradescreen.model import Entity, EntityKind, Listing, ListVersion, Query
from tradescreen.results import Hit
from tradescreen.screening.entities import concat_entities

START_UNKNOWN = "start date unknown"


@dataclass(frozen=True, eq=False)
class IndexBundle:
    """A merged index plus the entities it points at (picklable: broadcast it to workers)."""

    index: NameIndex
    entities: Sequence[Entity]  # aligned with index.facts (an EntityRows from the store)
    entity_version: list[int | None] = field(default_factory=list)

    @classmethod
    def build(cls, entities: Sequence[Entity], version_id: int | None = None) -> IndexBundle:
        ents = list(entities)
        return cls(NameIndex.build(ents, version_id), ents, [version_id] * len(ents))

    @classmethod
    def empty(cls) -> IndexBundle:
        return cls(NameIndex(), [], [])

    @classmethod
    def merge(cls, parts: Sequence[IndexBundle]) -> IndexBundle:
        if not parts:
            return cls.empty()
        if len(parts) == 1 and parts[0].index.postings:
            return parts[0]
        index = NameIndex.merge([p.index for p in parts])
        ents = concat_entities([p.entities for p in parts])
        vers = [v for p in parts for v in p.entity_version]
        return cls(index, ents, vers)

    @cached_property
    def _entity_names(self) -> dict[int, list[int]]:
        m: dict[int, list[int]] = {}
        for nid, p in enumerate(self.index.name_entity):
            m.setdefault(p, []).append(nid)
        return m

    def names_of(self, pos: int) -> list[int]:
        """The name ids of the entity at ``pos``."""
        return self._entity_names.get(pos, [])


@dataclass(frozen=True, eq=False)
class VersionSet:
    """The list versions a screening uses (sorted by id) and their merged bundle."""

    versions: tuple[ListVersion, ...]
    bundle: IndexBundle

    @property
    def key(self) -> tuple[int, ...]:
        return version_key(self.versions)


def version_key(versions: Sequence[ListVersion]) -> tuple[int, ...]:
    """The identity of a set of versions: their ids, in order."""
    return tuple(v.id for v in versions)


def listings_in_force(
    entity: Entity, as_of: date, lists: Sequence[str] | None = None
) -> tuple[tuple[Listing, ...], tuple[str, ...]]:
    """The entity's listings in force on ``as_of`` (restricted to ``lists``), with a warning
    when one has no start date (kept: the list did not say when it began)."""
    kept: list[Listing] = []
    warnings: list[str] = []
    for x in entity.listings:
        if lists and x.list_code not in lists:
            continue
        state = x.in_force(as_of)
        if state is None:
            kept.append(x)
            if START_UNKNOWN not in warnings:
                warnings.append(START_UNKNOWN)
        elif state:
            kept.append(x)
    return tuple(kept), tuple(warnings)


def match_query(
    bundle: IndexBundle,
    query: Query,
    config: MatchConfig,
    as_of: date,
    *,
    threshold: float | None = None,
    limit: int | None = None,
    lists: Sequence[str] | None = None,
) -> list[Hit]:
    """Pure: the hits of one query in one bundle, best first (no I/O, nothing mutated)."""
    if not query.name or not query.name.strip():
        raise InvalidInput("the name to screen is empty")
    cut = config.threshold if threshold is None else threshold
    index = bundle.index
    pq = prepare_query(query, index.weights)
    pq = replace(pq, name=index.calibrate(pq.name, config))
    nids = list(index.candidates(pq.name, config))
    if pq.address is not None:
        nids += [
            n
            for n in index.candidates(pq.address, config)
            if index.facts[index.name_entity[n]].kind is EntityKind.ADDRESS
        ]
    for pos in index.identifier_entities(pq):
        nids += bundle.names_of(pos)
    best: dict[int, MatchResult] = {}
    best_name: dict[int, int] = {}
    for nid in dict.fromkeys(nids):
        res = compare(pq, index.names[nid], config, explain=False)
        if res.score < cut:
            continue
        pos = index.name_entity[nid]
        if pos not in best or res.score > best[pos].score:
            best[pos] = res
            best_name[pos] = nid
    hits: list[Hit] = []
    for pos, res in best.items():
        entity = bundle.entities[pos]
        listings, warnings = listings_in_force(entity, as_of, lists)
        if not listings:
            continue
        res = compare(pq, index.names[best_name[pos]], config)
        version = bundle.entity_version[pos] if bundle.entity_version else None
        hits.append(
            Hit(entity, res.matched_name, res.score, res.explanation, listings, version, warnings)
        )
    hits.sort(key=lambda h: (-h.score, h.entity.name, h.entity.id))
    return hits[:limit] if limit else hits


__all__ = [
    "START_UNKNOWN",
    "IndexBundle",
    "VersionSet",
    "listings_in_force",
    "match_query",
    "version_key",
]
