"""``tradescreen screen NAME``: screen one party against the lists in force.

Exit 0 whenever it ran (hits or not); with ``--fail-on-hit`` exit 1 on any hit. Errors exit 2+
through the typed errors (cli/__init__.py maps them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tradescreen.cli import _dates as dates
from tradescreen.cli._app import DbOption, app, cli_actor, print_json, services_for
from tradescreen.errors import InvalidInput
from tradescreen.model import parse_query
from tradescreen.results import ScreenResult
from tradescreen.services.explain import to_text

KINDS = ("organization", "person", "vessel", "aircraft")


def _date(value: str | None) -> date | None:
    """``--as-of``; None: the application clock's today (``Services.today``)."""
    return dates.day(value, "--as-of")


def _datetime(value: str | None) -> datetime | None:
    return dates.instant(value, "--known-at")


def render(result: ScreenResult, console: Console) -> None:
    if not result.hits:
        console.print(f"No hit for {result.query.name!r} as of {result.as_of.isoformat()}.")
    else:
        table = Table(title=f"{len(result.hits)} hit(s) for {result.query.name!r}")
        for col in ("score", "name", "matched name", "lists", "citations", "explanation"):
            table.add_column(col, overflow="fold")
        for h in result.hits:
            cites = sorted({str(c) for x in h.listings for c in x.citations})
            table.add_row(
                f"{h.score:.3f}",
                h.entity.name,
                h.matched_name,
                ", ".join(sorted({x.list_code for x in h.listings})),
                "; ".join(cites[:4]) + (" ..." if len(cites) > 4 else ""),
                Text(  # user and list words are never read as rich markup
                    to_text(h.explanation)
                    + ("" if not h.warnings else f" [{'; '.join(h.warnings)}]")
                ),
            )
        console.print(table)
    for w in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}")


@app.command("screen")
def screen_command(
    name: Annotated[str, typer.Argument(help="The name to screen.")],
    country: Annotated[
        str | None,
        typer.Option("--country", help="Country of the party: ISO code (CN) or name (China)."),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="organization | person | vessel | aircraft")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")
    ] = None,
    known_at: Annotated[
        str | None, typer.Option("--known-at", help="Replay the lists as loaded at this time.")
    ] = None,
    threshold: Annotated[float | None, typer.Option("--threshold", min=0.0, max=1.0)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    fail_on_hit: Annotated[bool, typer.Option("--fail-on-hit", help="Exit 1 on any hit.")] = False,
    counterparty: Annotated[
        str | None,
        typer.Option(
            "--counterparty",
            help="Your reference of the party: its hits open review alerts (as in the API "
            "and the web UI); without it the screening is recorded and opens none.",
        ),
    ] = None,
    db: DbOption = None,
) -> int:
    """Screen NAME against every list in force."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"--kind must be one of {', '.join(KINDS)}")
    query = parse_query(name, country=country, kind=kind)
    day, replay = _date(as_of), _datetime(known_at)
    outcome = services_for(db).screen_and_record(
        query,
        actor=cli_actor(),
        channel="cli",
        as_of=day,
        known_at=replay,
        threshold=threshold,
        counterparty_key=counterparty,
    )
    result = outcome.result
    if json_out:
        print_json(result.to_dict())
    else:
        render(result, Console())
    code = 1 if (fail_on_hit and result.hits) else 0
    if code:
        raise typer.Exit(code)
    return code
