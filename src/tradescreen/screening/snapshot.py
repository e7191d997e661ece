"""A screener pinned to one set of list versions: no store, no I/O, picklable.

``Screener.screen`` asks the store which versions are in force on every call; a batch job or a
monitoring run must not (it holds its own transaction, and it should screen every row against
the same versions even if a load lands meanwhile). :class:`SnapshotScreener` takes the merged
``IndexBundle`` once and calls the same pure :func:`~tradescreen.screening.matcher.match_query`,
building the same ``ScreenResult``. It is what the local engine forks into its workers, what the
Spark engine broadcasts, and what a monitoring run screens with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tradescreen.errors import InvalidInput
from tradescreen.match.config import MatchConfig
from tradescreen.model import ListVersion, Query
from tradescreen.results import ScreenResult
from tradescreen.screening.freshness import checked_freshness
from tradescreen.screening.matcher import IndexBundle, match_query, version_origins
from tradescreen.screening.screener import Screener
from tradescreen.settings import Settings


@dataclass
class SnapshotScreener:
    """``warnings`` (stale lists, required lists missing: ``freshness.freshness_warnings`` at
    the time the snapshot is taken, by the screener's clock or at ``known_at``) go into every
    result, as ``Screener.screen`` puts them; with
    ``stale_policy="refuse"`` a snapshot over such lists is not taken at all (``StaleLists``):
    a batch or a monitoring run then fails before its first row, never answers "no hit"."""

    versions: tuple[ListVersion, ...]
    bundle: IndexBundle
    config: MatchConfig
    max_hits: int = 10
    known_at: datetime | None = None
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_screener(
        cls, screener: Screener, known_at: datetime | None = None
    ) -> SnapshotScreener:
        vs = screener.bundle(known_at)
        settings = screener.settings
        now = known_at if known_at is not None else screener.clock.now()
        warnings = checked_freshness(vs.versions, settings, now)
        return cls(vs.versions, vs.bundle, screener.config, settings.max_hits, known_at, warnings)

    @classmethod
    def from_settings(
        cls, settings: Settings, known_at: datetime | None = None
    ) -> SnapshotScreener:
        from tradescreen.store.sql import open_store

        store = open_store(settings)  # a fresh database gets its schema, not "no such table"
        try:
            return cls.from_screener(Screener(store, settings), known_at)
        finally:
            store.close()

    def screen(
        self,
        query: Query,
        *,
        as_of: date,
        known_at: datetime | None = None,
        threshold: float | None = None,
    ) -> ScreenResult:
        if not query.name or not query.name.strip():
            raise InvalidInput("the name to screen is empty")
        warnings = self.warnings or (() if self.versions else ("no list loaded",))
        hits = match_query(
            self.bundle,
            query,
            self.config,
            as_of,
            threshold=threshold,
            limit=self.max_hits,
            origins=version_origins(self.versions),
        )
        return ScreenResult(query, as_of, self.versions, tuple(hits), self.known_at, warnings)


class SnapshotFactory:
    """A picklable screener factory that hands out one prebuilt snapshot (fork shares it)."""

    def __init__(self, snapshot: SnapshotScreener) -> None:
        self.snapshot = snapshot

    def __call__(self) -> SnapshotScreener:
        return self.snapshot


__all__ = ["SnapshotFactory", "SnapshotScreener"]
