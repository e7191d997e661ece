"""The shared Typer app. Each area registers its commands in its own module of this package."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated

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
