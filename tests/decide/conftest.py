"""Real lists (read by path from the real-data folder, tests/data_paths.py) loaded into an
in-memory store, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from tests.data_paths import require_data

from tradescreen.db import all_tables, make_engine
from tradescreen.decide.decision import Decision, DecisionContext, check, screener_from
from tradescreen.decide.items import ActivityCategory, Item, Party, Transaction
from tradescreen.loading import load_files
from tradescreen.screening.screener import Screener
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

CSL_2022 = "lists/us_csl/consolidated_2022-04.csv.gz"

Decide = Callable[..., Decision]


@pytest.fixture(scope="module")
def csl_screener() -> Screener:
    csl = require_data(CSL_2022)
    engine = make_engine("sqlite://")
    all_tables().create_all(engine)
    store = SqlStore(engine)
    settings = Settings(db="sqlite://")
    load_files(store, [csl], settings=settings)
    screener = Screener(store, settings)
    screener.warm()
    return screener


@pytest.fixture(scope="module")
def decide_real(csl_screener: Screener) -> Decide:
    party_screener = screener_from(csl_screener)

    def run(
        *names: str,
        day: date,
        item: str = "EAR99",
        dest: str = "CN",
        activity: str | None = None,
        ctx: DecisionContext | None = None,
        category: ActivityCategory | None = None,
        contract: date | None = None,
        food_or_medicine: bool = False,
    ) -> Decision:
        tx = Transaction(
            tuple(Party.parse(n) for n in names),
            Item.parse(item, food_or_medicine=food_or_medicine),
            dest,
            day,
            activity,
            activity_category=category,
            contract_date=contract,
        )
        return check(tx, screener=party_screener, context=ctx or DecisionContext())

    return run
