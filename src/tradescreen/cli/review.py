"""``tradescreen alerts …`` (the review queue and reviewer actions) and ``tradescreen show``
(one list entry). Thin: every action is a ``Services`` call, audited there."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tradescreen.cli._app import DbOption, JsonOption, app, cli_actor, emit, services_for
from tradescreen.model import Entity, to_dict

alerts_app = typer.Typer(
    help="The review queue: list, show, clear, confirm, escalate, approve, reject.",
    no_args_is_help=True,
)
app.add_typer(alerts_app, name="alerts")

Reason = Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")]
AlertId = Annotated[int, typer.Argument(min=1, help="The alert id (alerts list).")]


def _console() -> Console:
    return Console(highlight=False)


@alerts_app.command("list")
def alerts_list(
    status: Annotated[
        str | None,
        typer.Option(help="open | pending_approval | true_match | false_positive | closed"),
    ] = "open",
    counterparty: Annotated[str | None, typer.Option(help="Only this counterparty.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Alerts waiting for a reviewer (or in another status), most recently changed first."""
    rows = services_for(db).cases(status=status or None, counterparty_key=counterparty, limit=limit)
    if as_json:
        emit(True, [a.to_dict() for a in rows], "")
        return
    if not rows:
        typer.echo(f"no {status or ''} alerts".replace("  ", " "))
        return
    table = Table(title=f"{len(rows)} alert(s)")
    for col in ("id", "status", "score", "counterparty", "list entry", "lists", "updated (UTC)"):
        table.add_column(col, overflow="fold")
    for a in rows:
        table.add_row(
            str(a.id),
            a.status,
            f"{a.score:.3f}",
            a.counterparty_key,
            f"{a.entity_name} ({a.entity_id})",
            ", ".join(a.list_codes),
            a.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    _console().print(table)


@alerts_app.command("show")
def alerts_show(alert_id: AlertId, as_json: JsonOption = False, db: DbOption = None) -> None:
    """One alert: the hit, its history, and whether the list entry changed since."""
    found = services_for(db).case(alert_id)
    if as_json:
        emit(True, found.to_dict(), "")
        return
    a = found.alert
    con = _console()
    con.print(f"alert {a.id}: {a.status}", markup=False)
    con.print(f"  counterparty  {a.counterparty_key}", markup=False)
    con.print(f"  list entry    {a.entity_name} ({a.entity_id}), {', '.join(a.list_codes)}")
    con.print(f"  score         {a.score:.3f}   source: {a.source}", markup=False)
    if found.entry_changed:
        con.print("  the list entry changed since this alert was raised", markup=False)
    if found.proposal is not None:
        p = found.proposal
        con.print(f"  clearing proposed by {p.actor}: {p.reason}; needs a second reviewer")
    for ev in found.history:
        why = f": {ev.reason}" if ev.reason else ""
        con.print(f"  {ev.at:%Y-%m-%d %H:%M}  {ev.actor}  {ev.action} -> {ev.status}{why}")


def _verdict(alert_id: int, verdict: str, reason: str, db: str | None, escalate: bool) -> Any:
    return services_for(db).decide_case(
        alert_id, reviewer=cli_actor(), verdict=verdict, reason=reason, escalate=escalate
    )


@alerts_app.command("clear")
def alerts_clear(
    alert_id: AlertId, reason: Reason, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """A false positive: clears the hit for this counterparty and this entry's content (above
    TRADESCREEN_REVIEW_APPROVAL_SCORE it waits for a second reviewer)."""
    alert = _verdict(alert_id, "false_positive", reason, db, escalate=False)
    emit(as_json, alert.to_dict(), f"alert {alert.id}: {alert.status}")


@alerts_app.command("confirm")
def alerts_confirm(
    alert_id: AlertId, reason: Reason, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """A true match: the counterparty is the listed party."""
    alert = _verdict(alert_id, "true_match", reason, db, escalate=False)
    emit(as_json, alert.to_dict(), f"alert {alert.id}: {alert.status}")


@alerts_app.command("escalate")
def alerts_escalate(
    alert_id: AlertId, reason: Reason, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """Propose clearing and send it to a second reviewer whatever the score."""
    alert = _verdict(alert_id, "false_positive", reason, db, escalate=True)
    emit(as_json, alert.to_dict(), f"alert {alert.id}: {alert.status}")


@alerts_app.command("approve")
def alerts_approve(
    alert_id: AlertId,
    reason: Annotated[str | None, typer.Option("--reason", help="Optional note.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """A second reviewer approves a proposed clearing (not the one who proposed it)."""
    alert = services_for(db).approve_case(alert_id, approver=cli_actor(), reason=reason)
    emit(as_json, alert.to_dict(), f"alert {alert.id}: {alert.status}")


@alerts_app.command("reject")
def alerts_reject(
    alert_id: AlertId, reason: Reason, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """A second reviewer sends a proposed clearing back to the queue."""
    alert = services_for(db).reject_case(alert_id, approver=cli_actor(), reason=reason)
    emit(as_json, alert.to_dict(), f"alert {alert.id}: {alert.status}")


def _entity_text(e: Entity) -> str:
    lines = [f"{e.id}  {e.kind.value}"]
    for n in e.names:
        lang = f" [{n.lang}]" if n.lang else ""
        lines.append(f"  {n.kind.value:<8} {n.value}{lang}")
    for ad in e.addresses:
        text = ad.full or ", ".join(
            x for x in (ad.street, ad.city, ad.region, ad.postal_code, ad.country) if x
        )
        lines.append(f"  address  {text}")
    for i in e.identifiers:
        lines.append(f"  id       {i.kind}: {i.value}" + (f" ({i.country})" if i.country else ""))
    if e.birth_dates:
        lines.append(f"  born     {', '.join(e.birth_dates)}")
    if e.countries:
        lines.append(f"  country  {', '.join(e.countries)}")
    for x in e.listings:
        when = x.start_date.isoformat() if x.start_date else "start unknown"
        cites = "; ".join(str(c) for c in x.citations)
        lines.append(f"  listed   {x.list_name} since {when}" + (f" ({cites})" if cites else ""))
        if x.programs:
            lines.append(f"           programmes: {', '.join(x.programs)}")
        if x.license_requirement:
            lines.append(f"           licence requirement: {x.license_requirement}")
        if x.license_policy:
            lines.append(f"           review policy: {x.license_policy}")
        if x.end_date:
            lines.append(f"           until {x.end_date.isoformat()}")
    return "\n".join(lines)


@app.command("show")
def show(
    entity_id: Annotated[
        str, typer.Argument(help="A list entry id, as in a hit (us_bis_el-00651).")
    ],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """One list entry of the versions in force: names, addresses, identifiers, listings."""
    entity = services_for(db).entity(entity_id)
    emit(as_json, to_dict(entity), _entity_text(entity))
