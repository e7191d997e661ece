"""Refresh the EAR tables from the official eCFR (``tradescreen update --regulations``).

Fetches ``{base}/api/versioner/v1/full/{date}/title-15.xml?part=738`` and ``?part=740`` (the
text in force on that date), reads the Country Chart and the Country Groups from them and stores
a point-in-time version beside the database;
decisions for that date and later use it (``decide.regulations.tables_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from tradescreen.clock import SystemClock, zone
from tradescreen.decide.ecfr_xml import parse_chart_xml, parse_groups_xml
from tradescreen.decide.regulations import (
    CHART_FILE,
    GROUPS_FILE,
    chart_document,
    groups_document,
    write_version,
)
from tradescreen.errors import DownloadError
from tradescreen.settings import Settings
from tradescreen.sources.download import default_download_dir

ECFR = "https://www.ecfr.gov"


def regulations_dir(settings: Settings) -> Path:
    """``regulations/`` beside the download directory."""
    return default_download_dir(settings).parent / "regulations"


@dataclass(frozen=True, slots=True)
class RegulationUpdate:
    part: str
    issue_date: date
    url: str
    path: Path
    rows: int  # chart rows, or Country Group memberships


def _fetch(settings: Settings, url: str, part: str) -> bytes:
    try:
        resp = httpx.get(
            url, params={"part": part}, timeout=settings.download_timeout, follow_redirects=True
        )
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        raise DownloadError(f"eCFR part {part} ({url}): {exc}") from None
    return resp.content


def update_regulations(
    settings: Settings, *, on: date | None = None, base_url: str | None = None
) -> list[RegulationUpdate]:
    """Fetch Parts 738 and 740 as in force ``on`` (default: today in ``settings.timezone``),
    read the Country Chart and the Country Groups, and store them as one version; nothing is
    written unless both read. DownloadError for a failed fetch, InvalidInput for a document that
    is not what it should be."""
    on = on or SystemClock(zone(settings.timezone)).today()
    url = f"{(base_url or ECFR).rstrip('/')}/api/versioner/v1/full/{on.isoformat()}/title-15.xml"
    chart = parse_chart_xml(_fetch(settings, url, "738"))
    groups = parse_groups_xml(_fetch(settings, url, "740"))
    docs = {
        CHART_FILE: chart_document(on, chart, f"{url}?part=738"),
        GROUPS_FILE: groups_document(on, groups, f"{url}?part=740"),
    }
    chart_path, groups_path = write_version(regulations_dir(settings), on, docs)
    return [
        RegulationUpdate("738", on, f"{url}?part=738", chart_path, len(chart["countries"])),
        RegulationUpdate(
            "740", on, f"{url}?part=740", groups_path, sum(len(v) for v in groups.values())
        ),
    ]


__all__ = ["RegulationUpdate", "regulations_dir", "update_regulations"]
