"""The one clock. "Now" and "today" come from here, in one documented time zone.

Every channel (CLI, API, web UI, batch, monitoring) takes its default "as of" date and its
timestamps from the application's clock (``tradescreen.services.Services.clock``), so a screening
made through any door near midnight gives the same default date. The zone is UTC unless
``Settings.timezone`` names another (an IANA name such as ``Europe/Berlin``); timestamps are
always stored as aware UTC datetimes, only the calendar day ("today") follows the zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from tradescreen.errors import InvalidInput


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, an aware datetime in UTC."""
        ...

    def today(self) -> date:
        """The calendar day of ``now()`` in the clock's time zone (the default "as of")."""
        ...


def zone(name: str) -> tzinfo:
    """An IANA time-zone name as a tzinfo; ``UTC`` (any case) is UTC."""
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {name!r}: use an IANA name such as UTC") from exc


@dataclass(frozen=True)
class SystemClock:
    """The machine's clock; ``today()`` is the day in ``tz`` (UTC by default)."""

    tz: tzinfo = UTC

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(self.tz).date()


@dataclass
class FixedClock:
    """A clock that stands still until moved: the seam tests use instead of sleeping."""

    at: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, tzinfo=UTC))
    tz: tzinfo = UTC

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.astimezone(self.tz).date()

    def advance(self, delta: timedelta) -> None:
        self.at = self.at + delta


__all__ = ["Clock", "FixedClock", "SystemClock", "zone"]
