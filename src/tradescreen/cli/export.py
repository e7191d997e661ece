"""``tradescreen export -o FILE``: the entities of the lists as FtM (or tradescreen) JSON lines.

Adapter only: parse the options, call ``Services.export_entities``, report. The file is written
beside its destination and renamed into place when complete, so a failed export leaves no
partial file (and an earlier file of that name untouched).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tradescreen.cli import _dates as dates
from tradescreen.cli._app import DbOption, JsonOption, app, print_json, services_for


@app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="ftm (FollowTheMoney JSON lines, default) or json (tradescreen)."
        ),
    ] = "ftm",
    version: Annotated[
        list[int] | None,
        typer.Option("--version", help="A stored version by id (repeatable; any status)."),
    ] = None,
    known_at: Annotated[
        str | None,
        typer.Option("--known-at", help="The versions in force at this ISO date-time."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="YYYY-MM-DD: only listings in force on that day."),
    ] = None,
    list_code: Annotated[
        list[str] | None, typer.Option("--list", help="Only this list code (repeatable).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> int:
    """Export the versions in force (or stored versions) as FollowTheMoney JSON lines."""
    day, replay = dates.day(as_of, "--as-of"), dates.instant(known_at, "--known-at")
    services = services_for(db)
    target = output.expanduser()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "wb") as fp:
            report = services.export_entities(
                fp,
                fmt=fmt,
                version_ids=version or (),
                known_at=replay,
                as_of=day,
                lists=list_code or (),
            )
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if as_json:
        print_json({**report.to_dict(), "output": str(target)})
    else:
        lists = ", ".join(f"{v.list_code} v{v.id}" for v in report.versions) or "no list"
        typer.echo(
            f"exported {report.entities} entities ({report.lines} lines, {report.format}) "
            f"from {lists} to {target}"
        )
    return 0
