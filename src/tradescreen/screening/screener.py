"""The library's main call: screen a party against the list versions in force.

``Screener(store, settings)`` picks versions with ``store.active_versions(known_at)``, gets their
merged index from its :class:`~tradescreen.screening.index_cache.IndexCache`, applies the
freshness policy at the instant its clock gives (or at ``known_at`` for a replay) and runs the
pure :func:`~tradescreen.screening.matcher.match_query`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tradescreen.clock import Clock, SystemClock, zone
from tradescreen.errors import InvalidInput
from tradescreen.match.config import MatchConfig
from tradescreen.model import ListVersion, Query
from tradescreen.results import ScreenResult
from tradescreen.screening.freshness import checked_freshness
from tradescreen.screening.index_cache import IndexCache
from tradescreen.screening.matcher import VersionSet, match_query
from tradescreen.settings import Settings
from tradescreen.store.base import Store


@dataclass(frozen=True)
class InForce:
    """The versions in force as last read from the store: when (monotonic seconds), at which
    store generation, and which."""

    read_at: float
    generation: int
    versions: tuple[ListVersion, ...]


class Screener:
    """Screens queries against a store; caches the merged index of the versions in force.

    ``background_swap`` (what the API server uses): when the versions in force change, the
    index of the new set is built in the background while queries keep being answered,
    atomically, on the previous set (each answer cites the versions it used); the new set is
    switched in whole once built. Without it (the default, for library calls and the CLI) the
    first query after a change waits for the build. Either way no answer mixes versions, and
    the bundles of superseded sets are dropped (see :class:`IndexCache`).

    Seams: ``clock`` gives "now" for the freshness policy (default: the system clock in
    ``settings.timezone``); ``cache`` holds the indexes (pass one built with your own
    ``spawn`` to control the background swap); ``monotonic`` times the view of the versions in
    force (``settings.version_refresh_seconds``).
    """

    def __init__(
        self,
        store: Store,
        settings: Settings | None = None,
        config: MatchConfig | None = None,
        *,
        background_swap: bool = False,
        clock: Clock | None = None,
        cache: IndexCache | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.config = config or MatchConfig(threshold=self.settings.threshold)
        self.background_swap = background_swap
        self.clock: Clock = clock or SystemClock(zone(self.settings.timezone))
        self.cache = cache or IndexCache(store)
        self.monotonic = monotonic
        self._in_force: InForce | None = None

    def versions_in_force(self, known_at: datetime | None = None) -> list[ListVersion]:
        """The versions a screening uses, by id. For "now" the answer is cached until the
        store's generation changes (a load in this process) or ``version_refresh_seconds``
        pass (a load by another process): one query per interval instead of one per screen."""
        if known_at is not None:
            return sorted(self.store.active_versions(known_at), key=lambda v: v.id)
        generation = self.store.generation
        now = self.monotonic()
        cached = self._in_force
        if (
            cached is not None
            and cached.generation == generation
            and now - cached.read_at < self.settings.version_refresh_seconds
        ):
            return list(cached.versions)
        versions = sorted(self.store.active_versions(), key=lambda v: v.id)
        self._in_force = InForce(now, generation, tuple(versions))
        return versions

    def _now(self, *, wait: bool) -> VersionSet:
        """The set in force now; when it changed and ``wait`` is off, the previous set while
        the new one is built in the background."""
        versions = self.versions_in_force()
        cur = self.cache.current
        if not wait and cur is not None and cur.key != tuple(v.id for v in versions):
            self.cache.swap(versions)
            return cur
        return self.cache.use(versions)

    def bundle(self, known_at: datetime | None = None) -> VersionSet:
        """The versions a screening uses and their merged index (see the class docstring)."""
        if known_at is None:
            return self._now(wait=not self.background_swap)
        return self.cache.replay(self.versions_in_force(known_at))

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
        vs = self.bundle(known_at)
        now = known_at if known_at is not None else self.clock.now()
        warnings = checked_freshness(vs.versions, self.settings, now)
        hits = match_query(
            vs.bundle,
            query,
            self.config,
            as_of,
            threshold=threshold,
            limit=limit or self.settings.max_hits,
            lists=lists,
            origins=vs.origins,
        )
        return ScreenResult(query, as_of, vs.versions, tuple(hits), known_at, warnings)

    def screen_many(
        self, queries: Iterable[Query], *, as_of: date, **kwargs: Any
    ) -> list[ScreenResult]:
        return [self.screen(q, as_of=as_of, **kwargs) for q in queries]


__all__ = ["InForce", "Screener"]
