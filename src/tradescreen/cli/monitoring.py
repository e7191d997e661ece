"""Monitoring commands: ``counterparties import|list``, ``monitor run|expiry``, ``webhooks ...``.

Adapters only: parse options, call the services (register, delta re-screen, webhooks), render a
table or ``--json``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tradescreen.cli import _dates as dates
from tradescreen.cli._app import (
    DbOption,
    JsonOption,
    app,
    cli_actor,
    clock_for,
    print_json,
    services_for,
)
from tradescreen.settings import Settings

counterparties_app = typer.Typer(
    help="The counterparty register monitored for list changes.", no_args_is_help=True
)
monitor_app = typer.Typer(help="Re-screen the register when lists change.", no_args_is_help=True)
webhooks_app = typer.Typer(help="Signed webhooks that receive new alerts.", no_args_is_help=True)
app.add_typer(counterparties_app, name="counterparties")
app.add_typer(monitor_app, name="monitor")
app.add_typer(webhooks_app, name="webhooks")


def _date(value: str | None, settings: Settings) -> date:
    return dates.day(value, "--as-of") or clock_for(settings).today()


@counterparties_app.command("import")
def counterparties_import(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSONL file of counterparties.")],
    id_column: Annotated[str, typer.Option(help="Column with your own id.")] = "id",
    name_column: Annotated[str, typer.Option(help="Column with the name.")] = "name",
    country_column: Annotated[str, typer.Option(help="Column with an ISO country code.")] = (
        "country"
    ),
    identifier_column: Annotated[
        list[str] | None, typer.Option(help="Column holding an identifier (repeatable).")
    ] = None,
    format: Annotated[str | None, typer.Option(help="csv, jsonl or parquet.")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="The file is the whole register: others stop.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add or update counterparties (idempotent: an unchanged row is left alone)."""
    rep = services_for(db).import_counterparties(
        file,
        actor=cli_actor(),
        channel="cli",
        id_column=id_column,
        name_column=name_column,
        country_column=country_column or None,
        identifier_columns=identifier_column or (),
        format=format,
        replace=replace,
    )
    if as_json:
        print_json(rep.to_dict())
        return
    Console(highlight=False).print(
        f"{rep.rows} rows: {rep.inserted} new, {rep.updated} updated, {rep.unchanged} unchanged,"
        f" {rep.rejected} rejected"
        + (f", {rep.deactivated} no longer monitored" if replace else "")
    )
    for line in rep.rejects[:10]:
        Console(highlight=False, stderr=True).print(f"rejected {line}", markup=False)


