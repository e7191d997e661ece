"""Small entity / version builders for the store tests."""

from __future__ import annotations

from datetime import date

from tradescreen.model import Entity, EntityKind, Listing, Name
from tradescreen.store.base import NewVersion


def ent(
    eid: str,
    name: str,
    code: str = "us_bis_el",
    *,
    start: date | None = None,
    end: date | None = None,
    remarks: str | None = None,
) -> Entity:
    return Entity(
        id=eid,
        kind=EntityKind.ORGANIZATION,
        names=(Name(name),),
        listings=(Listing(code, "Entity List", start_date=start, end_date=end),),
        remarks=remarks,
    )


def version(
    entities: list[Entity], code: str = "us_bis_el", sha: str = "a" * 64, **kw: object
) -> NewVersion:
    return NewVersion(
        list_code=code,
        list_name="Entity List",
        source="test",
        format="test",
        sha256=sha,
        entities=entities,
        **kw,  # type: ignore[arg-type]
    )
