"""``tradescreen batch INPUT -o OUTPUT``: screen a file of any size (local processes or Spark).

Adapter only: parse options, call ``tradescreen.batch.local.screen_file``, print the summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tradescreen.cli import _dates as dates
from tradescreen.cli._app import app, cli_actor, print_json, settings_for
from tradescreen.errors import InvalidInput


@app.command("batch")
def batch(
    input: Annotated[
        str, typer.Argument(help="CSV, Parquet or JSONL file (Spark: any Hadoop path).")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (.jsonl or .csv).")
    ] = None,
    name_column: Annotated[
        str, typer.Option(help="Column holding the name (it must exist).")
    ] = "name",
    country_column: Annotated[
        str,
        typer.Option(
            help="Column holding the country, a code or a name (it must exist unless it is the "
            "default, country, which is optional; an empty value: none)."
        ),
    ] = "country",
    as_of: Annotated[str | None, typer.Option(help="Screen as of this date (default today).")] = (
        None
    ),
    threshold: Annotated[float | None, typer.Option(help="Hit threshold (0-1).")] = None,
    format: Annotated[str | None, typer.Option(help="Output format: csv or jsonl.")] = None,
    input_format: Annotated[str | None, typer.Option(help="csv, jsonl or parquet.")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: all cores).")] = None,
    engine: Annotated[str, typer.Option(help="local or spark.")] = "local",
    spark_master: Annotated[
        str | None, typer.Option(help="Spark master URL (default local[*]).")
    ] = None,
    output_dir: Annotated[
        str | None,
        typer.Option(help="Write a directory of part files (Spark: any Hadoop path)."),
    ] = None,
    id_column: Annotated[
        str | None, typer.Option(help="Spark: integer column giving each row's id.")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Rejects file (default OUTPUT.rejects.csv).")
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Ignore a checkpoint and start again.")
    ] = False,
    chunk_size: Annotated[int, typer.Option(help="Rows per chunk (checkpoint unit).")] = 2000,
    csv_rows: Annotated[
        str,
        typer.Option(help="CSV output: one row per input (its top hit) or one row per hit."),
    ] = "input",
    bom: Annotated[
        bool,
        typer.Option(
            "--bom/--no-bom", help="CSV output: start with a UTF-8 byte-order mark (for Excel)."
        ),
    ] = True,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL or SQLite file (TRADESCREEN_DB).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Screen every row; one result per row in input order; bad rows to a rejects file.

    The list versions and settings go once into OUTPUT.manifest.json. An interrupted run
    resumes where it stopped when run again with the same arguments; a completed one says so.
    """
    from tradescreen.services.batch import screen_file

    if output is None and output_dir is None:
        raise InvalidInput("give -o OUTPUT or --output-dir DIR")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise InvalidInput("--threshold: between 0 and 1")
    settings = settings_for(db)
    day = dates.day(as_of, "--as-of")  # None: the clock's today
    report = screen_file(
        input if engine == "spark" else Path(input),
        output,
        output_dir=output_dir,
        settings=settings,
        name_column=name_column,
        country_column=country_column or None,
        as_of=day,
        threshold=threshold,
        out_format=format,
        input_format=input_format,
        rejects=rejects,
        workers=workers,
        resume=not restart,
        chunk_size=chunk_size,
        engine=engine,
        spark_master=spark_master,
        csv_rows=csv_rows,
        bom=bom,
        id_column=id_column,
        actor=cli_actor(),
    )
    if as_json:
        print_json(report.to_dict())
        return
    con = Console(highlight=False, stderr=False)
    if report.already_complete:
        con.print(
            f"already complete: {report.rows} rows, {report.screened} screened, "
            f"{report.rows_with_hits} with hits, {report.rejected} rejected -> {report.output} "
            f"(lists and settings in {report.manifest}); --restart screens the file again",
            markup=False,
        )
        return
    resumed = f" (resumed after row {report.resumed_from})" if report.resumed_from else ""
    con.print(
        f"{report.rows} rows{resumed}: {report.screened} screened, {report.rows_with_hits} with "
        f"hits, {report.rejected} rejected -> {report.rejects}",
        markup=False,
    )
    for note in report.reject_notes[:3]:
        con.print(f"  rejected {note}", markup=False)
    con.print(
        f"{report.engine} engine, {report.workers} workers: {report.seconds:.1f}s "
        f"(list index {report.index_seconds:.1f}s), {report.rows_per_second:,.0f} rows/s, "
        f"peak memory {report.peak_rss_mb:,.0f} MB; output {report.output}; "
        f"lists and settings in {report.manifest}",
        markup=False,
    )
