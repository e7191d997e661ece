"""Command-line adapter: parse, call the library, render. No rules live here.

Every ``TradescreenError`` becomes its one-line message on stderr and its ``exit_code``.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

from tradescreen.cli._app import app, cli_command
from tradescreen.controlchars import terminal_safe
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
    "tradescreen.cli.review",
    "tradescreen.cli.export",
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name)


class _NotTheRefusal(logging.Filter):
    """Drops the log line of a list refusal's alert: it repeats the error that :func:`main`
    prints itself, and a failure should read as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not hasattr(record, "refusal")


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler on whatever ``sys.stderr`` is now (a test's capture, or the terminal), not the
    stream that was current when the first command ran."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _log_to_stderr() -> None:
    """Warnings and errors of the library on stderr, one plain line each (what Python's
    last-resort handler printed before), without the refusal lines."""
    logger = logging.getLogger("tradescreen")
    if any(isinstance(f, _NotTheRefusal) for h in logger.handlers for f in h.filters):
        return
    handler = _CurrentStderr()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(_NotTheRefusal())
    logger.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status. Usage errors (unknown option, missing argument) are
    printed by Typer itself and exit 2; a ``TradescreenError`` prints its one line and exits with
    its own code."""
    _log_to_stderr()
    try:
        cli_command().main(args=argv, prog_name="tradescreen", standalone_mode=True)
    except TradescreenError as err:
        print(f"error: {terminal_safe(str(err))}", file=sys.stderr)
        return err.exit_code
    except OSError as exc:  # a path the user gave that the library did not check first
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


__all__ = ["app", "main"]
