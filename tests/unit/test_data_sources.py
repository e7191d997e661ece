"""``scripts/data_sources.py`` (``make data``) lists exactly the download URLs of
``tradescreen.sources``, and every real-data file the tests read; and the rule by which the tests
find the data folder (``tests/data_paths.py``)."""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from tests import data_paths
from tests.data_paths import require_data

import tradescreen.sources
from tradescreen.sources.download import FEEDS

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "data_sources.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("data_sources", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["data_sources"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


ds = _script()


def registry_urls() -> set[str]:
    """Every download URL the package knows: the ``tradescreen update`` feeds' files and the
    readers' ``URL`` / ``*_URL`` constants."""
    urls = {feed.url(name) for feed in FEEDS.values() for name in feed.files}
    for info in pkgutil.iter_modules(tradescreen.sources.__path__):
        mod = importlib.import_module(f"tradescreen.sources.{info.name}")
        for attr, value in vars(mod).items():
            named = attr == "URL" or attr.endswith("_URL")
            if named and isinstance(value, str) and value.startswith("http"):
                urls.add(value)
    return urls


def test_script_sources_are_exactly_the_registry_urls() -> None:
    documented = [u for s in ds.SOURCES for u in s.urls]
    assert len(documented) == len(set(documented)), "a URL is listed twice"
    assert set(documented) == registry_urls()


def test_every_feed_is_documented_with_its_files() -> None:
    feeds = {s.feed: s for s in ds.SOURCES if s.feed}
    assert set(feeds) == set(FEEDS)
    for code, feed in FEEDS.items():
        assert {feed.url(n) for n in feed.files} <= set(feeds[code].urls), code


def test_every_file_names_a_known_source() -> None:
    codes = {s.code for s in ds.SOURCES}
    assert all(f.source is None or f.source in codes for f in ds.FILES)
    assert len({f.path for f in ds.FILES}) == len(ds.FILES)


def test_every_list_file_in_the_data_folder_is_documented() -> None:
    lists = require_data("lists")
    documented = [require_data(f.path) for f in ds.FILES]  # each documented file exists
    for path in sorted(p for p in lists.rglob("*") if p.is_file() and "_meta" not in p.parts):
        assert any(path == d or d in path.parents for d in documented), path


def test_report_without_a_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data_paths.ENV, str(tmp_path / "none"))
    rep = ds.report(ds.data_root())
    assert rep["data_folder"] == str(tmp_path / "none") and rep["found"] is False
    assert not any(f["present"] for f in rep["files"])


def test_report_sees_the_files_that_are_there(tmp_path: Path) -> None:
    (tmp_path / "lists/us_bis_dpl").mkdir(parents=True)
    (tmp_path / "lists/us_bis_dpl/dpl_2023-11.txt").write_text("x")
    rep = ds.report(tmp_path)
    present = [f for f in rep["files"] if f["present"]]
    assert [f["path"] for f in present] == ["lists/us_bis_dpl/dpl_2023-11.txt"]
    assert present[0]["official_urls"] == ["https://www.bis.doc.gov/dpl/dpl.txt"]


def test_cli_prints_json_and_download_needs_the_variable(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", data_paths.ENV: str(tmp_path)}
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--json"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["data_folder"] == str(tmp_path)
    env.pop(data_paths.ENV)
    refused = subprocess.run(
        [sys.executable, str(SCRIPT), "--download"], capture_output=True, text=True, env=env
    )
    assert refused.returncode == 2 and data_paths.ENV in refused.stderr


def test_data_root_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(data_paths.ENV, str(tmp_path))
    assert data_paths.data_root() == tmp_path.resolve()
    monkeypatch.setenv(data_paths.ENV, "  ")
    assert data_paths.data_root() == REPO.parent / "shared" / "data"
    monkeypatch.delenv(data_paths.ENV)
    assert data_paths.data_root() == REPO.parent / "shared" / "data"


@pytest.mark.parametrize(
    ("script", "attr", "below"),
    [
        ("fuzz/seeds.py", "SHARED", "lists"),
        ("bench/soak.py", "LISTS", "lists"),
        ("bench/lists.py", "DATA", ""),
        ("bench/load.py", "DATA", ""),
        ("bench/gen_counterparties.py", "DATA", ""),
    ],
)
def test_fuzz_and_bench_scripts_find_the_folder_the_same_way(
    script: str, attr: str, below: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fuzz smoke and soak smoke tests run these in child processes: they must read the
    folder the tests were given."""
    monkeypatch.setenv(data_paths.ENV, str(tmp_path))
    monkeypatch.syspath_prepend(str(REPO / Path(script).parent))
    spec = importlib.util.spec_from_file_location(f"_probe_{Path(script).stem}", REPO / script)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert getattr(mod, attr) == (tmp_path / below if below else tmp_path)


def test_download_runs_tradescreen_update_into_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(
        cmd: list[str], env: dict[str, str], check: bool
    ) -> subprocess.CompletedProcess[str]:
        calls.append((cmd, env))
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setenv(data_paths.ENV, str(tmp_path))
    monkeypatch.setattr(ds.subprocess, "run", fake_run)
    assert ds.main(["--download"]) == 0
    [(cmd, env)] = calls
    assert cmd[1:4] == ["-m", "tradescreen", "update"]
    assert cmd[cmd.index("--db") + 1] == str(tmp_path / "official" / "tradescreen.db")
    assert [cmd[i + 1] for i, a in enumerate(cmd) if a == "--list"] == list(FEEDS)
    assert env["TRADESCREEN_DOWNLOAD_DIR"] == str(tmp_path / "official" / "downloads")


def test_make_data_runs_the_script() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "\ndata: setup\n\t$(BIN)/python scripts/data_sources.py\n" in makefile
