"""Must-hold checks on the real lists: the 2022 CSL and the 2026 Entity List, loaded as a user
would (readers + SQL store), screened through the CLI's library call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from tests.data_paths import LISTS, require_data

from tradescreen.loading import load_files
from tradescreen.model import Query
from tradescreen.screening.screener import Screener
from tradescreen.settings import Settings
from tradescreen.store.sql import open_store

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

CSL_2022 = LISTS / "us_csl" / "consolidated_2022-04.csv.gz"
EL_2026 = LISTS / "us_bis_entity_list" / "bis_entity_list_ecfr_2026-07.json"
TODAY = date(2026, 8, 1)


@pytest.fixture(scope="module")
def screener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Screener]:
    require_data(CSL_2022)
    require_data(EL_2026)
    db = tmp_path_factory.mktemp("real") / "ts.db"
    settings = Settings(db=str(db))
    store = open_store(settings)
    for path in (CSL_2022, EL_2026):
        load_files(store, [path], settings=settings)
    s = Screener(store, settings)
    s.warm()
    yield s


def el_hits(s: Screener, name: str, as_of: date = TODAY) -> list[tuple[str, list[str]]]:
    res = s.screen(Query(name), as_of=as_of)
    return [
        (
            h.entity.name,
            [str(c) for x in h.listings if x.list_code == "us_bis_el" for c in x.citations],
        )
        for h in res.hits
        if any(x.list_code == "us_bis_el" for x in h.listings)
    ]


def test_hikvision_entity_list_hit_with_citation(screener: Screener) -> None:
    hits = el_hits(screener, "Hangzhou Hikvision Digital Technology Co., Ltd.")
    assert hits
    cites = " ".join(hits[0][1])
    assert "84 FR 54002" in cites or "84 FR 54004" in cites


def test_dahua_el_ahead_of_dpl_namesake(screener: Screener) -> None:
    res = screener.screen(
        Query("Zhejiang Dahua Technology Co., Ltd."), as_of=TODAY, threshold=0.3, limit=50
    )
    names = [h.entity.name.casefold() for h in res.hits]
    assert "dahua technology" in names
    el = names.index("dahua technology")
    assert res.hits[el].score >= screener.config.threshold
    dpl = [i for i, n in enumerate(names) if "dahua electronics" in n]
    assert all(el < i for i in dpl)


def test_huawei_listed_on_2019_05_22(screener: Screener) -> None:
    assert el_hits(screener, "Huawei Technologies Co., Ltd.", date(2019, 5, 22))


def test_hikvision_not_on_entity_list_on_2019_05_22(screener: Screener) -> None:
    assert not el_hits(
        screener, "Hangzhou Hikvision Digital Technology Co., Ltd.", date(2019, 5, 22)
    )


@pytest.mark.parametrize("generic", ["CORP", "Technology Co., Ltd.", "International Trading"])
def test_generic_queries_raise_no_hit(screener: Screener, generic: str) -> None:
    assert screener.screen(Query(generic), as_of=TODAY).hits == ()


HIKVISION_BRAND = (
    "海康威视 reads 'Haikang Weishi' in pinyin; 'Hikvision' is a brand, not a transliteration, "
    "and the lists carry no Chinese name for it"
)


@pytest.mark.parametrize(
    "native",
    [
        "华为技术有限公司",
        "浙江大华技术股份有限公司",
        pytest.param(
            "杭州海康威视数字技术股份有限公司",
            marks=pytest.mark.xfail(strict=True, reason=HIKVISION_BRAND),
        ),
    ],
)
def test_seed_firms_chinese_names_found(screener: Screener, native: str) -> None:
    assert el_hits(screener, native)
