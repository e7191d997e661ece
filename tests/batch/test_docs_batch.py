"""docs/batch.md says what the code does: the CSV columns, the input limits, the rejects columns,
the no-list message; and the progress display it describes (index step first, true rate)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from tradescreen.batch.io import (
    HIT_CSV_COLUMNS,
    MAX_ROW_CHARS,
    MAX_ROW_LINES,
    REJECT_COLUMNS,
    RESULT_CSV_COLUMNS,
)
from tradescreen.batch.local import _true_rate, screen_file
from tradescreen.errors import NoListsLoaded
from tradescreen.screening.freshness import require_lists
from tradescreen.settings import Settings

from .fakes import real_factory

DOC = (Path(__file__).resolve().parents[2] / "docs" / "batch.md").read_text(encoding="utf-8")


def _bullet(start: str) -> str:
    """The text of the list item of docs/batch.md that starts with ``start``."""
    i = DOC.index(start)
    end = re.search(r"\n\s*- |\n\n", DOC[i + len(start) :])
    return DOC[i : i + len(start) + (end.start() if end else 0)]


def _names(text: str) -> tuple[str, ...]:
    return tuple(n for n in re.findall(r"`(screen_[a-z_]+)`", text))


def test_csv_columns_as_documented() -> None:
    assert _names(_bullet("`--csv-rows input` (default)")) == RESULT_CSV_COLUMNS
    assert _names(_bullet("`--csv-rows hit`")) == HIT_CSV_COLUMNS
    rejects = _bullet("**Rejects** (CSV: ")
    assert f"`{', '.join(REJECT_COLUMNS)}`" in rejects


def test_input_limits_as_documented() -> None:
    assert f"after {MAX_ROW_LINES} lines (`MAX_ROW_LINES`)" in DOC
    assert f"over **{MAX_ROW_CHARS:,} characters** (`MAX_ROW_CHARS`" in DOC


def test_no_list_message_as_documented() -> None:
    with pytest.raises(NoListsLoaded) as err:
        require_lists((), Settings())
    assert err.value.exit_code == 7
    assert f"exit 7:\n\n```console\nerror: {err.value}\n```" in DOC


def test_progress_shows_the_index_step_then_the_true_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("name\n" + "".join(f"Company {i} Ltd\n" for i in range(300)), encoding="utf-8")
    capsys.readouterr()
    rep = screen_file(
        src,
        tmp_path / "o.jsonl",
        screener_factory=real_factory(),
        as_of=date(2026, 5, 1),
        workers=1,
        chunk_size=50,
        progress=True,
    )
    cap = capsys.readouterr()
    assert "rows/s" not in cap.out  # the display is on stderr; stdout is the summary's
    err = cap.err
    assert "list index loaded in" in err and "screening" in err
    assert err.index("list index loaded in") < err.index("screening")
    assert "300/300" in err and rep.rows == 300


def test_true_rate_is_this_runs_rows_over_screening_time() -> None:
    task = SimpleNamespace(elapsed=4.0, completed=1_500, fields={"resumed": 500})
    assert _true_rate(task) == 250.0  # 1,000 rows by this run in 4 s, not the resumed ones
    assert _true_rate(SimpleNamespace(elapsed=0.0, completed=10, fields={})) == 0.0
