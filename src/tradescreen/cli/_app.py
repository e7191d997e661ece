"""The shared Typer app. Each area registers its commands in its own module of this package."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

from tradescreen.settings import Settings

if TYPE_CHECKING:
    from tradescreen.clock import Clock
    from tradescreen.services import Services

app = typer.Typer(
    name="tradescreen",
    help="Restricted-party screening and export-control decisions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from tradescreen import __version__

        typer.echo(f"tradescreen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Restricted-party screening and export-control decisions."""


# Options every command that touches the store shares.
DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL or SQLite file (default: TRADESCREEN_DB).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def cli_actor() -> str:
    """Who the audit trail names for a command: ``cli:<login name>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (some containers)
        return "cli:unknown"


def settings_for(db: str | None) -> Settings:
    """The settings from ``TRADESCREEN_*``, with ``--db`` taking precedence when given."""
    return Settings(db=db) if db else Settings()


def clock_for(settings: Settings) -> Clock:
    """The application clock (UTC, or ``Settings.timezone``), for commands that need "today"
    without opening the services (the same clock ``Services.open`` builds)."""
    from tradescreen.clock import SystemClock, zone

    return SystemClock(zone(settings.timezone))


def services_for(db: str | None) -> Services:
    """The application layer a command calls (store, screener, audit key, clock)."""
    from tradescreen.services import Services

    return Services.open(settings_for(db))


def print_json(data: Any) -> None:
    """``--json`` output: one indented JSON document on stdout (the one writer of every command)."""
    sys.stdout.write(orjson.dumps(data, default=str, option=orjson.OPT_INDENT_2).decode() + "\n")


def emit(json_out: bool, data: Mapping[str, Any] | Sequence[Any], text: str) -> None:
    """A command's result: ``data`` as JSON with ``--json``, else ``text`` (one or more lines)."""
    if json_out:
        print_json(data)
    else:
        typer.echo(text)


# Help without type tags. Typer 0.29 prints each parameter's Python annotation in the help
# table ("<str>", "<bool>", "<list[str]>"); a user reads click's metavars (TEXT, NUMBER, PATH)
# and nothing for a flag. Typer has no switch for it, so the built command is tidied once.
_METAVARS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "PATH"}


def _tidy(command: Any) -> None:
    from typer.core import TyperArgument, TyperOption

    for param in command.params:
        if isinstance(param, TyperOption):
            if param.is_flag:
                param.metavar = ""
            elif param.metavar is None:
                bare = param.bare_type().removeprefix("list[").removesuffix("]")
                param.metavar = _METAVARS.get(bare, "VALUE")
        elif isinstance(param, TyperArgument):
            if param.metavar is None:
                param.metavar = param.name.upper() if param.name else "VALUE"
            # the metavar already names it
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
    make_help = command.get_help_option

    def help_option(ctx: Any) -> Any:
        option = make_help(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = help_option
    for sub in getattr(command, "commands", {}).values():
        _tidy(sub)


def cli_command() -> Any:
    """The click command of :data:`app`, with its help tidied (what ``tradescreen`` runs)."""
    command = typer.main.get_command(app)
    _tidy(command)
    return command
