"""``tradescreen update --regulations`` against a real HTTP server on 127.0.0.1 serving an eCFR
versioner XML document (Part 738) written here from the shipped Country Chart in the official
structure (``DIV9 N="Supplement No. 1 to Part 738"``, positional ``TD`` cells, ``<sup>``
footnote markers, merged Part 746 cells, single-cell footnote rows)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from httpserver import Behaviour, serve

from tradescreen.cli import main
from tradescreen.decide.ear_tables import default_tables
from tradescreen.decide.ecfr_xml import COLUMNS, GROUP_TABLES, parse_chart_xml, parse_groups_xml
from tradescreen.decide.regulations import CHART_FILE, iso, tables_for, write_version
from tradescreen.errors import InvalidInput

PATH = "api/versioner/v1/full/2027-01-15/title-15.xml"
GROUPS = (("CB", 3), ("NP", 2), ("NS", 2), ("MT", 1), ("RS", 2), ("FC", 1), ("CC", 3), ("AT", 2))


def chart_xml(drop: tuple[str, str] | None = None) -> bytes:
    """The shipped chart as Part 738 XML; ``drop`` = (ISO code, column) removes one X."""
    t = default_tables()
    head = '<TR><TH rowspan="2">Countries</TH>' + "".join(
        f'<TH colspan="{n}">{g}</TH>' for g, n in GROUPS
    )
    head += "</TR><TR>" + "".join(f"<TH>{c}</TH>" for c in COLUMNS) + "</TR>"
    body = []
    for code, row in sorted(t.rows.items(), key=lambda kv: kv[1].name):
        sups = "".join(f" <sup>{n}</sup>" for n in row.footnotes)
        name = f"<TD>{escape(row.name)}{sups}</TD>"
        if row.pointer:
            body.append(f'<TR>{name}<TD colspan="16">{escape(row.pointer)}</TD></TR>')
            continue
        marks = set(row.x) - ({drop[1]} if drop and drop[0] == code else set())
        cells = "".join("<TD>X</TD>" if c in marks else "<TD/>" for c in COLUMNS)
        body.append(f"<TR>{name}{cells}</TR>")
    for n, text in sorted(t.footnotes.items()):
        body.append(f'<TR><TD colspan="17"><sup>{n}</sup> {escape(text)}</TD></TR>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ECFR><DIV1 N="15" TYPE="TITLE">'
        '<DIV5 N="738" TYPE="PART"><DIV9 N="Supplement No. 1 to Part 738" TYPE="APPENDIX">'
        "<HEAD>Supplement No. 1 to Part 738—Commerce Country Chart</HEAD><DIV>"
        f"<TABLE>{head}{''.join(body)}</TABLE></DIV></DIV9></DIV5></DIV1></ECFR>"
    ).encode()


def groups_xml(drop: tuple[str, str] | None = None) -> bytes:
    """The shipped Country Groups as Part 740 Supplement No. 1 XML (tables A, D, E; list B)."""
    t = default_tables()
    names = {code: row.name for code, row in t.rows.items()} | {"US": "United States"}
    parts = []
    for caption, labels in GROUP_TABLES.items():
        members = {g: set(t.groups[g]) - ({drop[1]} if drop and drop[0] == g else set())
                   for g in labels}  # fmt: skip
        codes = sorted(set().union(*members.values()), key=lambda c: names[c])
        rows = "".join(
            f"<TR><TD>{escape(names[c])}</TD>"
            + "".join("<TD>X</TD>" if c in members[g] else "<TD/>" for g in labels)
            + "</TR>"
            for c in codes
        )
        head = "<TR><TH>Country</TH>" + "".join(f"<TH>[{g}]</TH>" for g in labels) + "</TR>"
        parts.append(f"<TABLE><CAPTION>{caption}</CAPTION>{head}{rows}</TABLE>")
    b_list = "".join(f"<LI>{escape(names[c])}</LI>" for c in sorted(t.groups["B"]))
    parts.append(f"<HD1>Country Group B—Countries</HD1><SCOL2>{b_list}</SCOL2>")
    return (
        '<DIV5 N="740" TYPE="PART"><DIV9 N="Supplement No. 1 to Part 740" TYPE="APPENDIX">'
        f"{''.join(parts)}</DIV9></DIV5>"
    ).encode()


def both(chart: bytes, groups: bytes) -> bytes:
    """One document holding both supplements (the test server answers one path whatever the
    ``part`` query; each reader looks only for its own supplement)."""
    return chart.replace(b"</DIV1></ECFR>", groups + b"</DIV1></ECFR>")


def test_groups_reader_gives_back_the_shipped_groups() -> None:
    t = default_tables()
    got = parse_groups_xml(groups_xml())
    assert set(got) == set(t.groups)
    for g, names in got.items():
        assert {iso(n) for n in names} == t.groups[g], g
    with pytest.raises(InvalidInput, match="no Country Group D table"):
        parse_groups_xml(groups_xml().replace(b"Country Group D", b"Country Group Q"))


def test_reader_gives_back_the_shipped_chart() -> None:
    t = default_tables()
    got = parse_chart_xml(chart_xml())
    assert len(got["countries"]) == 196 and set(got["embargoed"]) == {
        "Cuba",
        "Iran",
        "Korea, North",
        "Syria",
    }
    assert got["countries"]["China"]["marks"] == sorted(t.rows["CN"].x, key=COLUMNS.index)
    assert got["countries"]["Cyprus"]["footnotes"] == [2, 3, 4]
    assert got["footnotes"]["10"].startswith("A license is required to these destinations")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (b"<ECFR><DIV9 N='x'/>", "not well-formed"),
        (b"<ECFR><DIV9 N='Supplement No. 2 to Part 738'/></ECFR>", "no Supplement No. 1"),
        (chart_xml().replace(b"<TH>NS 2</TH>", b"<TH>NS 3</TH>"), "columns changed"),
        (chart_xml().replace(b"<TD>X</TD>", b"<TD>Y</TD>", 1), "is not X"),
    ],
)
def test_reader_refuses_what_is_not_the_chart(doc: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_chart_xml(doc)


def _check(db: str, day: str, capsys: pytest.CaptureFixture[str], item: str = "1A001") -> dict:  # type: ignore[type-arg]
    argv = ["check", "--party", "end_user=Acme Widgets GmbH", "--item", item]
    argv += ["--destination", "CN", "--date", day, "--db", db, "--no-record", "--json"]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_update_regulations_then_decisions_use_the_chart_in_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1A001: "NS applies to entire entry | NS Column 2". The served 2027-01-15 chart has no X
    for China in NS 2: decisions from that date use it; earlier ones the shipped 2026-07-23."""
    db = f"sqlite:///{tmp_path / 'ts.db'}"
    sample = Path(__file__).resolve().parents[2] / "examples" / "lists" / "us_csl_sample.csv"
    assert main(["load", str(sample), "--db", db]) == 0  # a decision needs a list in force
    capsys.readouterr()
    doc = both(chart_xml(drop=("CN", "NS 2")), groups_xml(drop=("D:5", "CN")))
    behaviour = Behaviour(files={PATH: doc})
    with serve(behaviour) as base:
        argv = ["update", "--regulations", "--date", "2027-01-15", "--base-url", base]
        assert main([*argv, "--db", db, "--json"]) == 0
        done, groups = json.loads(capsys.readouterr().out)
    assert [r[0] for r in behaviour.requests] == [PATH, PATH]
    assert done["rows"] == 196 and done["issue_date"] == "2027-01-15"
    assert Path(done["path"]).is_file() and groups["part"] == "740"
    after = _check(db, "2027-02-01", capsys)
    before = _check(db, "2026-08-01", capsys)
    assert before["decision"] == "license_required"  # NS 2 has an X for China
    assert any(r["kind"] == "country_chart" for r in before["reasons"])
    assert not [r for r in after["reasons"] if r["kind"] == "country_chart"]
    assert after["decision"] == "no_restriction"  # the party is not listed, no X for China
    assert after["country_chart"]["ecfr_issue_date"] == "2027-01-15"
    assert before["country_chart"]["ecfr_issue_date"] == "2026-07-23"
    # 3A090.c: "To or within Macau or a destination specified in Country Group D:5"
    hbm_after = _check(db, "2027-02-01", capsys, "3A090.c")
    hbm_before = _check(db, "2026-08-01", capsys, "3A090.c")
    assert hbm_before["decision"] == "license_required"
    assert not [r for r in hbm_after["reasons"] if r["kind"] == "country_chart"]


