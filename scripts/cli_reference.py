"""Write the command reference of docs/cli.md from the CLI itself.

    .venv/bin/python scripts/cli_reference.py          # rewrite the generated part
    .venv/bin/python scripts/cli_reference.py --check  # exit 1 when docs/cli.md is out of date

The part between the two markers in docs/cli.md is generated; the text around it is written by
hand. tests/e2e/test_cli_reference.py runs ``--check`` logic, so a command or option added
without its reference fails the suite (sqlite-utils keeps its CLI docs honest the same way).
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
BEGIN = "<!-- BEGIN GENERATED: scripts/cli_reference.py -->"
END = "<!-- END GENERATED -->"


def commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command with its path (``("keys", "create")``), in registration order."""
    subs = getattr(command, "commands", None)
    if subs:
        for name, sub in subs.items():
            yield from commands(sub, (*path, name))
    else:
        yield path, command


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def reference() -> str:
    from typer.core import TyperArgument

    from tradescreen.cli._app import cli_command

    out: list[str] = []
    for path, command in commands(cli_command()):
        out.append(f"### `tradescreen {' '.join(path)}`\n")
        doc = inspect.cleandoc(command.help or "").split("\n\n")[0]
        out.append(_cell(doc) + "\n")
        rows = []
        for param in command.params:
            if isinstance(param, TyperArgument):
                name = (param.metavar or param.name or "").upper()
                kind = "argument" + ("" if param.required else " (optional)")
            else:
                name = ", ".join(param.opts + param.secondary_opts)
                kind = param.metavar or "flag"
            rows.append(f"| `{name}` | {kind} | {_cell(getattr(param, 'help', ''))} |")
        if rows:
            out.append("| parameter | value | what it does |\n|---|---|---|")
            out.extend(rows)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render(doc: str) -> str:
    head, _, rest = doc.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{reference()}\n{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/cli.md is stale")
    args = parser.parse_args()
    current = DOC.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if current != wanted:
            print(f"{DOC} is out of date: run scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
