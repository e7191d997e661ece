"""Command-line adapter: parse, call the library, render. No rules live here.

Every ``TradescreenError`` becomes its one-line message on stderr and its ``exit_code``.
"""

from __future__ import annotations

import importlib
import sys

import click

from tradescreen.cli._app import app
from tradescreen.errors import TradescreenError

# Command modules; each registers its commands on ``app`` when imported.
COMMAND_MODULES = (
    "tradescreen.cli.lists",
    "tradescreen.cli.screening",
    "tradescreen.cli.batch",
    "tradescreen.cli.decisions",
    "tradescreen.cli.service",
    "tradescreen.cli.audit",
    "tradescreen.cli.monitoring",
)

for _name in COMMAND_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as _exc:  # a module not written yet
        if _exc.name != _name:
            raise


def main(argv: list[str] | None = None) -> int:
    try:
        result = app(args=argv, standalone_mode=False)
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        exc.show()
        return 2
    except click.exceptions.Abort:
        print("aborted", file=sys.stderr)
        return 130
    except TradescreenError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except SystemExit as exc:  # typer/click usage errors and explicit exits
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return result if isinstance(result, int) else 0


__all__ = ["app", "main"]
