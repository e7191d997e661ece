"""List status: one builder for ``tradescreen lists``, ``GET /v1/lists`` and ``/readyz``, and the
web UI's lists page. Which versions are in force, how old each is at the clock's "now", which are
stale, which required lists are missing, and the refused (quarantined) updates not in force.
A list in force from two sources (the CSL's Entity List and the eCFR's) has one row per source
(``ListVersion.origin``); a required list is present when any source has it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tradescreen.model import ListVersion
from tradescreen.origins import origin_name
from tradescreen.settings import Settings
from tradescreen.store.base import Store


@dataclass(frozen=True, slots=True)
class ListState:
    version: ListVersion
    age_days: float  # fractional days since the version was loaded
    stale: bool

    @property
    def whole_days(self) -> int:
        return max(0, int(self.age_days))

    @property
    def origin_name(self) -> str:
        """The publication the version came from, as a person reads it."""
        return origin_name(self.version.origin)


@dataclass(frozen=True, slots=True)
class ListStatus:
    at: datetime
    stale_after_days: int
    lists: tuple[ListState, ...]  # the versions in force, by list code then source
    missing: tuple[str, ...]  # required lists (Settings.required_lists) not loaded
    quarantined: tuple[ListVersion, ...] = ()  # newest refused updates not in force

    @property
    def stale(self) -> tuple[str, ...]:
        return tuple(s.version.list_code for s in self.lists if s.stale)

    @property
    def ready(self) -> bool:
        """Lists loaded, none stale, none required missing: what ``/readyz`` answers."""
        return bool(self.lists) and not self.missing and not self.stale


def list_status(
    store: Store, settings: Settings, now: datetime, *, with_quarantined: bool = False
) -> ListStatus:
    active = store.active_versions()  # by list code, then source precedence
    limit = settings.stale_after_days
    states = tuple(
        ListState(v, v.age(now).total_seconds() / 86400, v.is_stale(now, limit)) for v in active
    )
    present = {v.list_code for v in active}
    missing = tuple(c for c in settings.required_lists if c not in present)
    pending: tuple[ListVersion, ...] = ()
    if with_quarantined:
        newest = {v.stream: v for v in reversed(store.versions())}
        ids = {v.id for v in active}
        pending = tuple(v for v in newest.values() if v.status == "quarantined" and v.id not in ids)
    return ListStatus(now, limit, states, missing, pending)


__all__ = ["ListState", "ListStatus", "list_status"]
