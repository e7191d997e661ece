"""Download the official list files and load them (``tradescreen update``).

Each feed is a set of files fetched from one base URL. For every file:

- a conditional request (``If-None-Match`` / ``If-Modified-Since``) from what the last download
  answered, remembered in ``state.json`` in the download directory;
- a timeout (``settings.download_timeout``) and retries with exponential backoff
  (``settings.download_retries``) on network errors and 5xx answers; 4xx fails at once;
- the body is streamed to a temporary file and checked against ``Content-Length`` (a truncated
  body is refused) and, when given, an expected SHA-256;
- limits (``DownloadLimitExceeded``, exit 4, not retried): a total time per file
  (``settings.download_total_timeout``: the per-read timeout alone lets a server dripping a byte
  every few seconds run forever), a total size counted *after* content decoding
  (``settings.download_max_bytes``, so a ``Content-Encoding: gzip`` bomb stops there) and the
  decompression ratio limit of ``sources/limits.py`` on an encoded body, and free disk space
  (``settings.download_min_free_bytes``) checked before the request, against ``Content-Length``
  before the body, and while writing.

A feed's files replace the previous ones (atomic ``rename``) only when ALL of them downloaded
intact, so a failed download never mixes old and new files and loads nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from tradescreen.errors import DownloadError, DownloadLimitExceeded, LimitExceeded
from tradescreen.settings import Settings
from tradescreen.sources.limits import Limits

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
STATE_FILE = "state.json"
USER_AGENT = "tradescreen (+https://github.com/tradescreen/tradescreen)"


@dataclass(frozen=True, slots=True)
class Feed:
    """One official download: files fetched from ``base_url`` and read together."""

    code: str
    title: str
    base_url: str
    files: tuple[str, ...]
    format: str | None = None  # reader name; None lets the registry detect it

    def url(self, name: str, base_url: str | None = None) -> str:
        return (base_url or self.base_url).rstrip("/") + "/" + name


FEEDS: dict[str, Feed] = {
    f.code: f
    for f in (
        Feed(
            "us_csl",
            "trade.gov Consolidated Screening List (CSV)",
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/",
            ("consolidated.csv",),
        ),
        Feed(
            "us_ofac_sdn",
            "OFAC SDN list (legacy CSV)",
            OFAC_EXPORTS,
            ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"),
        ),
        Feed(
            "us_ofac_cons",
            "OFAC Consolidated non-SDN list (legacy CSV)",
            OFAC_EXPORTS,
            ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
        ),
        Feed(
            "un_sc",
            "UN Security Council Consolidated List (XML)",
            "https://scsanctions.un.org/resources/xml/en/",
            ("consolidated.xml",),
        ),
    )
}


@dataclass
class FileResult:
    url: str
    path: Path
    status: str  # "downloaded" | "not_modified"
    sha256: str | None = None
    size: int | None = None
    attempts: int = 1


@dataclass
class FeedResult:
    feed: str
    files: list[FileResult] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(f.status == "downloaded" for f in self.files)

    @property
    def paths(self) -> list[Path]:
        return [f.path for f in self.files]


def default_download_dir(settings: Settings) -> Path:
    """``settings.download_dir`` when set, else ``downloads/`` beside a SQLite file store, else
    the user data directory."""
    configured = settings.download_dir
    if configured:
        return Path(configured).expanduser()
    url = settings.db_url()
    if url.startswith("sqlite:///") and url not in ("sqlite:///:memory:",):
        return Path(url.split("///", 1)[1]).expanduser().parent / "downloads"
    from platformdirs import user_data_dir

    return Path(user_data_dir("tradescreen", appauthor=False)) / "downloads"


def _read_state(directory: Path) -> dict[str, dict[str, Any]]:
    path = directory / STATE_FILE
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_state(directory: Path, state: Mapping[str, Any]) -> None:
    tmp = directory / f".{STATE_FILE}.tmp"
    tmp.write_bytes(orjson.dumps(state, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    os.replace(tmp, directory / STATE_FILE)


class Downloader:
    """Fetches files with conditional requests, retries and integrity checks."""

    def __init__(
        self,
        directory: Path,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        total_timeout: float = 1800.0,
        max_bytes: int = 512 << 20,
        min_free_bytes: int = 64 << 20,
        max_ratio: float = 100.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = directory
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self._client = client
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.min_free_bytes = min_free_bytes
        self.max_ratio = max_ratio
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, directory: Path | None = None) -> Downloader:
        return cls(
            directory or default_download_dir(settings),
            timeout=settings.download_timeout,
            retries=settings.download_retries,
            total_timeout=settings.download_total_timeout,
            max_bytes=settings.download_max_bytes,
            min_free_bytes=settings.download_min_free_bytes,
            max_ratio=settings.max_compression_ratio,
        )

    def _check_disk(self, where: Path, url: str, need: int = 0) -> None:
        free = shutil.disk_usage(where).free
        if free - need < self.min_free_bytes:
            what = f"{need:,} bytes announced, " if need else ""
            raise DownloadLimitExceeded(
                f"{url}: not enough disk space in {where} ({what}{free:,} free; at least"
                f" {self.min_free_bytes:,} must stay free: download_min_free_bytes)"
            )

    def fetch_feed(
        self,
        feed: Feed,
        *,
        base_url: str | None = None,
        expected_sha256: Mapping[str, str] | None = None,
    ) -> FeedResult:
        """Download every file of ``feed``; replace the stored files only if all succeeded."""
        target = self.directory / feed.code
        target.mkdir(parents=True, exist_ok=True)
        state = _read_state(self.directory)
        result = FeedResult(feed.code)
        temps: list[tuple[Path, FileResult, dict[str, Any]]] = []
        client = self._client or httpx.Client(
            timeout=self.timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        )
        try:
            for name in feed.files:
                url = feed.url(name, base_url)
                dest = target / name
                known = state.get(url, {}) if dest.exists() else {}
                want = (expected_sha256 or {}).get(name)
                fr, tmp, info = self._fetch(client, url, dest, known, want)
                result.files.append(fr)
                if tmp is not None:
                    temps.append((tmp, fr, info))
            for tmp, fr, info in temps:
                os.replace(tmp, fr.path)
                state[fr.url] = info
            if temps:
                _write_state(self.directory, state)
        finally:
            for tmp, _, _ in temps:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
            if self._client is None:
                client.close()
        return result

    def _fetch(
        self,
        client: httpx.Client,
        url: str,
        dest: Path,
        known: Mapping[str, Any],
        expected_sha256: str | None,
    ) -> tuple[FileResult, Path | None, dict[str, Any]]:
        headers: dict[str, str] = {}
        if known.get("etag"):
            headers["If-None-Match"] = str(known["etag"])
        if known.get("last_modified"):
            headers["If-Modified-Since"] = str(known["last_modified"])
        last_error = "no attempt made"
        for attempt in range(1, self.retries + 2):
            if attempt > 1:
                self.sleep(self.backoff * 2 ** (attempt - 2))
            self._check_disk(dest.parent, url)
            try:
                with client.stream("GET", url, headers=headers, timeout=self.timeout) as resp:
                    if resp.status_code == 304:
                        return FileResult(url, dest, "not_modified", attempts=attempt), None, {}
                    if resp.status_code >= 500 or resp.status_code == 429:
                        last_error = f"HTTP {resp.status_code}"
                        continue
                    if resp.status_code != 200:
                        raise DownloadError(f"{url}: HTTP {resp.status_code}")
                    tmp, digest, size = self._receive(resp, dest)
            except httpx.TimeoutException:
                last_error = f"timed out after {self.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                last_error = f"{type(exc).__name__}: {exc}"
                continue
            except _Truncated as exc:
                last_error = str(exc)
                continue
            if expected_sha256 and digest != expected_sha256.lower():
                tmp.unlink()
                raise DownloadError(f"{url}: SHA-256 {digest} differs from the expected one")
            info = {
                "etag": resp.headers.get("etag"),
                "last_modified": resp.headers.get("last-modified"),
                "sha256": digest,
                "size": size,
                "fetched_at": datetime.now(UTC).isoformat(),
            }
            return FileResult(url, dest, "downloaded", digest, size, attempt), tmp, info
        raise DownloadError(f"{url}: {last_error} (after {self.retries + 1} attempts)")

    def _receive(self, resp: httpx.Response, dest: Path) -> tuple[Path, str, int]:
        url = str(resp.request.url)
        deadline = self.clock() + self.total_timeout
        declared = resp.headers.get("content-length")
        encoded = resp.headers.get("content-encoding", "identity") not in ("", "identity")
        if declared is not None and declared.isdigit():
            if not encoded and int(declared) > self.max_bytes:
                raise DownloadLimitExceeded(
                    f"{url}: {int(declared):,} bytes announced, more than {self.max_bytes:,}"
                    " (limit: download_max_bytes)"
                )
            self._check_disk(dest.parent, url, int(declared))
        ratio = Limits(max_decompressed_bytes=self.max_bytes, max_compression_ratio=self.max_ratio)
        h = hashlib.sha256()
        size = 0
        raw = 0
        checked_disk_at = 0
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise DownloadLimitExceeded(
                            f"{url}: more than {self.max_bytes:,} bytes"
                            + (" after content decoding" if encoded else "")
                            + " (limit: download_max_bytes)"
                        )
                    if encoded:
                        try:
                            ratio.check_output(size, resp.num_bytes_downloaded, None)
                        except LimitExceeded as exc:
                            raise DownloadLimitExceeded(
                                f"{url}: Content-Encoding {exc.message}"
                            ) from exc
                    if self.clock() > deadline:
                        raise DownloadLimitExceeded(
                            f"{url}: not finished after {self.total_timeout:g} s ({size:,}"
                            " bytes received; limit: download_total_timeout)"
                        )
                    if size - checked_disk_at >= 16 << 20:
                        self._check_disk(dest.parent, url)
                        checked_disk_at = size
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise DownloadLimitExceeded(
                            f"{url}: cannot write {tmp} ({exc.strerror})"
                        ) from exc
                    h.update(chunk)
                raw = resp.num_bytes_downloaded
                out.flush()
                os.fsync(out.fileno())
            if declared is not None and declared.isdigit():
                got = raw if encoded else size
                if got != int(declared):
                    raise _Truncated(f"body truncated: {got} of {declared} bytes")
            if size == 0:
                raise _Truncated("empty body")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp, h.hexdigest(), size


class _Truncated(Exception):
    pass


__all__ = [
    "FEEDS",
    "Downloader",
    "Feed",
    "FeedResult",
    "FileResult",
    "default_download_dir",
]