def test_update_regulations_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'ts.db'}"
    with serve(Behaviour(files={PATH: chart_xml()})) as base:  # Part 740 missing from it
        argv = ["update", "--regulations", "--date", "2027-01-15", "--base-url", base]
        assert main([*argv, "--db", db]) == 2
        assert main(["update", "--regulations", "--date", "2027-02-30", "--db", db]) == 2
        missing = [*argv[:3], "2027-03-01", "--base-url", base, "--db", db]
        assert main(missing) == 4
    err = capsys.readouterr().err
    assert "no Supplement No. 1 to Part 740" in err and "date:" in err
    assert not (tmp_path / "regulations").exists()


def test_tables_for_picks_the_version_in_force(tmp_path: Path) -> None:
    """The newest version issued on or before the date; before every version, the oldest."""
    shipped = json.loads(
        (
            Path(__file__).resolve().parents[2]
            / "src/tradescreen/decide/data/ear/country_chart.json"
        ).read_text("utf-8")
    )
    shipped["rows"]["CN"]["x"].remove("NS 2")
    shipped["ecfr_issue_date"] = "2025-01-01"
    write_version(tmp_path, date(2025, 1, 1), {CHART_FILE: shipped})
    old = tables_for(date(2024, 6, 1), tmp_path)
    mid = tables_for(date(2025, 6, 1), tmp_path)
    new = tables_for(date(2026, 8, 1), tmp_path)
    assert old.issue_date == mid.issue_date == "2025-01-01" and "NS 2" not in mid.rows["CN"].x
    assert new.issue_date == "2026-07-23" and "NS 2" in new.rows["CN"].x
    assert tables_for(date(2025, 6, 1), None) is default_tables()
    assert mid.entries is default_tables().entries  # the CCL stays the shipped one
