"""Names written inside other list text become names of the entry (issue 18, item 2)."""

from __future__ import annotations

from datetime import date

import pytest

from tradescreen.match.config import MatchConfig
from tradescreen.model import Address, Entity, EntityKind, Listing, Name, NameKind, Query
from tradescreen.screening.matcher import IndexBundle, match_query
from tradescreen.sources.embedded import address_names, derived_names, with_embedded_names

try:
    from tests.sources.conftest import entities
except ImportError:  # pragma: no cover
    from conftest import entities  # type: ignore[no-redef]

AS_OF = date(2026, 8, 1)
P, A, W, F = NameKind.PRIMARY, NameKind.AKA, NameKind.WEAK_AKA, NameKind.FKA


def _derived(value: str, kind: NameKind = P) -> list[tuple[str, NameKind]]:
    return [(n.value, n.kind) for n in derived_names(Name(value, kind))]


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (
            "Huawei Technologies Co., Ltd. (Huawei).  Affiliated Entity:  Huawei Marine Networks"
            " Co., Ltd.",
            P,
            [("Huawei Marine Networks Co., Ltd", A)],
        ),
        (
            "Huawei Technologies Co., Ltd. (Huawei)",
            P,
            [("Huawei Technologies Co., Ltd", A), ("Huawei", A)],
        ),
        (
            "OOO Shipyard 'Zaliv' (f.k.a., AO Shipyard 'Zaliv'",
            P,
            [("OOO Shipyard 'Zaliv'", A), ("AO Shipyard 'Zaliv'", F)],
        ),
        (
            "Man, Cho Yan Nathan; a.k.a Nathan Man",
            P,
            [("Man, Cho Yan Nathan", A), ("Nathan Man", A)],
        ),
        (
            "Thermal Processing Technology Research Institute, a.k.a., Hot Working Technology"
            " Research Institute.",
            A,
            [
                ("Thermal Processing Technology Research Institute", A),
                ("Hot Working Technology Research Institute", A),
            ],
        ),
        (
            "F.K.A. Office of Scientific and Industrial Studies (OSIS)",
            A,
            [
                ("Office of Scientific and Industrial Studies (OSIS)", F),
                ("Office of Scientific and Industrial Studies", F),
                ("OSIS", W),  # an acronym: a weak alias
            ],
        ),
        (
            "and Beijing Automation Control Equipment Institute (BACEI)",
            A,
            [
                ("Beijing Automation Control Equipment Institute (BACEI)", A),
                ("Beijing Automation Control Equipment Institute", A),
                ("BACEI", W),
            ],
        ),
        (
            "formerly known as Mianyang High-tech Zone Jingweida Technology Co., Ltd",
            A,
            [("Mianyang High-tech Zone Jingweida Technology Co., Ltd", F)],
        ),
        ("Broad Engineering (Pakistan)", P, [("Broad Engineering", A)]),  # no short form
        ("ABAR PETROLEUM SERVICE SAL (OFFSHORE)", A, [("ABAR PETROLEUM SERVICE SAL", A)]),
        (
            "Ch'oe Ch'o'l-min (a.k.a Choe Chol Min) (DPRK individual)",
            P,
            [("Ch'oe Ch'o'l-min", A), ("Choe Chol Min", A)],
        ),
        ("Akam Trading Company", P, []),
        ("Huawei Digital Technologies (Suzhou) Co., Ltd.", P, []),  # not trailing
    ],
)
def test_derived_names(value: str, kind: NameKind, expected: list[tuple[str, NameKind]]) -> None:
    assert _derived(value, kind) == expected


ECFR_HUAWEI = (
    "Addresses for Huawei Technologies Co., Ltd.: Bantian Huawei Base, Longgang District, "
    "Shenzhen, 518129, China",
    "Tsim Sha Tsui, Kowloon, Hong Kong. Hangzhou New Longshine Information Technology Co., Ltd.,"
    " Room 605, No. 21, Xinba, Xiachang District, Hangzhou, China. Hangzhou Huawei Enterprises,"
    " No. 410 Jianghong Road, Building 1, Hangzhou, China. HMN Technologies; Huahai Zhihui"
    " Technology Co., Ltd.; and HMN Tech. Building R4, No. 2 City Avenue, Dongguan, 523808,"
    " China. Huawei Technologies Co., Ltd. Beijing Research Institute, No. 3, Xinxi Rd.,"
    " Haidian District, Beijing, 100095, China.",
)


