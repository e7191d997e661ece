"""first_seen / last_seen / last_change of yente entities, from the stored versions of a list."""

from __future__ import annotations

from datetime import UTC, datetime

from tradescreen.db import all_tables, make_engine
from tradescreen.model import Entity, EntityKind, Listing, Name
from tradescreen.services.ftm import EntityHistory
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import SqlStore


def _e(eid: str, name: str) -> Entity:
    return Entity(
        id=eid,
        kind=EntityKind.ORGANIZATION,
        names=(Name(name),),
        listings=(Listing("xx_test", "Test list", source_id=eid),),
    )


def test_first_seen_last_seen_last_change() -> None:
    engine = make_engine("sqlite://")
    all_tables().create_all(engine)
    store = SqlStore(engine)
    store.create_schema()
    t1, t2 = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
    v1 = [_e("xx_test:a", "Alpha Trading"), _e("xx_test:b", "Beta Metals")]
    v2 = [_e("xx_test:a", "Alpha Trading LLC"), _e("xx_test:b", "Beta Metals"),
          _e("xx_test:c", "Gamma Tools")]  # fmt: skip
    for i, (ents, at) in enumerate(((v1, t1), (v2, t2))):
        store.add_versions(
            [NewVersion("xx_test", "Test list", "t", "x", f"{i}" * 64, ents, retrieved_at=at)]
        )
    history = EntityHistory(store)

    def seen(eid: str) -> tuple[datetime | None, ...]:
        entity = store.get_entity(eid)
        assert entity is not None
        s = history.seen(entity)
        return tuple(d.replace(tzinfo=UTC) if d else None for d in
                     (s.first_seen, s.last_seen, s.last_change))  # fmt: skip

    assert seen("xx_test:a") == (t1, t2, t2)  # changed in v2
    assert seen("xx_test:b") == (t1, t2, t1)  # unchanged since v1
    assert seen("xx_test:c") == (t2, t2, t2)  # new in v2
    engine.dispose()
