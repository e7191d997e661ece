"""The public API is what ``__all__`` says: every name resolves, and the documented example in
the package docstring runs on a real (temporary) store."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import tradescreen as ts

PINNED = {
    "Address", "Citation", "Decision", "Entity", "EntityKind", "Hit", "Identifier",
    "ListVersion", "Listing", "LoadReport", "Name", "NameKind", "Query", "ScreenResult",
    "Screener", "Settings", "SqlStore", "Store", "Transaction", "TradescreenError",
    "__version__", "check", "load_files", "open_store",
}  # fmt: skip

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "lists"


def test_all_is_pinned_and_every_name_resolves() -> None:
    assert set(ts.__all__) == PINNED  # a change to the public API is a deliberate edit here
    for name in ts.__all__:
        assert getattr(ts, name) is not None, name


def test_unknown_attribute_raises() -> None:
    try:
        ts.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as err:
        assert "no_such_thing" in str(err)
    else:
        raise AssertionError("expected AttributeError")


def test_import_is_cheap() -> None:
    """``import tradescreen`` must not pull in matching or decisions (CLI start-up time)."""
    code = (
        "import sys, tradescreen;"
        "print(any(m.startswith(('tradescreen.match', 'tradescreen.decide', 'pypinyin'))"
        " for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_docstring_example_runs(tmp_path: Path) -> None:
    settings = ts.Settings(db=str(tmp_path / "screening.db"))
    store = ts.open_store(settings)
    report = ts.load_files(store, [EXAMPLES / "us_csl_sample.csv"], settings=settings)
    assert report.created
    result = ts.Screener(store, settings).screen(ts.Query("Hikvision"), as_of=date(2020, 1, 1))
    assert result.hits and result.hits[0].entity.name.startswith("Hangzhou Hikvision")
    assert any(x.list_code == "us_bis_el" for x in result.hits[0].listings)
