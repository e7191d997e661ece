"""Effective vs publication dates of Federal Register rules (sources/notices.py)."""

from __future__ import annotations

from datetime import date

import pytest

import tradescreen as ts
from tradescreen.model import Citation, Listing
from tradescreen.sources.notices import listing_with_rule_dates, rule_for, rules

from .conftest import real


def _el(start: date | None, *cites: Citation) -> Listing:
    return Listing("us_bis_el", "Entity List", citations=cites, start_date=start)


def test_rules_table_is_well_formed() -> None:
    assert rules()
    for r in rules():
        assert r.first_page <= r.last_page and r.effective <= r.published
        assert r.source.startswith("https://www.federalregister.gov/citation/")


def test_a_page_inside_the_rule_matches() -> None:
    assert rule_for(Citation(84, 22963)) is not None  # the Huawei rows cite page 22963
    assert rule_for(Citation(84, 22960)) is None and rule_for(Citation(85, 22963)) is None


def test_publication_dated_listing_gets_both_dates() -> None:
    got = listing_with_rule_dates(_el(date(2019, 5, 21), Citation(84, 22963), Citation(85, 29852)))
    assert (got.start_date, got.published_date) == (date(2019, 5, 16), date(2019, 5, 21))
    assert got.start_date_source == "rule_effective"


@pytest.mark.parametrize(
    "listing",
    [
        _el(date(2020, 3, 1), Citation(84, 22963)),  # the source dates it otherwise: kept
        _el(date(2019, 10, 9), Citation(84, 54002)),  # a rule not in the table
        _el(date(2019, 5, 21)),  # no citation
    ],
)
def test_other_listings_unchanged(listing: Listing) -> None:
    assert listing_with_rule_dates(listing) == listing


def test_real_csl_huawei_in_force_from_the_effective_date() -> None:
    settings = ts.Settings(db="sqlite://")
    store = ts.SqlStore.from_url("sqlite://")
    store.create_schema()
    ts.load_files(store, [real("us_csl/consolidated_2022-04.csv.gz")], settings=settings)
    el = [v for v in store.active_versions() if v.list_code == "us_bis_el"]
    ents = {e.name: e for e in store.iter_entities([v.id for v in el])}
    huawei = ents["Huawei Technologies Co., Ltd. (Huawei)"].listings[0]
    assert (huawei.start_date, huawei.published_date) == (date(2019, 5, 16), date(2019, 5, 21))
    hik = ents["Hangzhou Hikvision Digital Technology Co., Ltd."].listings[0]
    assert (hik.start_date, hik.published_date) == (date(2019, 10, 9), None)
    screener = ts.Screener(store, settings)
    q = ts.Query("Huawei Technologies Co., Ltd.")
    assert screener.screen(q, as_of=date(2019, 5, 17)).hits  # in force before publication
    before = screener.screen(q, as_of=date(2019, 5, 15)).hits
    assert not [h for h in before if any(x.list_code == "us_bis_el" for x in h.listings)]
