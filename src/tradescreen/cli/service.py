"""``tradescreen serve`` (the REST API under uvicorn) and ``tradescreen keys`` (API keys)."""

from __future__ import annotations

from typing import Any

import typer

from tradescreen.cli._app import (
    DbOption,
    JsonOption,
    app,
    cli_actor,
    emit,
    services_for,
    settings_for,
)
from tradescreen.controlchars import terminal_safe

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind (default: loopback only)."),
    port: int = typer.Option(8000, min=1, max=65535),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
    db: DbOption = None,
) -> None:
    """Serve the REST API (OpenAPI at /openapi.json, docs at /docs).

    Slow clients are dropped (408) after TRADESCREEN_SERVER_HEADER_TIMEOUT seconds for the
    headers and TRADESCREEN_API_BODY_TIMEOUT for the body; beyond
    TRADESCREEN_SERVER_MAX_CONNECTIONS open connections per worker a client gets 503 with
    Retry-After."""
    import os

    import uvicorn

    settings_for(db)  # fail early on bad TRADESCREEN_* values
    if db:  # uvicorn builds the app (in each worker) from the environment
        os.environ["TRADESCREEN_DB"] = db
    # by name, as the app: header timeout and connection cap (TRADESCREEN_SERVER_*) in the
    # protocol, the body timeout in the app
    uvicorn.run(
        "tradescreen.server:app_from_env",
        factory=True,
        http="tradescreen.serving:GuardedH11Protocol",
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=False,
        server_header=False,
    )


@keys_app.command("create")
def keys_create(
    name: str = typer.Argument(..., help="A label for the key's holder."),
    role: str = typer.Option("screener", help="screener | reviewer | admin"),
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Create a key. The key itself is printed alone on the last line, once (with --json:
    in the "key" field)."""
    record, token = services_for(db).create_key(name, role, actor=cli_actor(), channel="cli")
    if json_out:
        emit(True, {**_key_dict(record), "key": token}, "")
        return
    typer.echo(
        f"created key {record.id} '{terminal_safe(record.name)}' role={record.role.value}",
        err=True,
    )
    typer.echo("store it now; it cannot be shown again:", err=True)
    typer.echo(token)


def _key_dict(record: Any) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "role": record.role.value,
        "created_at": record.created_at.isoformat(),
        "active": record.active,
    }


@keys_app.command("revoke")
def keys_revoke(
    name_or_id: str = typer.Argument(..., metavar="NAME_OR_ID"),
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Revoke the active key with this id or name."""
    record = services_for(db).revoke_key(name_or_id, actor=cli_actor(), channel="cli")
    emit(json_out, _key_dict(record), f"revoked key {record.id} '{terminal_safe(record.name)}'")


@keys_app.command("list")
def keys_list(
    all_keys: bool = typer.Option(False, "--all", help="Include revoked keys."),
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List keys (never the keys themselves)."""
    rows = services_for(db).keys(include_revoked=all_keys)
    if json_out:
        emit(True, [_key_dict(k) for k in rows], "")
        return
    if not rows:
        typer.echo("no API keys")
        return
    typer.echo(f"{'ID':<12}  {'ROLE':<8}  {'CREATED (UTC)':<19}  {'STATUS':<7}  NAME")
    for k in rows:
        status = "active" if k.active else "revoked"
        created = k.created_at.strftime("%Y-%m-%d %H:%M:%S")
        name = terminal_safe(k.name)  # a key name is any text an admin gave: no escapes run
        typer.echo(f"{k.id:<12}  {k.role.value:<8}  {created:<19}  {status:<7}  {name}")
