"""The CLI's surface: the reference in docs/cli.md is the CLI's own, every reporting command
takes --json, help has no type tags or markup, and bad input is one line with its exit code."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import pytest

from tradescreen import __version__
from tradescreen.cli import main
from tradescreen.cli._app import cli_command

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import cli_reference  # noqa: E402

# Commands whose output is not a report (the server; the export itself is the output).
NO_JSON = {("serve",), ("audit", "export")}


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setenv("COLUMNS", "120")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def leaf_commands() -> list[tuple[str, ...]]:
    return [path for path, _ in cli_reference.commands(cli_command())]


def test_docs_cli_md_is_the_generated_reference() -> None:
    current = cli_reference.DOC.read_text(encoding="utf-8")
    assert current == cli_reference.render(current), "run scripts/cli_reference.py"
    for path in leaf_commands():
        assert f"### `tradescreen {' '.join(path)}`" in current


def test_every_reporting_command_takes_json() -> None:
    from typer.core import TyperOption

    missing = [
        " ".join(path)
        for path, command in cli_reference.commands(cli_command())
        if path not in NO_JSON
        and not any(isinstance(p, TyperOption) and "--json" in p.opts for p in command.params)
    ]
    assert missing == []


@pytest.mark.parametrize("path", [(), *leaf_commands()], ids=lambda p: " ".join(p) or "root")
def test_help_has_no_type_tags_or_markup(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run([*path, "--help"], monkeypatch)
    assert code == 0 and "Usage:" in out
    for noise in ("<str>", "<bool>", "<int>", "<float", "list[", "``", ":func:", ":class:"):
        assert noise not in out, f"{noise!r} in the help of {' '.join(path)}"


def test_version(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["--version"], monkeypatch)
    assert (code, out.strip()) == (0, f"tradescreen {__version__}")


def _garbage(tmp_path: Path) -> str:
    path = tmp_path / "garbage.csv"
    path.write_text("garbage\n", encoding="utf-8")
    return str(path)


# (argv, exit code, a words of the one error line); {db} and {garbage} are filled in.
BAD = [
    (["screen", "A"], 2, "name too short"),
    (["screen", "Huawei", "--country", "Chinaa"], 2, "is not a country"),
    (["screen", "Huawei", "--kind", "company"], 2, "--kind"),
    (["screen", "Huawei", "--as-of", "2024-13-01"], 2, "--as-of"),
    (["load", "{missing}"], 3, "file not found"),
    (["load", "{garbage}"], 3, "unknown list format"),
    (["load", "--source", "nosuch", "{garbage}"], 2, "--source: unknown format"),
    (["versions", "nosuch"], 6, "no versions of list"),
    (["keys", "revoke", "nobody"], 6, "no active API key"),
    (["webhooks", "remove", "999"], 6, "no webhook 999"),
    (["audit", "prune", "--days", "0"], 2, "--days"),
    (["batch", "{missing}", "-o", "{out}"], 2, "no such file"),
    (["counterparties", "import", "{missing}"], 2, "no such file"),
    (["ownership", "load", "{missing}"], 2, "cannot read"),
    (
        ["licences", "add", "--number", "X", "--party", "A", "--item", "5A002", "--expiry", "x"],
        2,
        "expiry",
    ),
    (["check", "--party", "end_user=Huawei", "--item", "5Q002", "--destination", "CN"], 2, "item"),
]


@pytest.mark.parametrize(("argv", "code", "words"), BAD, ids=[" ".join(b[0][:3]) for b in BAD])
def test_bad_input_is_one_line_and_its_exit_code(
    argv: list[str], code: int, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    values = {
        "missing": str(tmp_path / "missing.csv"),
        "garbage": _garbage(tmp_path),
        "out": str(tmp_path / "out.jsonl"),
    }
    args = [a.format(**values) for a in argv] + ["--db", str(tmp_path / "t.db")]
    got, _, err = run(args, monkeypatch)
    lines = err.strip().splitlines()
    assert got == code, err
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err


def test_json_of_state_changing_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    db = ["--db", str(tmp_path / "t.db")]
    code, out, _ = run(
        ["keys", "create", "alice", "--role", "reviewer", "--json", *db], monkeypatch
    )
    created = json.loads(out)
    assert code == 0 and created["name"] == "alice" and created["role"] == "reviewer"
    assert len(created["key"]) > 20
    code, out, _ = run(["keys", "list", "--json", *db], monkeypatch)
    assert [k["name"] for k in json.loads(out)] == ["alice"] and "key" not in json.loads(out)[0]
    code, out, _ = run(["keys", "revoke", "alice", "--json", *db], monkeypatch)
    assert json.loads(out)["active"] is False
    code, out, _ = run(["webhooks", "add", "http://127.0.0.1:9/h", "--json", *db], monkeypatch)
    hook = json.loads(out)
    code, out, _ = run(["webhooks", "remove", str(hook["id"]), "--json", *db], monkeypatch)
    assert json.loads(out) == {"removed": hook["id"]}


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["screen", "Huawei", "--as-of", "2024-13-01"], "--as-of"),
        (["screen", "Huawei", "--known-at", "yesterday"], "--known-at"),
        (
            [
                "check",
                "--party",
                "Huawei",
                "--item",
                "EAR99",
                "--destination",
                "CN",
                "--date",
                "1 May 2019",
            ],
            "--date",
        ),
        (["monitor", "run", "--as-of", "2024/01/01"], "--as-of"),
    ],
)
def test_every_date_option_says_the_same_thing(
    args: list[str], option: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One parser for every date and instant option (cli/_dates.py): the same one-line message,
    naming the option and the value, and exit 2."""
    monkeypatch.setenv("TRADESCREEN_DB", f"sqlite:///{tmp_path / 'empty.db'}")
    code, _out, err = run(args, monkeypatch)
    value = args[args.index(option) + 1]
    kind = "ISO date-time" if option == "--known-at" else "YYYY-MM-DD date"
    assert (code, err.strip()) == (
        2,
        f"error: {option}: {value!r} is not an {kind}".replace("an YYYY", "a YYYY"),
    )
