"""The library's main call: screen a party against the list versions in force.

``Screener(store, settings)`` picks versions with ``store.active_versions(known_at)``, loads each
version's candidate index from its blob (keyed by a fingerprint of the index code) or builds and
persists it, merges the versions' indexes (token weights over all of them) and caches everything
per set of version ids, so a long-running process pays once. ``match_query`` is the pure core a
Spark worker runs on a broadcast ``IndexBundle``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tradescreen.errors import InvalidInput, StaleLists
from tradescreen.index.build import NameIndex
from tradescreen.match.compare import MatchResult, compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.prepared import prepare_query
from tradescreen.model import Entity, EntityKind, Listing, ListVersion, Query
from tradescreen.results import Hit, ScreenResult
from tradescreen.settings import Settings
from tradescreen.store.base import Store

START_UNKNOWN = "start date unknown"


@functools.cache
def code_fingerprint() -> str:
    """A digest of the code and data that shape a persisted index (normalisation, weights,
    index layout). An index blob stored by other code is never reused: it is rebuilt."""
    import tradescreen.index.build
    import tradescreen.match.prepared
    import tradescreen.names

    h = hashlib.sha256()
    files = [Path(tradescreen.index.build.__file__), Path(tradescreen.match.prepared.__file__)]
    names_dir = Path(tradescreen.names.__file__).parent
    files += sorted(names_dir.glob("*.py")) + sorted(names_dir.glob("data/*"))
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def blob_key() -> str:
    return f"index/v1/{code_fingerprint()}"


def freshness_warnings(
    versions: Sequence[ListVersion], settings: Settings, now: datetime
) -> list[str]:
    """Stale lists (older than ``stale_after_days`` at ``now``) and required lists missing."""
    out: list[str] = []
    if not versions:
        out.append("no list loaded")
    for v in versions:
        if v.is_stale(now, settings.stale_after_days):
            days = v.age(now).days
            out.append(f"list {v.list_code} is stale: loaded {days} days ago (version {v.id})")
    loaded = {v.list_code for v in versions}
    for code in settings.required_lists:
        if code not in loaded:
            out.append(f"required list {code} is not loaded")
    return out


@dataclass
class IndexBundle:
    """A merged index plus the entities it points at (picklable: broadcast it to workers)."""

    index: NameIndex
    entities: list[Entity]  # aligned with index.facts
    entity_version: list[int | None] = field(default_factory=list)
    _entity_names: dict[int, list[int]] | None = None

    @classmethod
    def build(cls, entities: Sequence[Entity], version_id: int | None = None) -> IndexBundle:
        ents = list(entities)
        return cls(NameIndex.build(ents, version_id), ents, [version_id] * len(ents))

    @classmethod
    def merge(cls, parts: Sequence[IndexBundle]) -> IndexBundle:
        if len(parts) == 1 and parts[0].index.postings:
            return parts[0]
        index = NameIndex.merge([p.index for p in parts])
        ents = [e for p in parts for e in p.entities]
        vers = [v for p in parts for v in p.entity_version]
        return cls(index, ents, vers)

    def names_of(self, pos: int) -> list[int]:
        if self._entity_names is None:
            m: dict[int, list[int]] = {}
            for nid, p in enumerate(self.index.name_entity):
                m.setdefault(p, []).append(nid)
            self._entity_names = m
        return self._entity_names.get(pos, [])


def listings_in_force(
    entity: Entity, as_of: date, lists: Sequence[str] | None = None
) -> tuple[tuple[Listing, ...], tuple[str, ...]]:
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
    pq = replace(pq, name=index.calibrate(pq.name))
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


class Screener:
    """Screens queries against a store; caches the merged index of the versions in force.

    ``background_swap`` (what the API server uses): when the versions in force change, the
    index of the new set is built in a background thread while queries keep being answered,
    atomically, on the previous set (each answer cites the versions it used); the new set is
    switched in whole once built. Without it (the default, for library calls and the CLI) the
    first query after a change waits for the build. Either way no answer mixes versions, and
    the bundles of superseded sets are dropped, so a long-running server holds one set (plus a
    few ``known_at`` replays) in memory, not one per update.
    """

    REPLAYS_KEPT = 4  # merged bundles kept for screenings "known at" a past time

    def __init__(
        self,
        store: Store,
        settings: Settings | None = None,
        config: MatchConfig | None = None,
        *,
        background_swap: bool = False,
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.config = config or MatchConfig(threshold=self.settings.threshold)
        self.background_swap = background_swap
        self._parts: dict[int, IndexBundle] = {}
        self._merged: dict[tuple[int, ...], IndexBundle] = {}  # known_at replays, LRU order
        self._current: tuple[tuple[int, ...], list[ListVersion], IndexBundle] | None = None
        self._building: tuple[int, ...] | None = None
        self._lock = threading.Lock()  # one build at a time
        self._in_force: tuple[float, int, list[ListVersion]] | None = None  # (read at, gen, ...)

    def versions_in_force(self, known_at: datetime | None = None) -> list[ListVersion]:
        """The versions a screening uses, by id. For "now" the answer is cached until the
        store's generation changes (a load in this process) or ``version_refresh_seconds``
        pass (a load by another process): one query per interval instead of one per screen."""
        if known_at is not None:
            return sorted(self.store.active_versions(known_at), key=lambda v: v.id)
        generation = self.store.generation
        now = time.monotonic()
        cached = self._in_force
        if (
            cached is not None
            and cached[1] == generation
            and now - cached[0] < self.settings.version_refresh_seconds
        ):
            return cached[2]
        versions = sorted(self.store.active_versions(), key=lambda v: v.id)
        self._in_force = (now, generation, versions)
        return versions

    def _part(self, version: ListVersion) -> IndexBundle:
        part = self._parts.get(version.id)
        if part is not None:
            return part
        entities = list(self.store.iter_entities([version.id]))
        blob = self.store.get_blob(version.id, blob_key())
        index: NameIndex | None = None
        if blob is not None:
            try:
                index = NameIndex.from_bytes(blob, with_keys=False)
            except Exception:  # an unreadable or old blob is rebuilt, never trusted
                index = None
            if index is not None and [f.entity_id for f in index.facts] != [e.id for e in entities]:
                index = None
        if index is None:
            index = NameIndex.build(entities, version.id)
            self.store.put_blob(version.id, blob_key(), index.to_bytes())
            index.drop_keys()  # rebuilt once, over all the versions in force, by merge()
        part = IndexBundle(index, entities, [version.id] * len(entities))
        self._parts[version.id] = part
        return part

    def _build(self, versions: list[ListVersion], key: tuple[int, ...]) -> IndexBundle:
        """The merged bundle of ``versions`` (built under the lock, once per set)."""
        with self._lock:
            cur = self._current
            if cur is not None and cur[0] == key:
                return cur[2]
            merged = self._merged.get(key)
            if merged is None:
                parts = [self._part(v) for v in versions]
                merged = IndexBundle.merge(parts) if parts else IndexBundle(NameIndex(), [], [])
            return merged

    def _swap_in_background(self, versions: list[ListVersion], key: tuple[int, ...]) -> None:
        if self._building == key:
            return
        self._building = key

        def run() -> None:
            try:
                merged = self._build(versions, key)
                if self._building == key:  # not overtaken by a newer set meanwhile
                    self._set_current(versions, key, merged)
            except Exception:  # the previous set keeps answering; the next query retries
                logging.getLogger(__name__).exception("index of versions %s not built", key)
            finally:
                if self._building == key:
                    self._building = None

        threading.Thread(target=run, name="tradescreen-index-swap", daemon=True).start()

    def _set_current(
        self, versions: list[ListVersion], key: tuple[int, ...], merged: IndexBundle
    ) -> None:
        with self._lock:
            self._current = (key, versions, merged)
            used = {i for k in self._merged for i in k} | set(key)
            for vid in [v for v in self._parts if v not in used]:
                del self._parts[vid]

    def _now(self, *, wait: bool) -> tuple[list[ListVersion], IndexBundle]:
        """The set in force now; when it changed and ``wait`` is off, the previous set while
        the new one is built in the background."""
        versions = self.versions_in_force()
        key = tuple(v.id for v in versions)
        cur = self._current
        if cur is not None and cur[0] == key:
            return cur[1], cur[2]
        if not wait and cur is not None:
            self._swap_in_background(versions, key)
            return cur[1], cur[2]
        merged = self._build(versions, key)
        self._set_current(versions, key, merged)
        return versions, merged

    def bundle(self, known_at: datetime | None = None) -> tuple[list[ListVersion], IndexBundle]:
        """The versions a screening uses and their merged index (see the class docstring)."""
        if known_at is None:
            return self._now(wait=not self.background_swap)
        versions = self.versions_in_force(known_at)
        key = tuple(v.id for v in versions)
        merged = self._build(versions, key)
        with self._lock:
            self._merged.pop(key, None)
            self._merged[key] = merged
            while len(self._merged) > self.REPLAYS_KEPT:
                self._merged.pop(next(iter(self._merged)))
        return versions, merged

    def warm(self, known_at: datetime | None = None) -> None:
        """Build (or load) and cache the indexes of the versions in force now, waiting for it
        even with ``background_swap`` (the API calls it after loading a list)."""
        if known_at is not None:
            self.bundle(known_at)
        else:
            self._now(wait=True)

    def screen(
        self,
        query: Query,
        *,
        as_of: date,
        known_at: datetime | None = None,
        threshold: float | None = None,
        limit: int | None = None,
        lists: Sequence[str] | None = None,
    ) -> ScreenResult:
        if not query.name or not query.name.strip():
            raise InvalidInput("the name to screen is empty")
        versions, bundle = self.bundle(known_at)
        now = known_at if known_at is not None else datetime.now(UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        warnings = freshness_warnings(versions, self.settings, now)
        if warnings and self.settings.stale_policy == "refuse":
            # fail closed: never answer "no hit" against missing or stale lists
            raise StaleLists("screening refused: " + "; ".join(warnings))
        hits = match_query(
            bundle,
            query,
            self.config,
            as_of,
            threshold=threshold,
            limit=limit or self.settings.max_hits,
            lists=lists,
        )
        return ScreenResult(query, as_of, tuple(versions), tuple(hits), known_at, tuple(warnings))

    def screen_many(
        self, queries: Iterable[Query], *, as_of: date, **kwargs: Any
    ) -> list[ScreenResult]:
        return [self.screen(q, as_of=as_of, **kwargs) for q in queries]


__all__ = [
    "IndexBundle",
    "Screener",
    "blob_key",
    "code_fingerprint",
    "freshness_warnings",
    "listings_in_force",
    "match_query",
]
