"""Two sources, one list (issue 15 item 4) on the real files: the README's load recipe (the April
2022 CSL, then the eCFR Entity List of July 2026 and OFAC's SDN set of July 2021, then a later
CSL) through the real CLI. Before the rule the eCFR's Entity List replaced the CSL's (licence
review policies lost), OFAC's SDN set (8,976 entries) was quarantined as a shrink of the CSL's
(10,026) and the later CSL as a shrink of the eCFR's Entity List (3,409 against 2,001). Now each
source is its own list in force, and the entries the sources share (same id) are one party in
a screening that keeps what either source says."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.data_paths import require_data

from tradescreen.cli import main as cli_main
from tradescreen.errors import QuarantinedError
from tradescreen.model import Entity, Query
from tradescreen.screening.screener import Screener
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

pytestmark = pytest.mark.realdata

AS_OF = date(2026, 7, 20)
SAMPLE_EVERY = 100  # of the entries the two sources share, every 100th is screened


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli_main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    csl = require_data("lists", "us_csl", "consolidated_2022-04.csv.gz")
    ecfr = require_data("lists", "us_bis_entity_list", "bis_entity_list_ecfr_2026-07.json")
    sdn = require_data("lists", "us_ofac_sdn", "2021-07")
    tmp = tmp_path_factory.mktemp("two_sources_real")
    db = tmp / "recipe.db"
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADESCREEN_DB", str(db))
    mp.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp / "audit.key"))
    # a later CSL: the same publication with its last row gone (another SHA-256: checked anew)
    lines = gzip.decompress(csl.read_bytes()).rstrip(b"\n").split(b"\n")
    later = tmp / "consolidated_later.csv"
    later.write_bytes(b"\n".join(lines[:-1]) + b"\n")
    try:
        for args in ([str(csl)], [str(ecfr), str(sdn)], [str(later)]):
            code = cli_main(["load", *args])
            assert code == 0, f"load {args} exited {code}"
        yield db
    finally:
        mp.undo()


def _store(db: Path) -> SqlStore:
    return SqlStore.from_url(f"sqlite:///{db}")


def test_nothing_quarantined_and_both_sources_in_force(
    loaded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADESCREEN_DB", str(loaded))
    code, out = _run(capsys, "lists", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["quarantined"] == []
    by = {(r["list"], r["origin"]): r["records"] for r in data["lists"]}
    assert by[("us_bis_el", "csl")] in (2000, 2001)  # the later CSL dropped one row
    assert by[("us_bis_el", "ecfr")] == 3409
    assert by[("us_ofac_sdn", "ofac")] == 8976
    assert by[("us_ofac_sdn", "csl")] in (10025, 10026)


def test_a_partial_csl_is_judged_against_the_csl_alone(
    loaded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 2023 partial CSL (Entity List 919 entries) is refused against the CSL's own Entity
    List (2,001 at most over the window), not the eCFR's 3,409; its SDN part (1,737) against the
    CSL's own 10,026, not OFAC's 8,976; the versions in force stay."""
    monkeypatch.setenv("TRADESCREEN_DB", str(loaded))
    partial = require_data("lists", "us_csl", "csl_partial_2023-11.csv.gz")
    store = _store(loaded)
    before = [v.id for v in store.active_versions()]
    code, out = _run(capsys, "load", str(partial))
    assert code == QuarantinedError.exit_code, out
    assert "us_bis_el 2001 -> 919" in out and "us_ofac_sdn 10026 -> 1737" in out, out
    assert [v.id for v in store.active_versions()] == before
    store.close()


def _shared(store: SqlStore, code: str, first: str, second: str) -> list[tuple[Entity, Entity]]:
    """The entries of ``code`` that both sources hold (same id): (first's copy, second's)."""
    active = {v.stream: v for v in store.active_versions()}
    a = {e.id: e for e in store.iter_entities([active[f"{code}/{first}"].id])}
    b = {e.id: e for e in store.iter_entities([active[f"{code}/{second}"].id])}
    return [(a[i], b[i]) for i in sorted(a.keys() & b.keys())]


