"""Command-line adapter: parse, call the library, render. No rules live here.

Every ``TradescreenError`` becomes its one-line message on stderr and its ``exit_code``.
"""

from __future__ import annotations

import importlib
import sys

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
    importlib.import_module(_name)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status. Usage errors (unknown option, missing argument) are
    printed by Typer itself and exit 2; a ``TradescreenError`` prints its one line and exits with
    its own code."""
    try:
        app(args=argv, standalone_mode=True)
    except TradescreenError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


__all__ = ["app", "main"]
