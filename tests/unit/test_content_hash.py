"""Entity.content_hash: what an entry says, not the order its list happens to print it in."""

from __future__ import annotations

import dataclasses
from datetime import date

from tradescreen.model import Address, Citation, Entity, EntityKind, Identifier, Listing, Name
from tradescreen.model import NameKind as K
from tradescreen.store.sql import entity_row

BASE = Entity(
    "us_bis_el:hik",
    EntityKind.ORGANIZATION,
    (
        Name("Hangzhou Hikvision Digital Technology Co., Ltd."),
        Name("Hikvision", K.AKA),
        Name("Hangzhou Hikvision", K.AKA),
    ),
    (
        Listing(
            "us_bis_el",
            "Entity List",
            citations=(Citation(84, 54002),),
            start_date=date(2019, 10, 9),
        ),
    ),
    addresses=(Address(city="Hangzhou", country="CN"), Address(city="Urumqi", country="CN")),
    identifiers=(Identifier("ISIN", "CNE100000PM8"), Identifier("Registration", "913300")),
    countries=("CN", "HK"),
)


def test_reordering_is_not_a_change() -> None:
    shuffled = dataclasses.replace(
        BASE,
        names=(BASE.names[0], BASE.names[2], BASE.names[1]),
        addresses=BASE.addresses[::-1],
        identifiers=BASE.identifiers[::-1],
        countries=BASE.countries[::-1],
    )
    assert shuffled.content_hash() == BASE.content_hash()


def test_any_content_change_is_a_change() -> None:
    changes = [
        dataclasses.replace(BASE, names=(*BASE.names, Name("HIKVISION DIGITAL", K.AKA))),
        dataclasses.replace(
            BASE, names=(BASE.names[0], Name("Hikvision", K.WEAK_AKA), BASE.names[2])
        ),
        dataclasses.replace(BASE, addresses=BASE.addresses[:1]),
        dataclasses.replace(
            BASE, listings=(dataclasses.replace(BASE.listings[0], end_date=date(2030, 1, 1)),)
        ),
        dataclasses.replace(BASE, identifiers=(Identifier("ISIN", "CNE100000PM9"),)),
    ]
    hashes = {e.content_hash() for e in changes}
    assert BASE.content_hash() not in hashes and len(hashes) == len(changes)


def test_store_and_model_agree() -> None:
    for e in (BASE, dataclasses.replace(BASE, names=BASE.names[::-1])):
        assert entity_row(1, e)["content_hash"] == e.content_hash()
