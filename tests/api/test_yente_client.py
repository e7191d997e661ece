"""The real yente client, unmodified: nomenklatura's ``YenteEnricher`` on ``tradescreen serve``.

The server runs on 127.0.0.1 over small real lists (Entity List entries, the UN Security Council
list, OFAC SDN vessels); the enricher's configuration is only the base URL and an API key, as a
user would write it. ``match`` must give the listed party as its first candidate and ``expand``
(``GET /entities/{id}?nested=true``) must give the entity and its Sanction, Identification and
Address entities, all with FtM-valid ids and references.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.data_paths import LISTS, require_data
from tests.served import cli, serving

from tradescreen.db import all_tables, make_engine
from tradescreen.model import Entity, EntityKind
from tradescreen.sources import read_source
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import SqlStore

from .support import EL_FILE, _entities

nk_yente = pytest.importorskip("nomenklatura.enrich.yente")
ftm = pytest.importorskip("followthemoney")

pytestmark = [pytest.mark.slow, pytest.mark.realdata]

UN_FILE = LISTS / "un_sc" / "UN_consolidated_2026-02-27.xml.gz"
SDN_DIR = LISTS / "us_ofac_sdn" / "2021-07"
ARTAVIL = "us_ofac_sdn:15036"  # a vessel: IMO 9187629


def _lists() -> list[NewVersion]:
    el = [
        e
        for e in _entities(EL_FILE, "us_bis_el", "Entity List")
        if any(w in e.name.lower() for w in ("hikvision", "huawei", "dahua", "iflytek"))
    ]
    un = list(read_source(UN_FILE).entities)
    sdn: list[Entity] = []
    for e in read_source(SDN_DIR).entities:
        if e.kind is EntityKind.VESSEL or e.id == ARTAVIL:
            sdn.append(e)
    assert any(e.id == ARTAVIL for e in sdn) and len(un) > 500 and len(el) >= 5
    return [
        NewVersion("us_bis_el", "Entity List", str(EL_FILE), "nsf_json", "a" * 64, el),
        NewVersion("un_sc", "UN Security Council Consolidated List", str(UN_FILE), "un_xml",
                   "b" * 64, un),
        NewVersion("us_ofac_sdn", "Specially Designated Nationals", str(SDN_DIR), "ofac_csv",
                   "c" * 64, sdn),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, API key) of a ``tradescreen serve`` on a free 127.0.0.1 port."""
    for path in (UN_FILE, SDN_DIR, EL_FILE):
        require_data(path)  # skipped on a plain clone, a failure in CI
    tmp = tmp_path_factory.mktemp("yente-client")
    db = tmp / "ts.db"
    engine = make_engine(f"sqlite:///{db}")
    all_tables().create_all(engine)
    store = SqlStore(engine)
    store.create_schema()
    store.add_versions(_lists())
    engine.dispose()
    env = {
        **os.environ,
        "TRADESCREEN_DB": str(db),
        "TRADESCREEN_AUDIT_KEY_FILE": str(tmp / "audit.key"),
    }
    created = cli(env, "keys", "create", "nomenklatura", "--role", "screener")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    with serving(env, tmp / "server.log") as (base, _proc):
        yield f"{base}/", key


