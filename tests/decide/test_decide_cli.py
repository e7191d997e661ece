"""``tradescreen check``, ``licences``, ``ownership`` run as a user would (real eCFR EL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.data_paths import require_data

from tradescreen.cli import main
from tradescreen.db import make_engine
from tradescreen.decide import tables
from tradescreen.decide.storage import get_decision
from tradescreen.loading import load_files
from tradescreen.settings import Settings
from tradescreen.store.sql import open_store

pytestmark = pytest.mark.realdata

ECFR_EL = "lists/us_bis_entity_list/bis_entity_list_ecfr_2026-07.json"
HUAWEI = "Huawei Technologies Co., Ltd."


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    ecfr_el = require_data(ECFR_EL)
    url = f"sqlite:///{tmp_path_factory.mktemp('decide') / 'ts.db'}"
    settings = Settings(db=url)
    store = open_store(settings)
    load_files(store, [ecfr_el], settings=settings)  # open_store migrated every table
    return url


def count(url: str, table) -> int:  # type: ignore[no-untyped-def]
    with make_engine(url).connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_check_json_on_the_real_entity_list(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = count(db, tables.decisions)
    out = run_json(
        capsys,
        "check",
        "--party",
        f"end_user={HUAWEI}",
        "--item",
        "EAR99",
        "--item-type",
        "commodity",
        "--destination",
        "CN",
        "--date",
        "2019-06-01",
        "--json",
        "--db",
        db,
    )
    assert out["decision"] == "license_required"
    assert [a["citation"] for a in out["authorizations"]] == ["84 FR 23468"]
    assert count(db, tables.decisions) == before + 1
    stored = get_decision(make_engine(db), before + 1)
    assert stored is not None and stored["decision"] == "license_required"
    assert stored["list_versions"] == [v["id"] for v in out["list_versions"]]
    assert len(stored["digest"]) == 64
    authorized = run_json(
        capsys,
        "check",
        "--party",
        HUAWEI,
        "--item",
        "EAR99",
        "--destination",
        "CN",
        "--date",
        "2019-06-01",
        "--activity-category",
        "existing_networks",
        "--contract-date",
        "2019-03-01",
        "--json",
        "--db",
        db,
    )
    assert authorized["decision"] == "authorized"


def test_check_text_output(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "check",
                "--party",
                HUAWEI,
                "--item",
                "5A002",
                "--destination",
                "CN",
                "--date",
                "2020-09-01",
                "--db",
                db,
                "--no-record",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("decision: license_required")
    assert "Commerce Country Chart not evaluated" not in out
    assert "NS (5A002): NS 1 has an X for China" in out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--date", "2019-13-01", "--item", "EAR99"], "--date:"),
        (["--date", "2019-06-01", "--item", "5Q002"], "item:"),
        (["--date", "2019-06-01", "--item", "5A999"], "item: 5A999 is not an ECCN"),
        (["--date", "2019-06-01", "--item", "EAR99", "--item-type", "services"], "item_type:"),
        # issue 16 item 7: an unknown role is refused, not screened as a name ...
        (["--date", "2019-06-01", "--item", "EAR99", "--party", "enduser=Hikvision"], "party:"),
        # ... and so is a code ISO 3166 does not assign (the last --destination wins)
        (["--date", "2019-06-01", "--item", "EAR99", "--destination", "ZZ"], "destination:"),
    ],
)
def test_check_bad_input_exits_2_and_writes_nothing(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str], field: str
) -> None:
    before = count(db, tables.decisions)
    code = main(["check", "--party", HUAWEI, "--destination", "CN", "--db", db, *args])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {field}") and "\n" not in err
    assert count(db, tables.decisions) == before


def test_licences_add_and_list(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "licences",
                "add",
                "--number",
                "D555001",
                "--party",
                HUAWEI,
                "--item",
                "5A002",
                "--destination",
                "CN",
                "--value",
                "25000",
                "--expiry",
                "2021-12-31",
                "--db",
                db,
            ]
        )
        == 0
    )
    capsys.readouterr()
    rows = run_json(capsys, "licences", "list", "--json", "--db", db)
    assert [r["number"] for r in rows] == ["D555001"]
    out = run_json(
        capsys,
        "check",
        "--party",
        HUAWEI,
        "--item",
        "5A002.a",
        "--destination",
        "CN",
        "--date",
        "2021-03-01",
        "--json",
        "--db",
        db,
        "--no-record",
    )
    assert out["decision"] == "authorized"
    assert (
        main(
            [
                "licences",
                "add",
                "--number",
                "D555002",
                "--party",
                HUAWEI,
                "--item",
                "5A002",
                "--expiry",
                "31/12/2021",
                "--db",
                db,
            ]
        )
        == 2
    )
    assert "expiry:" in capsys.readouterr().err
    assert count(db, tables.licences) == 1


def test_ownership_load_then_check(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f'owner,owned,percentage\n"{HUAWEI}",Example Phone Retail Co,42\n'
        "Someone,Example Phone Retail Co,140\n"
    )
    before = count(db, tables.ownership_edges)
    assert main(["ownership", "load", str(bad), "--db", db]) == 2
    assert "bad.csv:3.percentage" in capsys.readouterr().err
    dangling = tmp_path / "dangling.json"
    dangling.write_text(
        json.dumps(
            [
                {"id": "h", "schema": "Company", "properties": {"name": [HUAWEI]}},
                {
                    "id": "o",
                    "schema": "Ownership",
                    "properties": {"owner": ["h"], "asset": ["nobody"], "percentage": ["42"]},
                },
            ]
        )
    )
    assert main(["ownership", "load", str(dangling), "--db", db]) == 2
    assert "unknown reference" in capsys.readouterr().err
    assert count(db, tables.ownership_edges) == before

    good = tmp_path / "good.csv"
    good.write_text(
        f'owner,owned,percentage,as_of\n"{HUAWEI}",Example Phone Retail Co,42,2020-01-01\n'
    )
    assert main(["ownership", "load", str(good), "--db", db]) == 0
    capsys.readouterr()
    out = run_json(
        capsys,
        "check",
        "--party",
        "Example Phone Retail Co",
        "--item",
        "EAR99",
        "--destination",
        "DE",
        "--date",
        "2024-01-01",
        "--json",
        "--db",
        db,
    )
    assert out["decision"] == "needs_review"
    (minority,) = [r for r in out["reasons"] if r["kind"] == "ownership"]
    assert minority["ownership_paths"] == [f"{HUAWEI} -42%-> Example Phone Retail Co"]


def test_check_classified_item_json_names_reason_column_and_citation(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unlisted party, 5A002 to China: NS Column 1 has an X (15 CFR 738 Supp. 1)."""
    out = run_json(
        capsys,
        "check",
        "--party",
        "end_user=Acme Widgets GmbH",
        "--item",
        "5A002",
        "--destination",
        "CN",
        "--date",
        "2026-07-23",
        "--db",
        db,
        "--no-record",
        "--json",
    )
    assert out["decision"] == "license_required"
    chart = [r for r in out["reasons"] if r["kind"] == "country_chart"]
    ns = next(r for r in chart if r["details"]["reason"] == "NS")
    assert ns["effect"] == "license_required" and ns["details"]["column"] == "NS 1"
    assert "15 CFR 738 Supp. 1 (China)" in ns["citations"]
    assert out["country_chart"]["row"] == "China"
