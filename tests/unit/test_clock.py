"""The one clock: "now" is aware UTC, "today" is the day in the configured zone (UTC by default),
and every channel's default "as of" comes from it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tradescreen.clock import FixedClock, SystemClock, zone
from tradescreen.errors import InvalidInput
from tradescreen.model import Query
from tradescreen.services import Services
from tradescreen.settings import Settings

LATE = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)  # already 2 January in Auckland


def test_today_follows_the_zone_and_now_stays_utc() -> None:
    assert FixedClock(LATE).today() == date(2026, 1, 1)
    auckland = FixedClock(LATE, zone("Pacific/Auckland"))
    assert auckland.today() == date(2026, 1, 2) and auckland.now() == LATE
    auckland.advance(timedelta(hours=1))
    assert auckland.now() == LATE + timedelta(hours=1)
    assert SystemClock().now().tzinfo is UTC


def test_unknown_zone_is_bad_input() -> None:
    with pytest.raises(InvalidInput, match="unknown time zone 'Mars/Olympus'"):
        zone("Mars/Olympus")
    with pytest.raises(InvalidInput):
        Services.open(Settings(db="sqlite://", timezone="Mars/Olympus"))


def test_a_screening_without_a_date_is_as_of_the_clock_day(tmp_path: Path) -> None:
    # an empty store: answering at all needs screen_without_lists (refused by default)
    settings = Settings(
        db="sqlite://", audit_key_file=tmp_path / "audit.key", screen_without_lists=True
    )
    services = Services.open(settings, clock=FixedClock(LATE, zone("Pacific/Auckland")))
    out = services.screen_and_record(Query("Nobody In Particular"), actor="t", channel="test")
    assert out.result.as_of == date(2026, 1, 2)
    assert out.record is not None and datetime.fromisoformat(out.record.at) == LATE


def test_the_screener_judges_freshness_at_the_services_clock(tmp_path: Path) -> None:
    """Services gives its one clock to the screener: "stale" is decided at the same now as every
    timestamp the application writes (no second date.today/datetime.now)."""
    from tradescreen.loading import load_files

    sample = Path(__file__).resolve().parents[2] / "examples" / "lists" / "us_csl_sample.csv"
    settings = Settings(db="sqlite://", audit_key_file=tmp_path / "audit.key", stale_after_days=7)
    clock = FixedClock(datetime.now(UTC))
    services = Services.open(settings, clock=clock)
    assert services.screener.clock is clock
    load_files(services.store, [sample], settings=settings)
    fresh = services.screen_and_record(Query("Hikvision"), actor="t", channel="test")
    assert not any("is stale" in w for w in fresh.result.warnings)
    clock.advance(timedelta(days=8))
    late = services.screen_and_record(Query("Hikvision"), actor="t", channel="test")
    assert any("is stale" in w for w in late.result.warnings)
