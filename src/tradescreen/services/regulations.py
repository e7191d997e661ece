"""Refresh the EAR tables from the official eCFR (``tradescreen update --regulations``).

Fetches ``{base}/api/versioner/v1/full/{date}/title-15.xml?part=738`` (the text in force on that
date), reads the Country Chart from it and stores a point-in-time version beside the database;
decisions for that date and later use it (``decide.regulations.tables_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from tradescreen.clock import SystemClock, zone
from tradescreen.decide.ecfr_xml import parse_chart_xml
from tradescreen.decide.regulations import write_chart_version
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
    rows: int


def update_regulations(
    settings: Settings, *, on: date | None = None, base_url: str | None = None
) -> list[RegulationUpdate]:
    """Fetch, read and store the Country Chart in force ``on`` (default: today in
    ``settings.timezone``); DownloadError for a failed fetch, InvalidInput for a document that
    is not a Country Chart."""
    on = on or SystemClock(zone(settings.timezone)).today()
    url = f"{(base_url or ECFR).rstrip('/')}/api/versioner/v1/full/{on.isoformat()}/title-15.xml"
    try:
        resp = httpx.get(
            url, params={"part": "738"}, timeout=settings.download_timeout, follow_redirects=True
        )
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        raise DownloadError(f"eCFR part 738 ({url}): {exc}") from None
    chart = parse_chart_xml(resp.content)
    path = write_chart_version(regulations_dir(settings), on, chart, f"{url}?part=738")
    return [RegulationUpdate("738", on, f"{url}?part=738", path, len(chart["countries"]))]


__all__ = ["RegulationUpdate", "regulations_dir", "update_regulations"]
