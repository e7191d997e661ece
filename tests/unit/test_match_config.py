"""One source of every tunable: ``MatchConfig`` holds every constant of scoring and candidate
generation, each described; no tunable float literal is left in ``match/`` or ``index/``; the
threshold is defined once; ``docs/matching.md`` shows the table the code generates."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

import tradescreen
from tradescreen.match.config import (
    DEFAULT_THRESHOLD,
    MatchConfig,
    config_vars,
    markdown_table,
)
from tradescreen.settings import Settings

PKG = Path(tradescreen.__file__).resolve().parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "matching.md"

# Float literals that are not tunables, each with its reason.
ALLOWED_FLOATS = {
    0.0: "an empty sum, a score of nothing",
    1.0: "an exact match, a full score, a bound of [0, 1]",
    100.0: "rapidfuzz's percent scale",
    1e-9: "a rounding tolerance of float sums",
}


def float_literals(source: str) -> list[tuple[int, float]]:
    """(line, value) of every float literal in ``source`` (docstrings are strings, not floats)."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and type(node.value) is float
    ]


def scanned_files() -> list[Path]:
    files = sorted((PKG / "match").glob("*.py")) + sorted((PKG / "index").glob("*.py"))
    return [f for f in files if f.name != "config.py"]


def test_the_scan_finds_float_literals() -> None:
    src = 'x = 0.8\ndef f(a=0.95):\n    """0.7 in a docstring"""\n    return a * 2\n'
    assert float_literals(src) == [(1, 0.8), (2, 0.95)]


def test_no_tunable_float_literal_in_match_or_index() -> None:
    assert {f.name for f in scanned_files()} >= {"compare.py", "prepared.py", "build.py"}
    found = [
        f"{path.relative_to(PKG)}:{line}: {value}"
        for path in scanned_files()
        for line, value in float_literals(path.read_text(encoding="utf-8"))
        if value not in ALLOWED_FLOATS
    ]
    assert found == [], "move these into MatchConfig (match/config.py): " + ", ".join(found)


def test_every_field_has_a_one_line_description() -> None:
    cvars = config_vars()
    assert [v.name for v in cvars] == [f.name for f in dataclasses.fields(MatchConfig)]
    for v in cvars:
        assert v.description.strip(), f"{v.name} has no description"
        assert "\n" not in v.description and len(v.description) <= 100, v.name
        assert v.default == getattr(MatchConfig(), v.name)
        assert v.type in ("float", "int", "bool"), (v.name, v.type)


def test_every_field_is_read_by_the_matcher() -> None:
    """A tunable nobody reads is a lie in the table (and a constant moved but not wired)."""
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for d in ("match", "index", "screening")
        for p in sorted((PKG / d).glob("*.py"))
        if p.name != "config.py"
    )
    unread = [v.name for v in config_vars() if not re.search(rf"\.{v.name}\b", code)]
    assert unread == []


def test_a_tunable_changes_the_answer() -> None:
    """The candidate credits moved out of index/build.py are the ones candidate generation uses."""
    from tradescreen.index.build import NameIndex
    from tradescreen.match.prepared import prepare_query
    from tradescreen.model import Entity, EntityKind, Listing, Name, Query

    ents = [
        Entity("a", EntityKind.ORGANIZATION, (Name("Zephyrin Holdings"),), (Listing("x", "x"),))
    ]
    index = NameIndex.build(ents, 1)
    pq = prepare_query(Query("Zephyrim Holdings"), index.weights)  # one edit away
    assert index.candidates(pq.name, MatchConfig())
    assert index.candidates(pq.name, MatchConfig(candidate_one_edit=0.0)) == []


def test_threshold_is_defined_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADESCREEN_THRESHOLD", raising=False)
    assert Settings().threshold == DEFAULT_THRESHOLD == MatchConfig().threshold
    settings_src = (PKG / "settings.py").read_text(encoding="utf-8")
    assert DEFAULT_THRESHOLD not in [v for _, v in float_literals(settings_src)]
    monkeypatch.setenv("TRADESCREEN_THRESHOLD", "0.8")
    assert Settings().threshold == 0.8


def test_docs_show_the_generated_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    m = re.search(r"<!-- tunables:start -->\n(.*?)\n<!-- tunables:end -->", text, re.S)
    assert m, "docs/matching.md lost its tunables markers"
    assert m.group(1) == markdown_table(), (
        "docs/matching.md is out of date: paste tradescreen.match.config.markdown_table()"
    )
