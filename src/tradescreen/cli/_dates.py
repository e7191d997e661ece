"""Dates and instants given on the command line: one parser, one message, for every option."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tradescreen.errors import InvalidInput


def day(value: str | None, option: str) -> date | None:
    """``YYYY-MM-DD`` (None or empty: not given; the command picks its default)."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{option}: {value!r} is not a YYYY-MM-DD date") from None


def instant(value: str | None, option: str) -> datetime | None:
    """An ISO date-time (a date alone is its midnight); naive means UTC."""
    if value is None or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{option}: {value!r} is not an ISO date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


__all__ = ["day", "instant"]
