"""List commands: ``load``, ``update``, ``lists``, ``versions``.

Adapters only: parse options, call the services (load, update, list status, versions), render
a Rich table or ``--json``.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tradescreen.cli import _dates as dates
from tradescreen.cli._app import (
    DbOption,
    JsonOption,
    app,
    cli_actor,
    print_json,
    services_for,
    settings_for,
)
from tradescreen.errors import InvalidInput
from tradescreen.model import ListVersion

if TYPE_CHECKING:
    from tradescreen.services import LoadReport

MAX_WARNINGS_SHOWN = 12


def _console() -> Console:
    # piped output (files, CI logs) gets wide tables instead of Rich's 80 columns
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ")


def version_json(v: ListVersion, now: datetime, stale_after_days: int) -> dict[str, Any]:
    age = v.age(now).total_seconds() / 86400
    return {
        "id": v.id,
        "list": v.list_code,
        "list_name": v.list_name,
        "status": v.status,
        "records": v.record_count,
        "retrieved_at": v.retrieved_at.isoformat(),
        "data_date": v.data_date.isoformat() if v.data_date else None,
        "age_days": round(age, 2),
        "stale": v.status == "active" and v.is_stale(now, stale_after_days),
        "format": v.format,
        "source": v.source,
        "sha256": v.sha256,
        "warnings": list(v.warnings),
    }


def _report_tables(report: LoadReport, console: Console) -> None:
    table = Table(title=f"Loaded {', '.join(report.paths)} ({report.format})")
    for col in ("list", "version", "records", "result"):
        table.add_column(col, justify="right" if col in ("version", "records") else "left")
    created = {v.list_code: v for v in report.created}
    for code, count in sorted(report.counts.items()):
        if code in created:
            table.add_row(code, str(created[code].id), str(count), "new version, active")
        elif code in report.unchanged:
            table.add_row(code, "-", str(count), "unchanged (same SHA-256)")
    console.print(table)
    shown = report.warnings[:MAX_WARNINGS_SHOWN]
    for w in shown:
        console.print(f"warning: {w}", markup=False)
    if len(report.warnings) > len(shown):
        console.print(f"... and {len(report.warnings) - len(shown)} more warnings")
    if report.rejected:
        console.print(f"{len(report.rejected)} rows rejected, e.g. {report.rejected[0]}")


@app.command("load")
def load_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="List files, each its own source (an OFAC CSV set: its directory, or its files)."
        ),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Reader name (default: detected).")
    ] = None,
    allow_partial: Annotated[
        bool,
        typer.Option(
            "--allow-partial",
            help="Load an OFAC CSV set with add.csv or alt.csv missing (audited).",
        ),
    ] = False,
    allow_rollback: Annotated[
        bool,
        typer.Option(
            "--allow-rollback",
            help="Load data whose own date is older than the version in force (audited).",
        ),
    ] = False,
    allow_shrink: Annotated[
        bool,
        typer.Option("--allow-shrink", help="Load an update the shrink guard refuses (audited)."),
    ] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Load list files as new list versions (fail-closed: a broken file changes nothing).

    Sources load one after another, each in its own transaction; the first that fails stops the
    command, and every list it touched keeps the version in force. Exit 3: unreadable or
    incomplete; 5: refused and quarantined (shrink, older data date); 9: store error or another
    load held the lock too long. --json prints a list with one load report per source."""
    services = services_for(db)
    from tradescreen.services import Allow

    allow = Allow(partial=allow_partial, rollback=allow_rollback, shrink=allow_shrink)
    reports = []
    try:
        for report in services.load_sources(
            paths, format=source, allow=allow, actor=cli_actor(), channel="cli"
        ):
            reports.append(report)
            if not json_out:
                _report_tables(report, _console())
    finally:
        services.close()
    if json_out:
        print_json([r.to_dict() for r in reports])


def _digests(items: list[str]) -> dict[str, str]:
    """``FILE=HEX`` options as a mapping; anything else is a one-line input error."""
    out: dict[str, str] = {}
    for item in items:
        name, _, digest = item.partition("=")
        if not name or not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
            raise InvalidInput(f"--sha256 wants FILE=HEX with 64 hex digits, got {item!r}")
        out[name] = digest.lower()
    return out