@pytest.fixture(scope="module")
def enricher(served: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    from followthemoney import Dataset
    from nomenklatura.cache import Cache
    from nomenklatura.db import make_session

    base, key = served
    dataset = Dataset.make({"name": "client_test", "title": "Client test"})
    nk_db = tmp_path_factory.mktemp("nk") / "nk.db"
    cache = Cache(make_session(f"sqlite:///{nk_db}"), dataset, create=True)
    yield nk_yente.YenteEnricher(dataset, cache, {"api": base, "api_key": key})


def _query(data: dict[str, Any]) -> Any:
    from followthemoney import Dataset, StatementEntity

    return StatementEntity.from_data(Dataset.make({"name": "q", "title": "Q"}), data)


def _valid_ids(entities: list[Any]) -> None:
    from followthemoney import registry

    for e in entities:
        assert registry.entity.validate(e.id), e.id
        for prop, value in e.itervalues():
            if prop.type == registry.entity:
                assert registry.entity.validate(value), (e.id, prop.name, value)


CASES = {
    "company": (
        {"id": "q-hik", "schema": "Company",
         "properties": {"name": ["Hangzhou Hikvision Digital Technology Co., Ltd."],
                        "country": ["China"]}},
        "Hikvision",
    ),
    "un_person": (
        {"id": "q-badege", "schema": "Person",
         "properties": {"name": ["Eric Badege"], "nationality": ["cd"], "birthDate": ["1971"]}},
        "ERIC BADEGE",
    ),
    "vessel_by_imo": (
        {"id": "q-imo", "schema": "Vessel", "properties": {"imoNumber": ["IMO9187629"]}},
        "ARTAVIL",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_match_then_expand(enricher: Any, case: str) -> None:
    data, expected = CASES[case]
    query = _query(data)
    candidates = list(enricher.match(query))
    assert candidates, f"no candidate for {case}"
    top = candidates[0]
    assert expected.lower() in " ".join(top.get("name") + top.get("alias")).lower()
    _valid_ids(candidates)
    assert top.get("sourceUrl") == [f"{enricher._api}entities/{top.id}"]

    expanded = list(enricher.expand(query, top))
    _valid_ids(expanded)
    assert expanded[0].id == top.id
    schemata = {e.schema.name for e in expanded}
    assert "Sanction" in schemata, schemata
    sanctions = [e for e in expanded if e.schema.name == "Sanction"]
    assert all(s.get("entity") == [top.id] for s in sanctions)
    if case == "un_person":
        assert top.id == "un-sc-CDi.001"
        assert sanctions[0].get("program") == ["DRC"]
        assert sanctions[0].get("authorityId") == ["CDi.001"]
    if case == "vessel_by_imo":
        assert top.id == "us-ofac-sdn-15036"
        assert "IMO 9187629" in top.get("imoNumber") and top.get("mmsi") == ["572469210"]
        assert "Identification" not in schemata  # FtM: a Vessel holds no Identification
    if case == "company":
        assert top.get("topics") == ["export.control"] and top.get("country") == ["cn"]
        assert sanctions[0].get("authority") == ["Entity List"]


def test_apikey_header_is_what_nomenklatura_sends(served: tuple[str, str]) -> None:
    base, key = served
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Hikvision"]}}}}
    ok = httpx.post(f"{base}match/default", json=body, headers={"Authorization": f"ApiKey {key}"})
    assert ok.status_code == 200, ok.text
    assert httpx.post(f"{base}match/default", json=body).status_code == 401  # anonymous: off
    imo = {"queries": {"q": {"schema": "Vessel", "properties": {"imoNumber": ["9187629"]}}}}
    r = httpx.post(f"{base}match/default", json=imo, headers={"Authorization": f"ApiKey {key}"})
    top = r.json()["responses"]["q"]["results"][0]
    assert top["id"] == "us-ofac-sdn-15036" and top["score"] == 0.98 and top["match"]
    assert top["explanations"]["identifier_match"]["score"] == 1.0
    assert top["features"]["identifier_match"] == 1.0


def test_docs_pages_name_no_other_host(served: tuple[str, str]) -> None:
    """Offline API docs: the pages and the assets they load come from this server."""
    import re

    base, _ = served
    for page in ("docs", "redoc"):
        r = httpx.get(f"{base}{page}", timeout=10)
        assert r.status_code == 200
        urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", r.text)
        assert urls, page
        assert not [u for u in urls if "://" in u or u.startswith("//")], (page, urls)
        assert not re.search(r"https?://", r.text), page
        for u in urls:
            if u.startswith("/static-docs/"):
                asset = httpx.get(f"{base}{u.lstrip('/')}", timeout=10)
                assert asset.status_code == 200 and len(asset.content) > 1000, u


def test_nk_match_and_enrich_pipeline(
    enricher: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """What ``nk match`` then ``nk enrich`` run: nomenklatura's ``match`` records suggestions in
    a resolver; after a positive judgement ``enrich`` yields the listed entity and its
    adjacent entities from this server."""
    from followthemoney import StatementEntity
    from nomenklatura.db import make_session
    from nomenklatura.enrich import enrich, match
    from nomenklatura.judgement import Judgement
    from nomenklatura.resolver import Resolver

    session = make_session(f"sqlite:///{tmp_path_factory.mktemp('nk-resolver') / 'r.db'}")
    resolver = Resolver[StatementEntity](session, create=True)
    queries = [_query(data) for data, _ in CASES.values()]
    out = list(match(enricher, resolver, queries))
    found = [e for e in out if e.id not in {q.id for q in queries}]
    assert {"us-ofac-sdn-15036", "un-sc-CDi.001"} <= {e.id for e in found}
    resolver.decide(queries[2].id, "us-ofac-sdn-15036", Judgement.POSITIVE)  # the vessel
    resolver.decide(queries[1].id, "un-sc-CDi.001", Judgement.POSITIVE)  # the UN person
    enriched = list(enrich(enricher, resolver, queries))
    schemata = {e.schema.name for e in enriched}
    assert {"Vessel", "Person", "Sanction"} <= schemata, schemata
    _valid_ids(enriched)
