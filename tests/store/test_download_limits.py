"""Issue 12 item 6 (downloads): limits on time, size after content decoding and disk space,
against a misbehaving server on 127.0.0.1 started by the test.

Before: a server dripping a byte every 2 s never ended (the timeout was per read), an endless
body filled the disk (traceback, exit 1, no alert) and a ``Content-Encoding: gzip`` bomb passed
the size check.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.audit_records import audited

from tradescreen.cli import main as cli_main
from tradescreen.errors import DownloadLimitExceeded
from tradescreen.sources.download import FEEDS, Downloader

GZ_BOMB = gzip.compress(b"<" + b" " * (64 << 20), compresslevel=9)  # 64 MiB from about 64 KB


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: list[str] = []  # noqa: RUF012 (one server per test)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        mode = self.path.strip("/").split("/", 1)[0]
        type(self).requests.append(self.path)
        try:
            if mode == "drip":
                self._headers({"Content-Length": "1000"})
                for _ in range(1000):  # one byte every 2 s: each read is well inside the timeout
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(2.0)
            elif mode == "endless":
                self._headers({"Transfer-Encoding": "chunked"})
                chunk = b"%x\r\n%s\r\n" % (1 << 16, b"x" * (1 << 16))
                while True:
                    self.wfile.write(chunk)
            elif mode == "gzbomb":
                self._headers({"Content-Encoding": "gzip", "Content-Length": str(len(GZ_BOMB))})
                self.wfile.write(GZ_BOMB)
            elif mode == "big":
                self._headers({"Content-Length": str(10 << 20)})
                self.wfile.write(b"x" * (10 << 20))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _headers(self, extra: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()


@pytest.fixture
def hostile() -> Iterator[str]:
    _Hostile.requests = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


def _dl(tmp_path: Path, **kw: float) -> Downloader:
    opts: dict[str, float] = {"timeout": 5.0, "retries": 2, "backoff": 0.0, **kw}
    return Downloader(
        tmp_path / "dl",
        timeout=opts.pop("timeout"),
        retries=int(opts.pop("retries")),
        backoff=opts.pop("backoff"),
        sleep=lambda s: None,
        **opts,  # type: ignore[arg-type]
    )


def _left(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "dl").rglob("*") if p.is_file()]


def test_drip_ends_at_the_total_time_limit(tmp_path: Path, hostile: str) -> None:
    t0 = time.monotonic()
    with pytest.raises(DownloadLimitExceeded, match=r"not finished after 3 s .*download_total"):
        _dl(tmp_path, total_timeout=3.0).fetch_feed(FEEDS["un_sc"], base_url=hostile + "drip/")
    assert time.monotonic() - t0 < 15  # before: about 2,000 s for this body, forever for more
    assert len(_Hostile.requests) == 1  # a limit is not retried
    assert _left(tmp_path) == []


def test_endless_body_stops_at_the_size_limit(tmp_path: Path, hostile: str) -> None:
    with pytest.raises(DownloadLimitExceeded, match=r"more than 4,194,304 bytes \(limit"):
        _dl(tmp_path, max_bytes=4 << 20).fetch_feed(FEEDS["un_sc"], base_url=hostile + "endless/")
    assert _left(tmp_path) == []  # the partial file is removed


def test_content_encoding_bomb_is_counted_after_decoding(tmp_path: Path, hostile: str) -> None:
    # The declared length (about 64 KB) passes; the decoded body would be 64 MiB.
    with pytest.raises(DownloadLimitExceeded, match="Content-Encoding compression ratio above"):
        _dl(tmp_path).fetch_feed(FEEDS["un_sc"], base_url=hostile + "gzbomb/")
    with pytest.raises(DownloadLimitExceeded, match="after content decoding"):
        _dl(tmp_path, max_bytes=1 << 20, max_ratio=10_000.0).fetch_feed(
            FEEDS["un_sc"], base_url=hostile + "gzbomb/"
        )
    assert _left(tmp_path) == []


def test_announced_size_over_the_limit_is_refused_before_the_body(
    tmp_path: Path, hostile: str
) -> None:
    with pytest.raises(DownloadLimitExceeded, match=r"10,485,760 bytes announced, more than"):
        _dl(tmp_path, max_bytes=1 << 20).fetch_feed(FEEDS["un_sc"], base_url=hostile + "big/")


def test_disk_space_is_checked_first(tmp_path: Path, hostile: str) -> None:
    with pytest.raises(DownloadLimitExceeded, match="not enough disk space"):
        _dl(tmp_path, min_free_bytes=1 << 62).fetch_feed(FEEDS["un_sc"], base_url=hostile + "big/")
    assert _Hostile.requests == []  # refused before any request


def test_cli_update_refusal_is_exit_4_one_line_and_an_alert(
    tmp_path: Path,
    hostile: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "dl.db"
    monkeypatch.setenv("TRADESCREEN_DB", str(db))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("TRADESCREEN_DOWNLOAD_DIR", str(tmp_path / "dl"))
    monkeypatch.setenv("TRADESCREEN_DOWNLOAD_MAX_BYTES", str(2 << 20))
    capsys.readouterr()
    code = cli_main(["update", "--list", "un_sc", "--base-url", hostile + "endless/"])
    out = capsys.readouterr()
    assert code == 4
    assert "Traceback" not in out.out + out.err
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "download_max_bytes" in lines[0], lines
    [alert] = audited(db, "list.rejected")
    assert alert["code"] == "download_limit_exceeded"
    assert alert["source"] == [hostile + "endless/consolidated.xml"]
