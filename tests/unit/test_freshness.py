"""One staleness rule, used alike by screening, /readyz, `tradescreen lists` and the web UI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tradescreen.cli.lists import version_json
from tradescreen.model import ListVersion
from tradescreen.screening.freshness import freshness_warnings
from tradescreen.services.status import list_status
from tradescreen.settings import Settings

LOADED = datetime(2026, 1, 1, tzinfo=UTC)
V = ListVersion(1, "us_bis_el", "Entity List", "file", "nsf_json", "0" * 64, LOADED, 10)


class OneVersion:
    """A store holding one version in force (what list_status reads)."""

    def active_versions(self) -> list[ListVersion]:
        return [V]

    def versions(self) -> list[ListVersion]:
        return [V]


@pytest.mark.parametrize(
    ("after", "days", "stale"),
    [
        (timedelta(days=7), 7, False),
        (timedelta(days=7, hours=1), 7, True),  # seven whole days and a bit: stale everywhere
        (timedelta(hours=1), 0, True),  # 0 means any age, not "never"
        (timedelta(0), 0, False),
    ],
)
def test_every_adapter_applies_the_same_rule(after: timedelta, days: int, stale: bool) -> None:
    now = LOADED + after
    assert V.is_stale(now, days) is stale
    warned = freshness_warnings([V], Settings(stale_after_days=days), now)
    assert any("is stale" in w for w in warned) is stale
    status = list_status(OneVersion(), Settings(stale_after_days=days), now)  # type: ignore[arg-type]
    assert status.lists[0].stale is stale and status.ready is not stale
    assert version_json(V, now, days)["stale"] is stale


def test_naive_load_time_is_taken_as_utc() -> None:
    naive = ListVersion(1, "x", "x", "f", "f", "0", datetime(2026, 1, 1), 1)
    assert naive.age(LOADED + timedelta(days=2)) == timedelta(days=2)


def test_a_stale_warning_counts_from_the_datas_own_date() -> None:
    """Age runs from the source's own date where it gives one (issue 15: a 2022 file loaded
    today is not "0 days" old); the warning says so, not "loaded N days ago"."""
    from datetime import UTC, date, datetime

    from tradescreen.model import ListVersion
    from tradescreen.screening.freshness import freshness_warnings
    from tradescreen.settings import Settings

    loaded = datetime(2026, 12, 1, tzinfo=UTC)
    old = ListVersion(
        3, "us_csl", "CSL", "f", "csl_csv", "0", loaded, 1, data_date=date(2022, 4, 1)
    )
    new = ListVersion(4, "un_sc", "UN", "f", "un_xml", "0", loaded, 1)
    now = datetime(2026, 12, 2, tzinfo=UTC)
    warnings = freshness_warnings([old, new], Settings(stale_after_days=7), now)
    assert warnings == [
        "list us_csl is stale: its data is dated 2022-04-01, 1706 days ago (version 3)"
    ]
