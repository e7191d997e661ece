from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection

from tradescreen.db import all_tables, make_engine


@pytest.fixture()
def conn() -> Iterator[Connection]:
    engine = make_engine("sqlite://")
    all_tables().create_all(engine)
    with engine.begin() as c:
        yield c
