"""``tradescreen audit verify|export|anchor|prune``: the audit trail from the command line."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from tradescreen.cli._app import DbOption, JsonOption, app, emit, settings_for
from tradescreen.errors import AuditError, InvalidInput
from tradescreen.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

audit_app = typer.Typer(help="Verify, export and anchor the audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _engine(settings: Settings) -> Engine:
    """The store's engine, its schema migrated (the audit log included)."""
    from tradescreen.store.sql import open_store

    return open_store(settings).engine


def _key(settings: Settings, conn: Connection) -> bytes:
    from tradescreen.audit.chain import load_or_create_key

    return load_or_create_key(settings, conn)


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
    from tradescreen.audit.chain import verify

    settings = settings_for(db)
    with _engine(settings).connect() as conn:
        report = verify(conn, _key(settings, conn), anchors=anchors)
    if as_json:
        typer.echo(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
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
    from tradescreen.audit.export import FORMATS, export_csv, export_json

    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; use csv or json")
    settings = settings_for(db)
    engine = _engine(settings)
    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        with engine.connect() as conn:
            if fmt == "csv":
                n = export_csv(conn, out, since_seq=since, until_seq=until)
            else:
                n = export_json(
                    conn, out, key=_key(settings, conn), since_seq=since, until_seq=until
                )
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
    from tradescreen.audit.chain import export_anchor

    settings = settings_for(db)
    with _engine(settings).connect() as conn:
        line = export_anchor(conn, _key(settings, conn), output)
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
    from tradescreen.audit.chain import prune

    settings = settings_for(db)
    keep = days if days is not None else settings.audit_retention_days
    if keep < 1:
        raise InvalidInput("--days must be at least 1")
    before = datetime.now(UTC) - timedelta(days=keep)
    with _engine(settings).begin() as conn:
        n = prune(conn, before, key=_key(settings, conn), actor="cli")
    emit(
        json_out,
        {"pruned": n, "before": before.isoformat()},
        f"pruned {n} record(s) older than {before.date().isoformat()}",
    )
    return 0


__all__ = ["audit_app"]