def test_parties_named_in_an_ecfr_address_text() -> None:
    assert address_names(ECFR_HUAWEI) == [
        "Hangzhou New Longshine Information Technology Co., Ltd",
        "Hangzhou Huawei Enterprises",
        "HMN Technologies",
        "Huahai Zhihui Technology Co., Ltd",
        "Huawei Technologies Co., Ltd. Beijing Research Institute",
    ]
    # an ordinary address text names no party
    assert address_names(["No. 1899 Xi Yuan Road, Chengdu, China. Building 5, Wuhan, China."]) == []


def test_entity_keeps_its_names_and_listing_and_gains_the_embedded_ones() -> None:
    listing = Listing("us_bis_el", "Entity List")
    e = Entity(
        "x",
        EntityKind.ORGANIZATION,
        (Name("Huawei Technologies Co., Ltd. (Huawei)"), Name("Huawei Technology", A)),
        (listing,),
        addresses=tuple(Address(full=t) for t in ECFR_HUAWEI),
    )
    full = with_embedded_names(e)
    assert full.names[:2] == e.names and full.listings == (listing,) and full.id == e.id
    added = [n.value for n in full.names[2:]]
    assert added[:2] == ["Huawei Technologies Co., Ltd", "Huawei"]
    assert "Hangzhou New Longshine Information Technology Co., Ltd" in added
    assert sum(n.kind is P for n in full.names) == 1
    plain = Entity("y", EntityKind.ORGANIZATION, (Name("Akam Trading"),), (listing,))
    assert with_embedded_names(plain) is plain


@pytest.mark.realdata
def test_csl_huawei_affiliates_and_short_form_are_names() -> None:
    ents = entities("us_csl/consolidated_2022-04.csv.gz")
    bundle = IndexBundle.build(ents, 1)
    cfg = MatchConfig()
    for query, expected in [
        ("Huawei Marine Networks Co., Ltd.", "Huawei Marine Networks"),
        ("Beijing Huawei Longshine Information Technology Co., Ltd.", "Longshine"),
        ("Huawei Technologies Co., Ltd.", "Huawei Technologies Co., Ltd. (Huawei)"),
    ]:
        hits = match_query(bundle, Query(query), cfg, AS_OF)
        el = [h for h in hits if any(x.list_code == "us_bis_el" for x in h.listings)]
        assert el and expected in el[0].entity.name, (query, [h.entity.name for h in hits[:3]])
        assert el[0].score >= 0.99
        assert el[0].listings[0].citations, "the listing and its citations stay with the name"


@pytest.mark.realdata
def test_ecfr_huawei_entry_gains_its_affiliates() -> None:
    ents = entities("us_bis_entity_list/bis_entity_list_ecfr_2026-07.json")
    huawei = [e for e in ents if e.name == "Huawei Technologies Co., Ltd."]
    assert len(huawei) == 1
    names = {n.value for n in huawei[0].names}
    assert "Hangzhou New Longshine Information Technology Co., Ltd" in names
    assert "Zhejiang Huawei Communications Technology Co., Ltd" in names
    bundle = IndexBundle.build(ents, 1)
    hits = match_query(
        bundle, Query("Shenzhen Huawei New Technology Co., Ltd."), MatchConfig(), AS_OF
    )
    assert hits and hits[0].entity.id == huawei[0].id and hits[0].score >= 0.99


def test_with_embedded_names_is_idempotent() -> None:
    listing = Listing("us_bis_el", "Entity List")
    e = Entity(
        "x",
        EntityKind.ORGANIZATION,
        (Name("Alpha Co. (Alpha) a.k.a. Beta Works Ltd. (BWL)"),),
        (listing,),
        addresses=tuple(Address(full=t) for t in ECFR_HUAWEI),
    )
    once = with_embedded_names(e)
    assert len(once.names) > 1
    assert with_embedded_names(once) == once
