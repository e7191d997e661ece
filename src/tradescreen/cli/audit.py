"""``tradescreen audit verify|export|anchor|prune``: the audit trail from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tradescreen.cli._app import (
    DbOption,
    JsonOption,
    app,
    cli_actor,
    emit,
    print_json,
    services_for,
)
from tradescreen.errors import AuditError, InvalidInput

audit_app = typer.Typer(help="Verify, export and anchor the audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_cmd(
    anchors: Annotated[
        Path | None,
        typer.Option(help="Anchor file from 'audit anchor': also detects a removed tail."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    db: DbOption = None,
) -> int:
    """Check every record's MAC and the sequence; exit 10 naming the first bad record."""
    report = services_for(db).verify_audit(anchors=anchors)
    if as_json:
        print_json(report.to_dict())
    if not report.ok:
        raise AuditError(f"audit chain broken at record {report.first_bad_seq}: {report.problem}")
    if not as_json:
        span = f"{report.first_seq}..{report.last_seq}" if report.records else "empty"
        extra = f", {report.anchors_checked} anchor(s) matched" if anchors else ""
        pruned = f", pruned through {report.pruned_through}" if report.pruned_through else ""
        typer.echo(f"ok: {report.records} record(s) ({span}){extra}{pruned}")
    return 0


@audit_app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or json.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
    since: Annotated[int | None, typer.Option(help="First seq to export.")] = None,
    until: Annotated[int | None, typer.Option(help="Last seq to export.")] = None,
    db: DbOption = None,
) -> int:
    """Export the records for auditors (CSV cells are neutralised against formula injection)."""
    if fmt not in ("csv", "json"):
        raise InvalidInput(f"unknown format {fmt!r}; use csv or json")
    services = services_for(db)
    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        n = services.export_audit(out, fmt=fmt, since_seq=since, until_seq=until)
    finally:
        if output:
            out.close()
    if output:
        typer.echo(f"exported {n} record(s) to {output}", err=True)
    return 0


@audit_app.command("anchor")
def anchor_cmd(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Anchor file to append to.")
    ] = Path("audit-anchors.jsonl"),
    json_out: JsonOption = False,
    db: DbOption = None,
) -> int:
    """Verify the chain and append its head {seq, mac, time} to an anchor file kept elsewhere."""
    line = services_for(db).anchor_audit(output)
    emit(
        json_out,
        {**line, "file": str(output)},
        f"anchored record {line['seq']} ({line['mac'][:16]}...) in {output}",
    )
    return 0


@audit_app.command("prune")
def prune_cmd(
    days: Annotated[
        int | None,
        typer.Option(help="Keep this many days (default: TRADESCREEN_AUDIT_RETENTION_DAYS)."),
    ] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> int:
    """Remove records older than the retention period (a whole prefix) with a checkpoint."""
    services = services_for(db)
    keep = days if days is not None else services.settings.audit_retention_days
    n, before = services.prune_audit(keep_days=keep, actor=cli_actor())
    emit(
        json_out,
        {"pruned": n, "before": before.isoformat()},
        f"pruned {n} record(s) older than {before.date().isoformat()}",
    )
    return 0


__all__ = ["audit_app"]
