"""The pure matcher: the hits of one query in one :class:`IndexBundle` (no I/O, no state).

``match_query`` is what every engine runs: the :class:`~tradescreen.screening.screener.Screener`
on its cached bundle, the pinned snapshot of a batch or monitoring run, and a Spark executor on a
broadcast bundle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from tradescreen.errors import InvalidInput
from tradescreen.index.build import NameIndex
from tradescreen.match.compare import MatchResult, compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.prepared import prepare_query
from tradescreen.model import Entity, EntityKind, Listing, ListVersion, Query
from tradescreen.origins import merge_copies, rank
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

    @cached_property
    def _copies(self) -> dict[str, list[int]]:
        m: dict[str, list[int]] = {}
        for pos, f in enumerate(self.index.facts):  # ids without decoding an entity
            m.setdefault(f.entity_id, []).append(pos)
        return m

    def copies_of(self, pos: int, version_lists: Mapping[int, str]) -> list[int]:
        """Every position holding the entry at ``pos`` (same id) in a version of the same list
        (``version_lists``: version id -> list code): its copies from other sources. A stored
        copy carries only its own version's list, so the same id on another list (an OFAC
        entry on SDN and SSI) is not a copy."""
        ids = self._copies.get(self.index.facts[pos].entity_id, [pos])
        if len(ids) == 1 or not self.entity_version:
            return [pos]

        def code(p: int) -> str | None:
            vid = self.entity_version[p]
            return version_lists.get(vid) if vid is not None else None

        mine = code(pos)
        return [p for p in ids if p == pos or (mine is not None and code(p) == mine)]


@dataclass(frozen=True, eq=False)
class VersionSet:
    """The list versions a screening uses (sorted by id) and their merged bundle."""

    versions: tuple[ListVersion, ...]
    bundle: IndexBundle

    @property
    def key(self) -> tuple[int, ...]:
        return version_key(self.versions)

    @property
    def origins(self) -> dict[int, tuple[str, str]]:
        return version_origins(self.versions)


def version_origins(versions: Sequence[ListVersion]) -> dict[int, tuple[str, str]]:
    """version id -> (its list code, the source it came from): what :func:`match_query`
    labels listings and merges copies by."""
    return {v.id: (v.list_code, v.origin) for v in versions if v.origin}


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
    origins: Mapping[int, tuple[str, str]] | None = None,
) -> list[Hit]:
    """Pure: the hits of one query in one bundle, best first (no I/O, nothing mutated).

    ``origins`` (version id -> (list code, source), :func:`version_origins`) labels each
    listing with its source and makes the copies of one entry of one list from several
    sources one hit (:mod:`tradescreen.origins`): the best score of the copies, their merged
    entity, one listing per source in precedence order."""
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
    versions = bundle.entity_version

    version_lists = {vid: code for vid, (code, _) in (origins or {}).items()}

    def origin(pos: int) -> str:
        vid = versions[pos] if versions else None
        return (origins or {}).get(vid, ("", ""))[1] if vid is not None else ""

    groups: list[list[int]] = []  # the copies of one entry of one list, from every source
    grouped: set[int] = set()
    for pos in best:
        if pos in grouped:
            continue
        group = bundle.copies_of(pos, version_lists) if origins else [pos]
        grouped.update(group)
        groups.append(group)
    hits: list[Hit] = []
    for group in groups:
        group.sort(key=lambda p: (rank(origin(p)), -(versions[p] or 0) if versions else 0))
        listings: list[Listing] = []
        listing_origins: list[str] = []
        warnings: list[str] = []
        for p in group:
            own, own_warnings = listings_in_force(bundle.entities[p], as_of, lists)
            listings += own
            listing_origins += [origin(p)] * len(own)
            warnings += [w for w in own_warnings if w not in warnings]
        if not listings:
            continue
        scored = [p for p in group if p in best]  # a copy whose names all missed: listing only
        top = max(scored, key=lambda p: best[p].score)  # the first (preferred) copy on a tie
        res = compare(pq, index.names[best_name[top]], config)
        copies = [bundle.entities[p] for p in group]
        entity = merge_copies(copies) if len(copies) > 1 else copies[0]
        version = versions[group[0]] if versions else None
        hits.append(
            Hit(
                entity,
                res.matched_name,
                res.score,
                res.explanation,
                tuple(listings),
                version,
                tuple(warnings),
                tuple(listing_origins) if origins else (),
            )
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
    "version_origins",
]
