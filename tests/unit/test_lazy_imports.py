"""What a command does not pay for at start: modules imported on first use only.

A CLI command starts a fresh interpreter each time, and imports were most of a screening's
start-up (``bench/startup.py``); these modules load only when their work is done. Each check
runs in a fresh interpreter, where nothing else has imported them yet.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    code = f"import sys\n{statement}\nprint(','.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


@pytest.mark.parametrize(
    ("statement", "not_loaded"),
    [
        # the CLI and every service: no Alembic (a database at the head needs no migration
        # machinery), no pypinyin (only a Han name needs it), no list reader or lxml
        (
            "import tradescreen.cli",
            ("alembic", "pypinyin", "tradescreen.sources.registry", "tradescreen.sources.csl"),
        ),
        # one type of the decisions package does not import the rules
        ("from tradescreen.decide.items import Transaction", ("tradescreen.decide.decision",)),
        # the reader interface does not import the readers
        ("import tradescreen.sources.base", ("tradescreen.sources.registry", "lxml")),
    ],
)
def test_not_imported_until_used(statement: str, not_loaded: tuple[str, ...]) -> None:
    assert _loaded_after(statement, not_loaded) == []


def test_the_lazy_names_still_resolve() -> None:
    """The packages' names load their modules on first access, with their real values."""
    loaded = _loaded_after(
        "from tradescreen.sources import read_source, FORMATS\n"
        "from tradescreen.decide import check\n"
        "from tradescreen.names.translit import transliterate\n"
        "assert 'csl_csv' in FORMATS and callable(read_source) and callable(check)\n"
        "assert transliterate('海康威视') == ' haikangweishi '",
        ("tradescreen.sources.registry", "tradescreen.decide.decision", "pypinyin"),
    )
    assert loaded == ["tradescreen.sources.registry", "tradescreen.decide.decision", "pypinyin"]
