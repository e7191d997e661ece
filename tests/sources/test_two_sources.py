"""Two sources, one list (issue 15 item 4), on tiny files written here (no data folder needed):
the README's load recipe (the CSL, then the eCFR Entity List and OFAC's SDN set, then a later
CSL) through the real CLI. Before the rule, the eCFR's Entity List replaced the CSL's (review
policy and an alias lost), OFAC's smaller SDN set was quarantined as a shrink of the CSL's, and
the later CSL was quarantined as a shrink of the eCFR's Entity List."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.api.support import Client

from tradescreen.access.keys import Role, create_key
from tradescreen.cli import main as cli_main
from tradescreen.errors import QuarantinedError
from tradescreen.model import Query
from tradescreen.origins import PRECEDENCE, rank
from tradescreen.screening.screener import Screener
from tradescreen.server import create_app
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

from .two_sources import ACME, BLUE, POLICY, write_csl, write_ecfr, write_ofac_sdn

AS_OF = date(2026, 7, 20)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "two.db"
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("TRADESCREEN_DB", str(path))
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli_main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def _lists(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out = _run(capsys, "lists", "--json")
    assert code == 0, out
    data: dict[str, Any] = json.loads(out)
    return data


def _recipe(tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's order: the CSL, then the eCFR Entity List and OFAC's SDN set in one
    command, then a later CSL (one Entity List entry more)."""
    csl = write_csl(tmp / "consolidated.csv")
    code, out = _run(capsys, "load", str(csl))
    assert code == 0, out
    ecfr, sdn = write_ecfr(tmp / "entity_list.json"), write_ofac_sdn(tmp / "sdn")
    code, out = _run(capsys, "load", str(ecfr), str(sdn))
    assert code == 0, out  # OFAC's 8 SDN entries are not a shrink of the CSL's 10
    later = write_csl(tmp / "consolidated_later.csv", extra_el=("Later Listed Co",))
    code, out = _run(capsys, "load", str(later))
    assert code == 0, out  # 11 Entity List entries against the CSL's own 10, not the eCFR's 20


def _screen(db: Path, name: str, known_at: Any = None) -> list[Any]:
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        res = Screener(store, Settings(db=str(db))).screen(
            Query(name), as_of=AS_OF, known_at=known_at
        )
        return [h.to_dict() for h in res.hits]
    finally:
        store.close()


def test_recipe_keeps_both_sources_in_force_and_quarantines_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _recipe(tmp_path, capsys)
    data = _lists(capsys)
    assert data["quarantined"] == []
    rows = {(r["list"], r["origin"]): r for r in data["lists"]}
    assert {k: r["records"] for k, r in rows.items()} == {
        ("us_bis_el", "csl"): 11,
        ("us_bis_el", "ecfr"): 20,
        ("us_ofac_sdn", "ofac"): 8,
        ("us_ofac_sdn", "csl"): 10,
    }
    # one row per list and source, the preferred source first
    assert [(r["list"], r["origin"]) for r in data["lists"]] == sorted(
        rows, key=lambda k: (k[0], rank(k[1]))
    )
    assert rows[("us_bis_el", "ecfr")]["origin_name"].startswith("eCFR")
    code, out = _run(capsys, "lists")
    assert code == 0 and "source" in out and "ecfr" in out and "ofac" in out, out
    code, out = _run(capsys, "versions", "us_bis_el", "--json")
    versions = json.loads(out)
    assert [(v["origin"], v["status"]) for v in versions] == [
        ("csl", "active"),
        ("ecfr", "active"),
        ("csl", "superseded"),
    ]


def test_one_party_from_two_sources_loses_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _recipe(tmp_path, capsys)
    [acme] = [h for h in _screen(db, ACME) if h["name"] == ACME]
    assert [(x["list"], x["source"]) for x in acme["listings"]] == [
        ("us_bis_el", "csl"),
        ("us_bis_el", "ecfr"),
    ]
    assert acme["listings"][0]["license_policy"] == POLICY  # the CSL's review policy kept
    assert acme["countries"] == ["CN"]
    # each source's own alias finds the party, and reports both listings
    for alias in ("Acme Optics", "Acme Photonics Group"):
        [hit] = [h for h in _screen(db, alias) if h["entity_id"] == acme["entity_id"]]
        assert hit["score"] >= 0.95 and len(hit["listings"]) == 2, hit
    [blue] = [h for h in _screen(db, BLUE) if h["name"] == BLUE]
    assert [x["source"] for x in blue["listings"]] == ["ofac", "csl"]  # OFAC's own file first
    for alias in ("BSS LINES", "BLUE SEA LINES"):
        assert any(h["entity_id"] == blue["entity_id"] for h in _screen(db, alias)), alias
    assert "AE" in blue["countries"]
    code, out = _run(capsys, "show", acme["entity_id"], "--json")
    assert code == 0, out
    shown = json.loads(out)
    names = {n["value"] for n in shown["names"]}
    assert {"Acme Optics", "Acme Photonics Group", ACME} <= names
    assert len(shown["listings"]) == 2