@counterparties_app.command("list")
def counterparties_list(
    all_: Annotated[bool, typer.Option("--all", help="Include inactive ones.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The register, by id."""
    total, rows = services_for(db).counterparties(active_only=not all_, limit=limit)
    if as_json:
        print_json(
            {
                "total": total,
                "counterparties": [
                    {
                        "id": c.key,
                        "name": c.name,
                        "country": c.country,
                        "identifiers": [{"kind": i.kind, "value": i.value} for i in c.identifiers],
                    }
                    for c in rows
                ],
            }
        )
        return
    table = Table(title=f"{total} counterparties" + (f" (first {limit})" if total > limit else ""))
    for col in ("id", "name", "country", "identifiers"):
        table.add_column(col)
    for c in rows:
        table.add_row(
            c.key, c.name, c.country or "", "; ".join(f"{i.kind}:{i.value}" for i in c.identifiers)
        )
    Console(highlight=False).print(table)


@monitor_app.command("run")
def monitor_run_cmd(
    as_of: Annotated[str | None, typer.Option(help="Screen as of this date (default today).")] = (
        None
    ),
    full: Annotated[bool, typer.Option("--full", help="Re-screen the whole register.")] = False,
    notify: Annotated[bool, typer.Option(help="Send new alerts to the webhooks.")] = True,
    workers: Annotated[int, typer.Option(help="Processes for a full screen.")] = 1,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-screen what changed since the last run (lists and counterparties)."""
    services = services_for(db)
    rep = services.monitor_run(
        as_of=_date(as_of, services.settings), full=full, notify=notify, workers=workers
    )
    if as_json:
        print_json(rep.to_dict())
        return
    con = Console(highlight=False)
    con.print(
        f"{rep.kind} run over {rep.counterparties} counterparties in {rep.seconds:.1f}s: "
        f"{rep.entries_screened} list entries re-screened, {rep.counterparties_screened} "
        f"counterparties screened, {len(rep.opened)} alerts new or changed, "
        f"{rep.alerts_closed} closed"
    )
    for d in rep.diffs:
        con.print(
            f"  version {d['old_version']} -> {d['new_version']}: +{d['added']} "
            f"~{d['changed']} -{d['removed']}"
        )
    for w in rep.warnings:
        con.print(f"warning: {w}", markup=False)


@monitor_app.command("expiry")
def monitor_expiry(
    days: Annotated[int, typer.Option(min=0, help="Alert this many days before expiry.")] = 30,
    as_of: Annotated[str | None, typer.Option(help="Date to check (default today).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Raise alerts for general authorisations and specific licences about to expire."""
    services = services_for(db)
    alerts = services.expiry_alerts(days_ahead=days, as_of=_date(as_of, services.settings))
    if as_json:
        print_json([a.to_dict() for a in alerts])
        return
    con = Console(highlight=False)
    con.print(f"{len(alerts)} expiry alerts")
    for a in alerts:
        con.print(f"  {a.counterparty_key}: {a.entity_name} ({a.status})", markup=False)


@webhooks_app.command("add")
def webhooks_add(
    url: Annotated[str, typer.Argument(help="http(s) URL that receives POSTed alerts.")],
    events: Annotated[str, typer.Option(help="Space-separated events, or *.")] = "*",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Register a webhook (payloads are signed with TRADESCREEN_WEBHOOK_SECRET)."""
    services = services_for(db)
    hook = services.add_webhook(url, events=events, actor=cli_actor(), channel="cli")
    unsigned = not services.settings.webhook_secret
    if as_json:
        print_json({"id": hook.id, "url": hook.url, "events": hook.events, "sending": not unsigned})
        return
    con = Console(highlight=False)
    con.print(f"webhook {hook.id}: {hook.url}", markup=False)
    if unsigned:
        con.print("warning: TRADESCREEN_WEBHOOK_SECRET is not set; nothing is sent until it is")


@webhooks_app.command("list")
def webhooks_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Active webhooks and dead letters."""
    hooks, dead = services_for(db).webhooks()
    if as_json:
        print_json(
            {
                "webhooks": [{"id": h.id, "url": h.url, "events": h.events} for h in hooks],
                "dead_letters": [
                    {
                        "id": d.id,
                        "url": d.url,
                        "event": d.event,
                        "attempts": d.attempts,
                        "last_error": d.last_error,
                    }
                    for d in dead
                ],
            }
        )
        return
    con = Console(highlight=False)
    for h in hooks:
        con.print(f"{h.id}  {h.url}  events={h.events}", markup=False)
    con.print(f"{len(dead)} dead letters")


@webhooks_app.command("remove")
def webhooks_remove(webhook_id: int, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Stop sending to a webhook."""
    services_for(db).remove_webhook(webhook_id, actor=cli_actor(), channel="cli")
    if as_json:
        print_json({"removed": webhook_id})
    else:
        typer.echo(f"webhook {webhook_id} removed")


@webhooks_app.command("retry")
def webhooks_retry(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Send the dead letters again."""
    out = services_for(db).retry_webhooks()
    ok = sum(1 for d in out if d.status == "delivered")
    if as_json:
        print_json({"delivered": ok, "attempted": len(out)})
        return
    Console(highlight=False).print(f"{ok} of {len(out)} dead letters delivered")
