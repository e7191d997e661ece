"""The shared Typer app. Each area registers its commands in its own module of this package."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="tradescreen",
    help="Restricted-party screening and export-control decisions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
