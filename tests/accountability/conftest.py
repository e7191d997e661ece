"""Fixtures for the audit and review tests: an in-memory database and small Entity/Hit/ScreenResult
builders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import Connection

from tradescreen.audit.tables import audit_log
from tradescreen.db import make_engine, metadata
from tradescreen.match.explanation import Explanation
from tradescreen.model import Entity, EntityKind, Listing, Name, Query
from tradescreen.results import Hit, ScreenResult
from tradescreen.review.tables import review_alerts, review_allowlist, review_events

# Only this area's tables: the tests do not depend on other modules importing cleanly.
TABLES = [audit_log, review_alerts, review_events, review_allowlist]


@pytest.fixture
def conn() -> Iterator[Connection]:
    engine = make_engine("sqlite://")
    metadata.create_all(engine, tables=TABLES)
    with engine.begin() as c:
        yield c
    engine.dispose()


def _entity(eid: str, name: str, *, remarks: str | None = None, lists: str = "us_bis_el") -> Entity:
    return Entity(
        id=eid,
        kind=EntityKind.ORGANIZATION,
        names=(Name(name),),
        listings=tuple(Listing(code, code.upper()) for code in lists.split()),
        remarks=remarks,
    )


def _hit(e: Entity, score: float = 0.93) -> Hit:
    return Hit(e, e.name, score, Explanation.of_note(f"matched {e.name}", score), e.listings)


def _result(*hits: Hit, name: str = "query") -> ScreenResult:
    return ScreenResult(Query(name), date(2026, 1, 5), (), tuple(hits))


@pytest.fixture
def make_entity() -> Callable[..., Entity]:
    return _entity


@pytest.fixture
def make_hit() -> Callable[..., Hit]:
    return _hit


@pytest.fixture
def make_result() -> Callable[..., ScreenResult]:
    return _result
