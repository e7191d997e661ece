"""List updates: download the official feeds and load those that changed, failing closed.

The orchestration half of an update (fetching is :mod:`tradescreen.sources.download`, loading
and its checks :mod:`tradescreen.loading`): a failed download is raised as a
``list.rejected`` alert (:mod:`tradescreen.list_alerts`) before the error reaches the caller,
and the version in force stays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from tradescreen.errors import DownloadError
from tradescreen.list_alerts import alert_refused
from tradescreen.loading import LoadReport, load_files
from tradescreen.settings import Settings
from tradescreen.sources.download import FEEDS, Downloader, FeedResult
from tradescreen.store.base import Store


def update(
    store: Store,
    settings: Settings,
    lists: Sequence[str] | None = None,
    base_url: str | None = None,
    *,
    download_dir: Path | None = None,
    downloader: Downloader | None = None,
    force: bool = False,
    expected_sha256: Mapping[str, str] | None = None,
) -> list[tuple[FeedResult, LoadReport | None]]:
    """Download the feeds (all, or the codes in ``lists``) and load those that changed.

    ``expected_sha256`` maps a file name (``sdn.csv``, ``consolidated.xml``) to the digest it
    must have; a mismatch raises ``DownloadError`` and that feed keeps its previous files.
    Any ``DownloadError`` is first raised as an alert (``list.rejected``, see
    :mod:`tradescreen.list_alerts`), as are the load's own refusals.

    Returns ``(FeedResult, LoadReport | None)`` per feed; ``None`` when nothing was modified
    (and ``force`` is off). Raises ``DownloadError`` (nothing loaded for that feed) or what
    :func:`tradescreen.loading.load_files` raises.
    """
    codes = list(lists) if lists else list(FEEDS)
    unknown = [c for c in codes if c not in FEEDS]
    if unknown:
        raise DownloadError(f"unknown feed {unknown[0]!r}; known: {', '.join(FEEDS)}")
    dl = downloader or Downloader.from_settings(settings, download_dir)
    out: list[tuple[FeedResult, LoadReport | None]] = []
    for code in codes:
        feed = FEEDS[code]
        try:
            fetched = dl.fetch_feed(feed, base_url=base_url, expected_sha256=expected_sha256)
        except DownloadError as exc:  # checksum, truncation, HTTP: raised as an alert too
            urls = [feed.url(name, base_url) for name in feed.files]
            alert_refused(store, settings, exc, source=urls)
            raise
        if not fetched.changed and not force:
            out.append((fetched, None))
            continue
        source = " ".join(f.url for f in fetched.files)
        report = load_files(
            store, fetched.paths, format=feed.format, settings=settings, source=source
        )
        out.append((fetched, report))
    return out


__all__ = ["update"]
