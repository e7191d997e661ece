"""`tradescreen screen`: exit codes, JSON shape, human table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest

from tradescreen.cli import main
from tradescreen.model import Citation, Entity, EntityKind, Listing, Name
from tradescreen.settings import Settings
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import open_store


@pytest.fixture()
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ts.db'}"
    store = open_store(Settings(db=url))
    ents = [
        Entity(
            "el-1",
            EntityKind.ORGANIZATION,
            (Name("Dahua Technology"),),
            (
                Listing(
                    "us_bis_el",
                    "Entity List",
                    citations=(Citation(84, 54002),),
                    start_date=date(2019, 10, 9),
                ),
            ),
        ),
    ] + [
        Entity(
            f"el-{i}",
            EntityKind.ORGANIZATION,
            (Name(f"Gen{i} Technology Co"),),
            (Listing("us_bis_el", "Entity List", start_date=date(2020, 1, 1)),),
        )
        for i in range(2, 20)
    ]
    store.add_versions(
        [
            NewVersion(
                "us_bis_el",
                "Entity List",
                "test",
                "test",
                "0",
                ents,
                retrieved_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        ]
    )
    return url


def test_hit_json_exit_zero(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "screen",
            "Zhejiang Dahua Technology Co Ltd",
            "--db",
            db,
            "--json",
            "--as-of",
            "2026-01-01",
        ]
    )
    out = orjson.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["hits"][0]["name"] == "Dahua Technology"
    assert out["hits"][0]["listings"][0]["federal_register"] == ["84 FR 54002"]
    assert out["as_of"] == "2026-01-01"


def test_fail_on_hit(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "Dahua Technology", "--db", db, "--fail-on-hit"]) == 1
    assert main(["screen", "Nothing Alike At All", "--db", db, "--fail-on-hit"]) == 0
    assert (
        main(["screen", "Dahua Technology", "--db", db, "--as-of", "2019-01-01", "--fail-on-hit"])
        == 0
    )


def test_human_table(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "Dahua Technology", "--db", db, "--kind", "organization"]) == 0
    out = capsys.readouterr().out
    assert "Dahua Technology" in out and "us_bis_el" in out and "84 FR 54002" in out


@pytest.mark.parametrize(
    "args",
    [
        ["   "],
        ["Dahua", "--as-of", "yesterday"],
        ["Dahua", "--kind", "city"],
        ["Dahua", "--known-at", "noon"],
    ],
)
def test_errors_exit_two(db: str, args: list[str]) -> None:
    assert main(["screen", *args, "--db", db]) == 2


def test_human_table_explains_in_the_words_as_written(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    assert main(["screen", "Zhejiang DAHUA Tech Co Ltd", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "“DAHUA”" in out and "“Tech” ≈ “Technology” (same word)" in out
    assert "only in the query: “Zhejiang” (place)" in out
    assert "llc" not in out and "zhejiang" not in out  # never the normaliser's tokens


def test_json_explanation_is_the_documented_shape(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screen", "Zhejiang DAHUA Tech Co Ltd", "--db", db, "--json"]) == 0
    expl = orjson.loads(capsys.readouterr().out)["hits"][0]["explanation"]
    assert [w["written"] for w in expl["query_only"]] == ["Zhejiang", "Co Ltd"]
    assert expl["unmatched_query"] == ["zhejiang", "llc"]  # the tokens, as before
    assert {r["query_words"]["written"] for r in expl["aligned"]} == {"DAHUA", "Tech"}