@pytest.mark.parametrize(
    ("code", "first", "second", "least"),
    [("us_bis_el", "csl", "ecfr", 1700), ("us_ofac_sdn", "ofac", "csl", 8500)],
)
def test_shared_entries_are_one_party_losing_nothing(
    loaded: Path, code: str, first: str, second: str, least: int
) -> None:
    store = _store(loaded)
    try:
        pairs = _shared(store, code, first, second)
        assert len(pairs) >= least  # most entries carry the same id in both sources
        screener = Screener(store, Settings(db=str(loaded)))
        checked = 0
        for a, b in pairs[::SAMPLE_EVERY]:
            if not any(x.in_force(AS_OF) is not False for x in a.listings + b.listings):
                continue
            res = screener.screen(Query(a.name), as_of=AS_OF, limit=50)
            hits: list[Any] = [h for h in res.hits if h.entity.id == a.id]
            assert len(hits) == 1, (a.id, a.name, [h.entity.id for h in res.hits])
            hit = hits[0]
            own = [x for x in hit.listings if x.list_code == code]
            sources = [o for x, o in zip(hit.listings, hit.origins, strict=True) if x in own]
            # one listing per source in force, the preferred source's first
            assert sources[0] == first and set(sources) <= {first, second}, (a.id, sources)
            # nothing either source says is lost: names, countries, review policy
            names = {n.value for n in hit.entity.names}
            assert {n.value for n in a.names + b.names} <= names, a.id
            assert set(a.countries + b.countries) <= set(hit.entity.countries), a.id
            policies = {x.license_policy for x in own}
            assert {x.license_policy for x in a.listings if x.in_force(AS_OF) is not False} <= (
                policies
            ), a.id
            checked += 1
        assert checked >= least // SAMPLE_EVERY // 2
    finally:
        store.close()


def test_review_policy_of_the_csl_reaches_the_entity_list_hit(loaded: Path) -> None:
    """Hikvision: the CSL's "Presumption of denial" is in the hit beside the eCFR's listing."""
    store = _store(loaded)
    try:
        res = Screener(store, Settings(db=str(loaded))).screen(
            Query("Hangzhou Hikvision Digital Technology Co., Ltd."), as_of=AS_OF
        )
        el = [h for h in res.hits if any(x.list_code == "us_bis_el" for x in h.listings)]
        assert el, [h.entity.name for h in res.hits]
        top = el[0]
        data = top.to_dict()
        assert [x["source"] for x in data["listings"]][:2] == ["csl", "ecfr"], data["listings"]
        assert data["listings"][0]["license_policy"], data["listings"][0]
        assert "CN" in data["countries"]
    finally:
        store.close()


def test_how_many_entries_the_sources_share_as_docs_sources_md_says() -> None:
    """docs/sources.md: 1,732 of the CSL's 2,001 Entity List entries share their id with the
    eCFR's; 8,556 of its 10,026 SDN entries with OFAC's July 2021 set."""
    from tradescreen.loading import group_by_list, read_all

    def ids(paths: list[Path], code: str) -> set[str]:
        return {e.id for e in group_by_list(read_all(paths, None)[1])[code][1]}

    csl = [require_data("lists", "us_csl", "consolidated_2022-04.csv.gz")]
    ecfr = [require_data("lists", "us_bis_entity_list", "bis_entity_list_ecfr_2026-07.json")]
    sdn = sorted(require_data("lists", "us_ofac_sdn", "2021-07").iterdir())
    el_csl, sdn_csl = ids(csl, "us_bis_el"), ids(csl, "us_ofac_sdn")
    assert (len(el_csl), len(el_csl & ids(ecfr, "us_bis_el"))) == (2001, 1732)
    assert (len(sdn_csl), len(sdn_csl & ids(sdn, "us_ofac_sdn"))) == (10026, 8556)
    text = (Path(__file__).resolve().parents[2] / "docs" / "sources.md").read_text()
    assert "1,732 of the CSL's 2,001 Entity List entries" in text
    assert "of the CSL's 10,026 SDN entries, 8,556 share it" in text
