"""Downloads against a real HTTP server on 127.0.0.1 serving the real shared list files."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
from httpserver import Behaviour, serve

from tradescreen.errors import DownloadError
from tradescreen.services.lists import update
from tradescreen.settings import Settings
from tradescreen.sources.download import FEEDS, Downloader, default_download_dir
from tradescreen.store.sql import SqlStore


@pytest.fixture
def un_xml(shared_data: Path) -> bytes:
    return gzip.decompress(
        (shared_data / "lists/un_sc/UN_consolidated_2026-02-27.xml.gz").read_bytes()
    )


@pytest.fixture
def sdn_2021(shared_data: Path) -> dict[str, bytes]:
    d = shared_data / "lists/us_ofac_sdn/2021-07"
    return {n: (d / n).read_bytes() for n in FEEDS["us_ofac_sdn"].files}


def downloader(tmp_path: Path, sleeps: list[float], **kw: float) -> Downloader:
    opts = {"timeout": 5.0, "retries": 3, "backoff": 0.5, **kw}
    return Downloader(
        tmp_path / "dl",
        timeout=opts["timeout"],
        retries=int(opts["retries"]),
        backoff=opts["backoff"],
        sleep=sleeps.append,
    )


def test_200_then_304(tmp_path: Path, un_xml: bytes) -> None:
    b = Behaviour(files={"consolidated.xml": un_xml})
    sleeps: list[float] = []
    dl = downloader(tmp_path, sleeps)
    with serve(b) as base:
        first = dl.fetch_feed(FEEDS["un_sc"], base_url=base)
        [f] = first.files
        assert f.status == "downloaded" and f.size == len(un_xml)
        assert f.sha256 == hashlib.sha256(un_xml).hexdigest()
        assert f.path.read_bytes() == un_xml
        assert f.url == base + "consolidated.xml"
        second = dl.fetch_feed(FEEDS["un_sc"], base_url=base)
    assert [x.status for x in second.files] == ["not_modified"] and not second.changed
    assert b.requests[1][1]["if-none-match"] == b.etag("consolidated.xml")
    assert "if-modified-since" in b.requests[1][1]
    assert sleeps == []
    assert [p.name for p in (tmp_path / "dl" / "un_sc").iterdir()] == ["consolidated.xml"]


def test_500_then_success_retries_with_backoff(tmp_path: Path, un_xml: bytes) -> None:
    b = Behaviour(files={"consolidated.xml": un_xml}, fail={"consolidated.xml": 2})
    sleeps: list[float] = []
    with serve(b) as base:
        res = downloader(tmp_path, sleeps).fetch_feed(FEEDS["un_sc"], base_url=base)
    assert res.files[0].attempts == 3 and res.files[0].path.read_bytes() == un_xml
    assert sleeps == [0.5, 1.0]


def test_500_forever_fails(tmp_path: Path, un_xml: bytes) -> None:
    b = Behaviour(files={"consolidated.xml": un_xml}, fail={"consolidated.xml": 99})
    with serve(b) as base, pytest.raises(DownloadError, match=r"HTTP 500 \(after 3 attempts\)"):
        downloader(tmp_path, [], retries=2).fetch_feed(FEEDS["un_sc"], base_url=base)
    assert len(b.requests) == 3


def test_404_fails_without_retry(tmp_path: Path, un_xml: bytes) -> None:
    b = Behaviour(files={}, status={"consolidated.xml": 404})
    with serve(b) as base, pytest.raises(DownloadError, match="HTTP 404") as info:
        downloader(tmp_path, []).fetch_feed(FEEDS["un_sc"], base_url=base)
    assert len(b.requests) == 1 and info.value.exit_code == 4


def test_truncated_body_refused_old_file_kept(tmp_path: Path, un_xml: bytes) -> None:
    b = Behaviour(files={"consolidated.xml": un_xml})
    dl = downloader(tmp_path, [], retries=1)
    with serve(b) as base:
        first = dl.fetch_feed(FEEDS["un_sc"], base_url=base)
        b.files["consolidated.xml"] = un_xml + b"<!-- changed -->"
        b.truncate.add("consolidated.xml")
        with pytest.raises(DownloadError, match="after 2 attempts"):
            dl.fetch_feed(FEEDS["un_sc"], base_url=base)
    assert first.files[0].path.read_bytes() == un_xml
    assert sorted(p.name for p in (tmp_path / "dl" / "un_sc").iterdir()) == ["consolidated.xml"]


def test_timeout(tmp_path: Path, un_xml: bytes) -> None:
    b = Behaviour(files={"consolidated.xml": un_xml}, delay=1.0)
    dl = downloader(tmp_path, [], timeout=0.2, retries=1)
    with serve(b) as base, pytest.raises(DownloadError, match=r"timed out after 0\.2 s"):
        dl.fetch_feed(FEEDS["un_sc"], base_url=base)


def test_expected_sha256(tmp_path: Path, un_xml: bytes) -> None:
    b = Behaviour(files={"consolidated.xml": un_xml})
    good = {"consolidated.xml": hashlib.sha256(un_xml).hexdigest()}
    with serve(b) as base:
        downloader(tmp_path, []).fetch_feed(FEEDS["un_sc"], base_url=base, expected_sha256=good)
        with pytest.raises(DownloadError, match="SHA-256"):
            downloader(tmp_path / "other", []).fetch_feed(
                FEEDS["un_sc"], base_url=base, expected_sha256={"consolidated.xml": "0" * 64}
            )
    assert not (tmp_path / "other" / "dl" / "un_sc" / "consolidated.xml").exists()


def test_multi_file_feed_is_all_or_nothing(tmp_path: Path, sdn_2021: dict[str, bytes]) -> None:
    b = Behaviour(files=dict(sdn_2021), fail={"alt.csv": 99})
    with serve(b) as base, pytest.raises(DownloadError, match=r"alt\.csv"):
        downloader(tmp_path, [], retries=1).fetch_feed(FEEDS["us_ofac_sdn"], base_url=base)
    target = tmp_path / "dl" / "us_ofac_sdn"
    assert list(target.iterdir()) == []  # sdn.csv and add.csv were not kept either


def _settings(tmp_path: Path) -> Settings:
    return Settings(db=f"sqlite:///{tmp_path / 'ts.db'}", download_retries=1)


def test_update_loads_then_not_modified_then_truncated(tmp_path: Path, un_xml: bytes) -> None:
    settings = _settings(tmp_path)
    store = SqlStore.from_url(settings.db_url())
    store.create_schema()
    b = Behaviour(files={"consolidated.xml": un_xml})
    dl = Downloader(tmp_path / "dl", timeout=5, retries=1, backoff=0, sleep=lambda _: None)
    with serve(b) as base:
        [(fetched, report)] = update(store, settings, ["un_sc"], base, downloader=dl)
        assert fetched.changed and report is not None
        [v] = store.active_versions()
        assert v.list_code == "un_sc" and v.record_count == 1003
        assert v.source == base + "consolidated.xml"
        [(_, again)] = update(store, settings, ["un_sc"], base, downloader=dl)
        assert again is None
        b.files["consolidated.xml"] = un_xml.replace(b"</CONSOLIDATED_LIST>", b"")
        b.truncate.add("consolidated.xml")
        with pytest.raises(DownloadError, match=r"consolidated\.xml"):
            update(store, settings, ["un_sc"], base, downloader=dl)
    assert [x.id for x in store.versions()] == [v.id]
    assert store.active_versions() == [v]
    assert (tmp_path / "dl" / "un_sc" / "consolidated.xml").read_bytes() == un_xml
    store.close()


def test_update_unknown_feed(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with pytest.raises(DownloadError, match="unknown feed 'nope'"):
        update(SqlStore.from_url("sqlite://"), settings, ["nope"])


def test_default_download_dir_beside_sqlite_file(tmp_path: Path) -> None:
    assert default_download_dir(_settings(tmp_path)) == tmp_path / "downloads"
