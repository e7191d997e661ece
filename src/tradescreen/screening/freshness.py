"""The freshness policy: stale and missing lists, flagged in every result or refused.

One rule for every engine (the screener, a pinned snapshot): :func:`freshness_warnings` says
what is wrong with the versions in force at an instant; :func:`checked_freshness` applies
``Settings.stale_policy`` to it (``refuse``: raise :class:`~tradescreen.errors.StaleLists`, never
answer "no hit" against missing or stale lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tradescreen.errors import StaleLists
from tradescreen.model import ListVersion
from tradescreen.settings import Settings


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
            since = (
                f"its data is dated {v.data_date.isoformat()}, {days} days ago"
                if v.data_date is not None and v.current_since < v.retrieved_at
                else f"loaded {days} days ago"
            )
            out.append(f"list {v.list_code} is stale: {since} (version {v.id})")
    loaded = {v.list_code for v in versions}
    for code in settings.required_lists:
        if code not in loaded:
            out.append(f"required list {code} is not loaded")
    return out


def as_utc(at: datetime) -> datetime:
    """An instant as an aware datetime (a naive one is taken as UTC)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def checked_freshness(
    versions: Sequence[ListVersion], settings: Settings, now: datetime
) -> tuple[str, ...]:
    """The warnings every result carries; with ``stale_policy="refuse"`` any warning refuses
    the screening instead (:class:`StaleLists`)."""
    warnings = tuple(freshness_warnings(versions, settings, as_utc(now)))
    if warnings and settings.stale_policy == "refuse":
        raise StaleLists("screening refused: " + "; ".join(warnings))
    return warnings


__all__ = ["as_utc", "checked_freshness", "freshness_warnings"]
