"""tradescreen.report: terminal report, JSONL and CSV of a batch of screening results."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console

from tradescreen.match.compare import compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.explanation import Explanation
from tradescreen.match.prepared import prepare_query
from tradescreen.model import Citation, Entity, EntityKind, Listing, ListVersion, Name, Query
from tradescreen.report import (
    CSV_RESULT_COLUMNS,
    explain,
    render_report,
    safe_cell,
    write_csv,
    write_jsonl,
)
from tradescreen.results import Hit, ScreenResult

VERSION = ListVersion(
    id=7,
    list_code="us_bis_el",
    list_name="Entity List (EL) - Bureau of Industry and Security",
    source="examples/lists/us_csl_sample.csv",
    format="csl_csv",
    sha256="ab" * 32,
    retrieved_at=datetime(2026, 11, 22, 5, 0, tzinfo=UTC),
    record_count=26,
    data_date=date(2020, 8, 20),
)
HIKVISION = Entity(
    id="us_bis_el:hikvision",
    kind=EntityKind.ORGANIZATION,
    names=(Name("Hangzhou Hikvision Digital Technology Co., Ltd."), Name("Hikvision")),
    listings=(
        Listing(
            list_code="us_bis_el",
            list_name=VERSION.list_name,
            citations=(Citation(84, 54002, date(2019, 10, 9)), Citation(85, 44159)),
            start_date=date(2019, 10, 9),
            license_requirement="For all items subject to the EAR.",
            license_policy="Case-by-case review for ECCNs 1A004.c ...",
            source_url="https://www.govinfo.gov/link/fr/84/54002",
        ),
    ),
    countries=("CN",),
)


def _explained(name: str, **query: str) -> Explanation:
    """What the scorer really says of ``name`` against HIKVISION."""
    return compare(prepare_query(Query(name, **query)), HIKVISION, MatchConfig()).explanation  # type: ignore[arg-type]


def _result(name: str, hit: bool, country: str | None = "CN") -> ScreenResult:
    hits: tuple[Hit, ...] = ()
    if hit:
        hits = (
            Hit(
                entity=HIKVISION,
                matched_name="Hikvision",
                score=0.93,
                explanation=_explained("Hikvision", country="CN"),
                listings=HIKVISION.listings,
                version_id=7,
            ),
        )
    return ScreenResult(
        query=Query(name=name, country=country),
        as_of=date(2026, 11, 22),
        list_versions=(VERSION,),
        hits=hits,
        warnings=("us_bis_el: data older than 7 days",),
    )


PAIRS = [
    ({"id": "C1", "name": "Hikvision Digital Tech", "country": "CN"}, _result("Hikvision", True)),
    ({"id": "C2", "name": "Siemens AG", "country": "DE"}, _result("Siemens AG", False, "DE")),
    (
        {"id": '=HYPERLINK("http://x")', "name": "+cmd|' /C calc'!A0", "country": "@SUM(1)"},
        _result("-2+3", False, None),
    ),
]


def test_jsonl_one_line_per_row_in_order_with_the_result_shape(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    assert write_jsonl(PAIRS, path) == 3
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [x["row"] for x in lines] == [1, 2, 3]
    assert [x["input"]["id"] for x in lines] == [p[0]["id"] for p in PAIRS]
    assert [x["verdict"] for x in lines] == ["hit", "clear", "clear"]
    first = lines[0]
    assert set(first) == {"row", "input", "verdict", *PAIRS[0][1].to_dict()}
    assert first["hits"][0]["listings"][0]["federal_register"][0] == "84 FR 54002 (2019-10-09)"
    assert first["list_versions"][0]["list"] == "us_bis_el"


def test_csv_neutralises_formulas_and_keeps_input_columns(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    assert write_csv(PAIRS, path) == 3
    raw = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == ["id", "name", "country", *CSV_RESULT_COLUMNS]
    hit = dict(zip(rows[0], rows[1], strict=True))
    assert hit["verdict"] == "hit"
    assert hit["listed_name"] == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert hit["matched_name"] == "Hikvision"
    assert hit["federal_register"] == "84 FR 54002;85 FR 44159"
    assert hit["start_date"] == "2019-10-09"
    assert hit["lists"] == "us_bis_el"
    assert hit["why"] == "words “Hikvision”; country agrees (CN)"
    evil = dict(zip(rows[0], rows[3], strict=True))
    assert evil["id"] == '\'=HYPERLINK("http://x")'
    assert evil["name"] == "'+cmd|' /C calc'!A0"
    assert evil["country"] == "'@SUM(1)"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_csv_header_clash_and_empty_input(tmp_path: Path) -> None:
    pairs = [({"name": "x", "verdict": "mine"}, _result("x", False))]
    write_csv(pairs, tmp_path / "a.csv")
    header = (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("name,input_verdict,row,verdict")
    assert write_csv([], tmp_path / "b.csv") == 0
    assert (tmp_path / "b.csv").read_text().strip() == ",".join(CSV_RESULT_COLUMNS)


def test_safe_cell() -> None:
    assert safe_cell("-1") == "'-1"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell("Siemens AG") == "Siemens AG"
    assert safe_cell(0.5) == "0.5"
    assert safe_cell(None) == ""


def test_explain_prints_the_scorers_words_as_written() -> None:
    """report.explain renders what compare() really produced, in the words of both sides."""
    expl = _explained("Zhejiang Hikvison Digital Tech Company Limited", country="RU")
    text = explain(expl, limit=500)
    assert text == (
        "words “Hikvison” ≈ “Hikvision” (spelling differs: 1 edit), “Digital”, "
        "“Tech” ≈ “Technology” (same word), “Company Limited” ≈ “Co., Ltd.” (same legal form); "
        "only in the query: “Zhejiang” (place); "
        "only in the list: “Hangzhou” (place); "
        "penalty: country mismatch ×0.92 (query RU, list CN)"
    )
    assert "llc" not in text  # never an internal token alone


def test_explain_of_a_rule_hit_and_clipping() -> None:
    assert explain(Explanation.of_note("static rule", 1.0)) == "static rule"
    long = explain(_explained("Zhejiang Hikvison Digital Tech Company Limited"), limit=40)
    assert len(long) == 40 and long.endswith("…")


def test_render_report_shows_verdicts_citations_and_versions() -> None:
    console = Console(record=True, width=200)
    render_report(PAIRS, console)
    out = console.export_text()
    assert "HIT" in out and "clear" in out
    assert "+cmd|' /C calc'!A0 (@SUM(1))" in out  # user text is never read as rich markup
    assert "Hangzhou Hikvision" in out and "(matched:" in out
    assert "84 FR 54002" in out
    assert "0.93" in out
    assert "words “Hikvision”; country agrees (CN)" in out
    assert "screened 3" in out and "with hits 1" in out and "as of 2026-11-22" in out
    assert "us_bis_el" in out and "abababababab" in out
    assert "data older than 7 days" in out