def test_an_update_is_judged_against_its_own_source(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _recipe(tmp_path, capsys)
    shrunk = write_csl(tmp_path / "csl_shrunk.csv", el_fillers=4)  # 5 Entity List entries
    code, out = _run(capsys, "load", str(shrunk))
    assert code == QuarantinedError.exit_code, out
    # the reference is the CSL's own 11, not the eCFR's 20
    assert "us_bis_el would shrink from 11 to 5 entries" in out, out
    assert "from the same source" in out
    data = _lists(capsys)
    assert [(q["list"], q["origin"]) for q in data["quarantined"]] == [("us_bis_el", "csl")]
    by = {(r["list"], r["origin"]): r["records"] for r in data["lists"]}
    assert by[("us_bis_el", "csl")] == 11 and by[("us_bis_el", "ecfr")] == 20
    # and an older eCFR file than the one in force is a rollback of the eCFR's own version
    older = write_ecfr(tmp_path / "entity_list_2025.json")
    older.write_text(older.read_text().replace("2026-07-09", "2025-01-02"))
    code, out = _run(capsys, "load", str(older))
    assert code == QuarantinedError.exit_code and "a rollback" in out, out


def test_replay_before_the_second_source_sees_the_first_alone(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _recipe(tmp_path, capsys)
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        first = min(v.retrieved_at for v in store.versions())
        then = store.active_versions(first + timedelta(microseconds=1))
        assert {v.stream for v in then if v.list_code == "us_bis_el"} == {"us_bis_el/csl"}
        assert len(store.active_versions()) == len(then) + 2  # + eCFR EL and OFAC SDN
    finally:
        store.close()
    [acme] = [h for h in _screen(db, ACME, known_at=first) if h["name"] == ACME]
    assert [x["source"] for x in acme["listings"]] == ["csl"]


def test_api_lists_route_shows_the_source_of_each_version(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _recipe(tmp_path, capsys)
    settings = Settings(db=str(db), audit_key_file=tmp_path / "audit.key")
    store = SqlStore.from_url(f"sqlite:///{db}")
    _, token = create_key(store.engine, "reader", Role("screener"))
    client = Client(create_app(settings, store=store, engine=store.engine))
    try:
        r = client.get("/v1/lists", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        got = {(x["list"], x["origin"]) for x in r.json()["lists"]}
        assert {("us_bis_el", "csl"), ("us_bis_el", "ecfr"), ("us_ofac_sdn", "ofac")} <= got
        # the web UI's lists page: one row per list and source, the source named
        page = client.get("/ui/login")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        assert csrf, page.text[:500]
        r = client.post("/ui/login", data={"csrf": csrf.group(1), "api_key": token})
        assert r.status_code == 303, r.text[:500]
        page = client.get("/ui/lists")
        assert page.status_code == 200
        assert page.text.count("<code>us_bis_el</code>") == 2
        assert "<code>ecfr</code>" in page.text and "eCFR and agency lists" in page.text
    finally:
        client.close()
        store.close()


def test_precedence_names_every_source_a_reader_produces() -> None:
    from tradescreen.origins import FORMAT_ORIGIN, ORIGIN_NAMES
    from tradescreen.sources import FORMATS

    assert set(FORMATS) == set(FORMAT_ORIGIN)
    assert set(FORMAT_ORIGIN.values()) == set(PRECEDENCE) == set(ORIGIN_NAMES)


def test_docs_and_readme_state_the_rule() -> None:
    """docs/sources.md's table is origins.py's precedence and format map, row for row; the
    README's load recipe and its Lists section say the rule and link to it."""

    from tradescreen.origins import FORMAT_ORIGIN, ORIGIN_NAMES

    repo = Path(__file__).resolve().parents[2]
    doc = (repo / "docs" / "sources.md").read_text(encoding="utf-8")
    section = doc.split("## Two sources, one list", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \| ([^|]+) \| ([^|]+) \|$", section, re.M)
    assert [(int(n), o) for n, o, _, _ in rows] == list(enumerate(PRECEDENCE, 1))
    for _, origin, name, formats in rows:
        assert name.strip() == ORIGIN_NAMES[origin]
        assert sorted(re.findall(r"`(\w+)`", formats)) == sorted(
            f for f, o in FORMAT_ORIGIN.items() if o == origin
        )
    for claim in ("kept separately", "judged against its own source only", "one party"):
        assert claim in section, claim
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "kept apart: CSL, eCFR, OFAC" in readme
    assert "docs/sources.md#two-sources-one-list" in readme
    assert "judged only against its own source's previous versions" in readme


def test_the_decision_keeps_the_csl_review_policy_beside_the_ecfr_listing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tradescreen check`: the Entity List reason cites the CSL's copy (its review policy, its
    version), not the eCFR's that has no policy."""
    _recipe(tmp_path, capsys)
    code, out = _run(
        capsys,
        "check",
        "--party",
        f"end_user={ACME}",
        "--item",
        "EAR99",
        "--destination",
        "CN",
        "--date",
        AS_OF.isoformat(),
        "--json",
    )
    assert code in (0, 1), out
    data = json.loads(out)
    [reason] = [r for r in data["reasons"] if r.get("list") == "us_bis_el"]
    assert reason["policy"] == "presumption_of_denial", reason
    cited = {v["id"]: v for v in data["list_versions"]}[reason["list_version"]]
    assert cited["origin"] == "csl", cited
