"""``python -m tradescreen.demo [--out DIR]``: the end-to-end demo behind ``make demo``.

It runs offline, from a checkout of the repository:

1. creates a fresh SQLite store under ``DIR/demo/`` (default ``./out``; never the user's
   default database, and any store left there by an earlier run is deleted first);
2. loads ``examples/lists/`` (a sample in the trade.gov Consolidated Screening List format,
   written from the Federal Register notices; see ``examples/lists/SOURCES.md``) with the
   library's own readers and loader;
3. screens every counterparty of ``examples/counterparties.csv`` as of today (``--as-of``);
4. prints a report (verdict, best hit, score, list, Federal Register citation, why) and a
   summary (counts, lists and versions used), and writes ``DIR/demo/report.jsonl`` and
   ``DIR/demo/report.csv`` (see :mod:`tradescreen.report` for their shape).

The ``expected`` column of the counterparties file is the sample's known truth. It is never
given to the screener; the demo only compares it with the verdicts at the end, so a reader can
see the sample's own precision and recall.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from tradescreen.errors import InvalidInput, TradescreenError
from tradescreen.model import Query
from tradescreen.results import ScreenResult
from tradescreen.settings import Settings

TRUTH_COLUMN = "expected"
EXIT_NO_EXAMPLES = 2


class DemoError(TradescreenError):
    code = "demo_error"
    exit_code = EXIT_NO_EXAMPLES


def find_examples(start: Path | None = None) -> Path:
    """The ``examples/`` directory of the repository checkout this module runs from.

    Looks beside the source tree first (``src/tradescreen/demo.py`` → ``examples/``), then in
    the current directory and its parents."""
    here = Path(__file__).resolve()
    candidates = [here.parents[2] / "examples"]
    cwd = (start or Path.cwd()).resolve()
    candidates += [d / "examples" for d in (cwd, *cwd.parents)]
    for c in candidates:
        if (c / "lists").is_dir() and (c / "counterparties.csv").is_file():
            return c
    raise DemoError(
        "cannot find the examples/ directory (examples/lists/ and examples/counterparties.csv); "
        "run the demo from a checkout of the tradescreen repository, e.g. `make demo`. "
        f"Looked in: {', '.join(str(c) for c in dict.fromkeys(candidates[:3]))}"
    )


def list_files(examples: Path) -> list[Path]:
    files = sorted(
        p
        for p in (examples / "lists").iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in (".md", ".txt")
    )
    if not files:
        raise DemoError(f"{examples / 'lists'}: no list files to load")
    return files


def read_counterparties(path: Path) -> list[dict[str, str]]:
    """The counterparties in file order, every column as text (``name`` is required)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "name" not in reader.fieldnames:
            raise InvalidInput(f"{path}: needs a header with a 'name' column")
        rows = [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in reader]
    if not rows:
        raise InvalidInput(f"{path}: no counterparties")
    return rows


def query_for(row: dict[str, str]) -> Query:
    country = row.get("country", "").strip().upper()
    return Query(name=row["name"], country=country if len(country) == 2 else None)


def fresh_db(out_dir: Path) -> Path:
    """The demo's own SQLite file under ``out_dir``, with any earlier copy removed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "demo.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def run(out: Path, as_of: date, console: Console) -> int:
    examples = find_examples()
    # Imported here so that `--help` works and a missing piece gives one clear message.
    from tradescreen.loading import load_files
    from tradescreen.report import render_report, verdict, write_csv, write_jsonl
    from tradescreen.screening.screener import Screener
    from tradescreen.store.sql import open_store

    files = list_files(examples)
    counterparties = read_counterparties(examples / "counterparties.csv")
    out_dir = out / "demo"
    db = fresh_db(out_dir)
    # Explicit settings: the demo's own store, and no staleness refusal from the environment.
    settings = Settings(db=str(db), stale_policy="flag", required_lists=())

    console.print(f"[bold]tradescreen demo[/bold]: fresh store [cyan]{escape(str(db))}[/cyan]")
    store = open_store(settings)
    try:
        load_files(store, files, settings=settings)
        versions = store.active_versions()
        for v in versions:
            console.print(
                f"  loaded [cyan]{escape(v.list_code)}[/cyan] ({escape(v.list_name)}): "
                f"{v.record_count} records, "
                f"version {v.id}, sha256 {v.sha256[:12]}"
            )
        console.print(
            f"  screening {len(counterparties)} counterparties from "
            f"{escape(str(examples / 'counterparties.csv'))} as of {as_of.isoformat()}\n"
        )
        screener = Screener(store, settings)
        results: list[tuple[dict[str, str], ScreenResult]] = []
        for row in counterparties:
            shown = {k: v for k, v in row.items() if k != TRUTH_COLUMN}
            results.append((shown, screener.screen(query_for(row), as_of=as_of)))
    finally:
        store.close()

    render_report(results, console)
    jsonl, csv_path = out_dir / "report.jsonl", out_dir / "report.csv"
    write_jsonl(results, jsonl)
    write_csv(results, csv_path)
    console.print(
        f"wrote [cyan]{escape(str(jsonl))}[/cyan] and [cyan]{escape(str(csv_path))}[/cyan]"
    )

    truth = [row.get(TRUTH_COLUMN, "") for row in counterparties]
    if all(t in ("listed", "clear") for t in truth):
        flagged = [verdict(r) == "hit" for _, r in results]
        tp = sum(1 for t, f in zip(truth, flagged, strict=True) if t == "listed" and f)
        fp = sum(1 for t, f in zip(truth, flagged, strict=True) if t == "clear" and f)
        fn = sum(1 for t, f in zip(truth, flagged, strict=True) if t == "listed" and not f)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        console.print(
            f"sample truth (column '{TRUTH_COLUMN}', never given to the screener): "
            f"{tp}/{tp + fn} listed flagged, {fp}/{truth.count('clear')} clear flagged; "
            f"precision {precision:.2f}, recall {recall:.2f}"
        )
    return 0


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m tradescreen.demo",
        description="Load the bundled sample lists into a fresh store, screen the sample "
        "counterparties and print a report.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        help="output directory; the demo writes DIR/demo/{demo.db,report.jsonl,report.csv} "
        "(default: ./out)",
    )
    p.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="screen as of this date, YYYY-MM-DD (default: today)",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    # A pipe or a log gets a wide report unless COLUMNS says otherwise; a terminal its width.
    wide = sys.stdout.isatty() or "COLUMNS" in os.environ
    console = Console(width=None if wide else 160)
    try:
        return run(args.out, args.as_of or date.today(), console)
    except TradescreenError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except ModuleNotFoundError as err:
        print(
            f"error: the demo needs {err.name}, which is not installed or not written yet; "
            "run `make setup` (or `pip install -e .`) first",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
