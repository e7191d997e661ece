"""Decision commands: ``check``, ``licences add|list``, ``ownership load|list``.

Adapters only: parse options, call the services (``check_and_record``, licences, ownership),
render. Bad input raises ``InvalidInput`` (one line naming the field, exit 2) before anything is
written.
"""

from __future__ import annotations

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
    emit,
    print_json,
    services_for,
)

licences_app = typer.Typer(help="Specific licences you hold.", no_args_is_help=True)
ownership_app = typer.Typer(help="Ownership edges for the 50% rules.", no_args_is_help=True)
app.add_typer(licences_app, name="licences")
app.add_typer(ownership_app, name="ownership")


_date = dates.day
_datetime = dates.instant


@app.command("check")
def check_cmd(
    party: Annotated[
        list[str],
        typer.Option(
            "--party",
            help="ROLE=NAME or NAME (repeatable); roles: purchaser, "
            "intermediate_consignee, ultimate_consignee, end_user.",
        ),
    ],
    item: Annotated[str, typer.Option("--item", help="EAR99 or an ECCN (5A002, 3A090.a).")],
    destination: Annotated[str, typer.Option("--destination", help="ISO country (or UA-43).")],
    item_type: Annotated[str, typer.Option("--item-type")] = "commodity",
    on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")] = None,
    activity: Annotated[
        str | None,
        typer.Option("--activity", help="What the export is for (recorded; decides nothing)."),
    ] = None,
    activity_category: Annotated[
        str | None,
        typer.Option(
            "--activity-category",
            help="What the export is for, as an authorisation scope names it: "
            "existing_networks, existing_handsets, cybersecurity, standards_5g, "
            "standards_organization, affiliates_jv.",
        ),
    ] = None,
    contract_date: Annotated[
        str | None,
        typer.Option(
            "--contract-date", help="YYYY-MM-DD the contract the export performs was executed."
        ),
    ] = None,
    handset_public_date: Annotated[
        str | None,
        typer.Option(
            "--handset-public-date",
            help="YYYY-MM-DD the handsets supported were available to the public.",
        ),
    ] = None,
    food_or_medicine: Annotated[bool, typer.Option("--food-or-medicine")] = False,
    value: Annotated[float | None, typer.Option("--value", help="Transaction value (USD).")] = None,
    known_at: Annotated[
        str | None,
        typer.Option("--known-at", help="Replay with the list versions loaded by this time."),
    ] = None,
    record: Annotated[
        bool, typer.Option("--record/--no-record", help="Store the decision.")
    ] = True,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Decide whether an export needs a licence, is prohibited, or may proceed."""
    from tradescreen.services.decision_data import (
        Effect,
        Item,
        Party,
        Transaction,
        parse_activity_category,
    )

    services = services_for(db)
    day = _date(on, "--date") or services.today()
    replay = _datetime(known_at, "--known-at")
    tx = Transaction(
        parties=tuple(Party.parse(p) for p in party),
        item=Item.parse(item, item_type, food_or_medicine=food_or_medicine, value=value),
        destination=destination,
        date=day,
        activity=activity,
        activity_category=parse_activity_category(activity_category),
        contract_date=_date(contract_date, "--contract-date"),
        handset_public_date=_date(handset_public_date, "--handset-public-date"),
    )
    done = services.check_and_record(
        tx, actor=cli_actor(), channel="cli", known_at=replay, record=record
    )
    decision, result, result_id = done.decision, done.result, done.record_id
    if as_json:
        print_json(result)
        return
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"decision: {decision.decision}" + (f"  (record {result_id})" if record else ""))
    for r in decision.reasons:
        if r.effect is Effect.NOT_APPLICABLE:
            continue
        who = ""
        if r.matched_entity:
            who = f"{r.list}: {r.matched_entity} (score {r.score or 0:.2f}): "
        covered = f"  [covered by {', '.join(r.covered_by)}]" if r.covered_by else ""
        console.print(f"- [{r.effect}] {who}{r.message}{covered}", markup=False)
        for p in r.paths:
            console.print(f"    path: {p}", markup=False)
    for a in decision.authorizations:
        scope = (
            f"{a['activity_category']} in scope"
            if a.get("activity_in_scope")
            else "no activity category stated in its scope, or a condition not met"
        )
        console.print(
            f"authorisation: {a['name']} ({a['citation']}, {a['valid_from']}..{a['valid_to']}): "
            f"{scope}",
            markup=False,
        )
    for w in decision.warnings:
        console.print(f"warning: {w}", markup=False)


@licences_app.command("add")
def licences_add(
    number: Annotated[str, typer.Option("--number")],
    party: Annotated[list[str], typer.Option("--party", help="Party named (repeatable).")],
    item: Annotated[list[str], typer.Option("--item", help="EAR99 or ECCN (repeatable).")],
    expiry: Annotated[str, typer.Option("--expiry", help="YYYY-MM-DD")],
    destination: Annotated[list[str] | None, typer.Option("--destination")] = None,
    value: Annotated[float | None, typer.Option("--value", help="Value limit (USD).")] = None,
    valid_from: Annotated[str | None, typer.Option("--valid-from")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record a specific licence you hold."""
    from tradescreen.services.decision_data import SpecificLicence

    end = _date(expiry, "--expiry")
    assert end is not None
    lic = SpecificLicence.create(
        number,
        party,
        item,
        end,
        destinations=destination or (),
        value_limit=value,
        valid_from=_date(valid_from, "--valid-from"),
        note=note,
    )
    services_for(db).add_licence(lic, actor=cli_actor(), channel="cli")
    emit(as_json, lic.to_dict(), f"licence {lic.number} added")


@licences_app.command("list")
def licences_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Show the specific licences on record."""
    rows = services_for(db).licences()
    if as_json:
        print_json([r.to_dict() for r in rows])
        return
    table = Table(title="Specific licences")
    for col in ("number", "parties", "items", "destinations", "value", "expiry"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.number,
            "; ".join(r.parties),
            ", ".join(r.items),
            ", ".join(r.destinations) or "any",
            f"{r.value_limit:g}" if r.value_limit is not None else "-",
            r.expiry.isoformat(),
        )
    Console(highlight=False).print(table)


@ownership_app.command("load")
def ownership_load(
    file: Annotated[Path, typer.Argument(help="CSV, JSON or FollowTheMoney entities.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Load ownership edges (owner, owned, percentage, as_of, source)."""
    edges = services_for(db).load_ownership(file, actor=cli_actor(), channel="cli")
    emit(
        as_json,
        {"loaded": len(edges), "source": str(file)},
        f"{len(edges)} ownership edges loaded from {file}",
    )


@ownership_app.command("list")
def ownership_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Show the ownership edges on record."""
    edges = services_for(db).ownership_edges()
    rows = [
        {
            "owner": e.owner,
            "owned": e.owned,
            "percentage": e.percentage,
            "as_of": e.as_of.isoformat() if e.as_of else None,
            "source": e.source,
        }
        for e in edges
    ]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        pct = "?" if r["percentage"] is None else f"{r['percentage']:g}%"
        typer.echo(f"{r['owner']} -{pct}-> {r['owned']}  (as of {r['as_of'] or '-'})")