@app.command("update")
def update_cmd(
    list_codes: Annotated[
        list[str] | None,
        typer.Option("--list", help="Feed to update (us_csl, us_ofac_sdn, us_ofac_cons, un_sc)."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Fetch the files from this URL instead.")
    ] = None,
    sha256: Annotated[
        list[str] | None,
        typer.Option("--sha256", help="FILE=HEX: the digest a downloaded file must have."),
    ] = None,
    regulations: Annotated[
        bool,
        typer.Option(
            "--regulations",
            help="Refresh the Country Chart from the eCFR versioner XML instead of the lists.",
        ),
    ] = False,
    on: Annotated[
        str | None,
        typer.Option("--date", help="With --regulations: the eCFR date (default: today)."),
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Download the official lists (conditional, retried, checked) and load what changed."""
    expected = _digests(sha256 or [])
    if regulations:
        _update_regulations(settings_for(db), on, base_url, json_out)
        return
    services = services_for(db)
    try:
        results = services.update_lists(
            actor=cli_actor(),
            channel="cli",
            lists=list_codes or None,
            base_url=base_url,
            expected_sha256=expected or None,
        )
    finally:
        services.close()
    if json_out:
        print_json(
            [
                {
                    "feed": fetched.feed,
                    "files": [
                        {"url": f.url, "status": f.status, "sha256": f.sha256, "bytes": f.size}
                        for f in fetched.files
                    ],
                    "load": report.to_dict() if report else None,
                }
                for fetched, report in results
            ]
        )
        return
    console = _console()
    for fetched, report in results:
        if report is None:
            console.print(f"{fetched.feed}: not modified")
        else:
            _report_tables(report, console)


def _update_regulations(settings: Any, on: str | None, base_url: str | None, as_json: bool) -> None:

    from tradescreen.services.regulations import update_regulations

    day = dates.day(on, "--date")
    done = update_regulations(settings, on=day, base_url=base_url)
    if as_json:
        print_json(
            [
                {
                    "part": u.part,
                    "issue_date": u.issue_date.isoformat(),
                    "url": u.url,
                    "path": str(u.path),
                    "rows": u.rows,
                }
                for u in done
            ]
        )
        return
    for u in done:
        _console().print(f"part {u.part} (eCFR {u.issue_date}): {u.rows} rows -> {u.path}")


@app.command("lists")
def lists_cmd(db: DbOption = None, json_out: JsonOption = False) -> None:
    """The list versions in force, their age, and refused (quarantined) updates."""
    status = services_for(db).list_status(with_quarantined=True)
    now, limit = status.at, status.stale_after_days
    rows = [version_json(s.version, now, limit) for s in status.lists]
    quarantined = [version_json(v, now, limit) for v in status.quarantined]
    if json_out:
        print_json({"lists": rows, "quarantined": quarantined})
        return
    console = _console()
    if not rows and not quarantined:
        console.print("no lists loaded: run `tradescreen load FILE` or `tradescreen update`")
        return
    table = Table(title="Lists in force")
    for col in ("list", "version", "records", "retrieved (UTC)", "data date", "age (d)", "flag"):
        table.add_column(col, no_wrap=True, justify="right" if col == "records" else "left")
    for r in rows:
        table.add_row(
            r["list"],
            str(r["id"]),
            str(r["records"]),
            _when(r["retrieved_at"]),
            r["data_date"] or "-",
            f"{r['age_days']:.1f}",
            "STALE" if r["stale"] else "",
        )
    console.print(table)
    for q in quarantined:
        console.print(
            f"quarantined: {q['list']} version {q['id']} ({q['records']} records, "
            f"retrieved {_when(q['retrieved_at'])}) was refused",
            markup=False,
        )


@app.command("versions")
def versions_cmd(
    list_code: Annotated[str, typer.Argument(help="List code, e.g. us_bis_el.")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Every stored version of one list, newest first."""
    services = services_for(db)
    found = services.versions(list_code)
    versions = [v for v, _ in found]
    reasons = {v.id: why for v, why in found}
    if not versions:
        from tradescreen.errors import NotFound

        raise NotFound(f"no versions of list {list_code!r}")
    now = services.now()
    rows = [version_json(v, now, services.settings.stale_after_days) for v in versions]
    for r in rows:
        r["quarantine_reason"] = reasons.get(r["id"])
    if json_out:
        print_json(rows)
        return
    table = Table(title=f"Versions of {list_code}")
    for col in ("version", "status", "records", "retrieved (UTC)", "data date", "sha256"):
        table.add_column(col, no_wrap=True, justify="right" if col == "records" else "left")
    table.add_column("note", overflow="fold")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["status"],
            str(r["records"]),
            _when(r["retrieved_at"]),
            r["data_date"] or "-",
            r["sha256"][:12],
            r["quarantine_reason"] or "",
        )
    _console().print(table)
