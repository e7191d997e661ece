"""Screeners over the real BIS Denied Persons List: the real matcher pinned (``real_factory``)
and a slow rapidfuzz stand-in (``DplFactory``) for the interruption test.

It returns real ``ScreenResult`` objects (hits with entities and listings), scored with rapidfuzz
``token_sort_ratio``; the batch engines only need ``.screen(query, as_of=..., ...)``.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime

from rapidfuzz import fuzz, process

from tradescreen.match.config import MatchConfig
from tradescreen.match.explanation import Explanation
from tradescreen.model import Entity, EntityKind, Listing, ListVersion, Name, Query
from tradescreen.results import Hit, ScreenResult
from tradescreen.screening.matcher import IndexBundle
from tradescreen.screening.snapshot import SnapshotFactory, SnapshotScreener

try:  # tests/ as a package, or tests/ itself on sys.path (the SIGKILL test's child process)
    from tests.data_paths import DATA, require_data
except ImportError:  # pragma: no cover
    from data_paths import DATA, require_data  # type: ignore[no-redef]

DPL = DATA / "lists" / "us_bis_dpl" / "bis_dpl_2026-04-14.json"


def dpl_entities() -> list[Entity]:
    raw = json.loads(require_data(DPL).read_text(encoding="utf-8"))["entities"]
    out = []
    for i, e in enumerate(raw):
        out.append(
            Entity(
                id=f"us_bis_dpl-{i}",
                kind=EntityKind.UNKNOWN,
                names=(Name(e["name"]),),
                listings=(
                    Listing(
                        "us_bis_dpl",
                        "Denied Persons List",
                        start_date=date.fromisoformat(e["effective_date"])
                        if e.get("effective_date")
                        else None,
                    ),
                ),
            )
        )
    return out


VERSION = ListVersion(
    id=1,
    list_code="us_bis_dpl",
    list_name="Denied Persons List",
    source=str(DPL),
    format="nsf_json",
    sha256="0" * 64,
    retrieved_at=datetime(2026, 4, 14),
    record_count=564,
)


class DplScreener:
    def __init__(self, delay: float = 0.0) -> None:
        self.entities = dpl_entities()
        self.choices = [e.name.upper() for e in self.entities]
        self.delay = delay

    def screen(
        self,
        query: Query,
        *,
        as_of: date,
        known_at: datetime | None = None,
        threshold: float | None = None,
    ) -> ScreenResult:
        if self.delay:
            time.sleep(self.delay)
        cutoff = 100 * (0.85 if threshold is None else threshold)
        found = process.extract(
            query.name.upper(),
            self.choices,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=cutoff,
            limit=5,
        )
        hits = tuple(
            Hit(
                entity=self.entities[i],
                matched_name=self.entities[i].name,
                score=score / 100,
                explanation=Explanation.of_note("token_sort_ratio", score / 100),
                listings=self.entities[i].listings,
                version_id=1,
            )
            for _, score, i in found
        )
        return ScreenResult(query=query, as_of=as_of, list_versions=(VERSION,), hits=hits)


class DplFactory:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    def __call__(self) -> DplScreener:
        return DplScreener(self.delay)


def dpl_snapshot() -> SnapshotScreener:
    """The real matcher (index + compare) over the real DPL, pinned like a batch job pins it."""
    global _SNAPSHOT
    if _SNAPSHOT is None:
        bundle = IndexBundle.build(dpl_entities(), VERSION.id)
        _SNAPSHOT = SnapshotScreener((VERSION,), bundle, MatchConfig(threshold=0.75), 10)
    return _SNAPSHOT


_SNAPSHOT: SnapshotScreener | None = None


def real_factory() -> SnapshotFactory:
    return SnapshotFactory(dpl_snapshot())
