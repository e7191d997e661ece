"""The versioned data files: every row cites its notice, windows are coherent, unknown states
are explicit, and decisions on uncertain dates carry warnings."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest

from tradescreen.decide.authorizations import default_authorization_data, parse_authorization_data
from tradescreen.decide.decision import DecisionContext, check
from tradescreen.decide.embargoes import default_embargo_data, destination_controls
from tradescreen.decide.items import ActivityCategory, Item, Party, Transaction
from tradescreen.decide.static_screener import StaticScreener
from tradescreen.errors import InvalidInput
from tradescreen.model import Citation, Entity, EntityKind, Listing, Name

FR = re.compile(r"^\d{2} FR \d+$")
FIELDS = {"published", "valid_from", "valid_to", "scope", "cfr", "citation", "state"}


def test_every_authorisation_cites_a_notice_and_names_only_known_uncertain_fields() -> None:
    data = default_authorization_data()
    assert data.version
    for a in data.authorizations:
        assert FR.match(a.citation), a.id
        assert set(a.uncertain) <= FIELDS, a.id
        assert a.valid_to is None or a.valid_to >= a.valid_from


def test_huawei_tgl_chain_is_contiguous_and_ends_before_the_narrow_authorisation() -> None:
    tgl = sorted(
        (a for a in default_authorization_data().authorizations if a.id.startswith("huawei-tgl")),
        key=lambda a: a.valid_from,
    )
    assert [a.citation for a in tgl] == [
        "84 FR 23468",
        "84 FR 43487",
        "84 FR 64018",
        "85 FR 8722",
        "85 FR 14416",
        "85 FR 29610",
    ]
    assert [a.valid_to for a in tgl] == [
        date(2019, 8, 19),
        date(2019, 11, 18),
        date(2020, 2, 16),
        date(2020, 4, 1),
        date(2020, 5, 15),
        date(2020, 8, 13),
    ]
    for prev, nxt in pairwise(tgl):
        assert prev.valid_to is not None and nxt.valid_from == prev.valid_to + timedelta(days=1)
    (narrow,) = [
        a for a in default_authorization_data().authorizations if a.citation == "85 FR 51596"
    ]
    assert tgl[-1].valid_to is not None and narrow.valid_from > tgl[-1].valid_to
    assert [s.id for s in narrow.scope] == ["cybersecurity"]


def test_affiliates_rule_is_reinstated_after_the_suspension() -> None:
    """90 FR 47201 (effective 2025-09-29); the suspension rule (90 FR No. 216, 2025-11-12)
    suspends it from 2025-11-10 to 2026-11-09 and reimposes it on 2026-11-10 unless extended:
    it applies from that date, saying that no extension was found in the data."""
    rule = default_authorization_data().rules["bis_affiliates_rule"]
    states = {
        d: (w.state if (w := rule.state_on(d)) else None)
        for d in (
            date(2025, 9, 28),
            date(2025, 9, 29),
            date(2025, 11, 9),
            date(2025, 11, 10),
            date(2026, 11, 9),
            date(2026, 11, 10),
            date(2030, 1, 1),
        )
    }
    assert list(states.values()) == [
        None,
        "in_force",
        "in_force",
        "suspended",
        "suspended",
        "in_force",
        "in_force",
    ]
    after = rule.state_on(date(2026, 11, 10))
    assert after is not None and after.note and "no extension was found" in after.note


def test_a_row_without_citation_or_with_a_bad_date_is_refused() -> None:
    row = {"id": "x", "name": "X", "kind": "k", "valid_from": "2020-01-01", "citation": ""}
    with pytest.raises(InvalidInput, match=r"^authorizations\.x\.citation: "):
        parse_authorization_data({"authorizations": [row]})
    row.update(citation="85 FR 1", valid_from="2020-02-30")
    with pytest.raises(InvalidInput, match=r"^authorizations\.x\.valid_from: "):
        parse_authorization_data({"authorizations": [row]})


def test_embargo_windows_are_dated_and_cite_sections() -> None:
    data = default_embargo_data()
    known = {"from", "to", "citation", "decision_ear99", "decision_eccn", "decision_food_medicine"}
    for _codes, w in data.windows:
        assert w.ear_section.startswith("15 CFR 746."), w.destination_id
        assert set(w.uncertain) <= known, w.destination_id
        assert w.ofac_program and w.citation
    (syria,) = destination_controls("SY", date(2025, 10, 1))[0]
    assert syria.status == "partial" and syria.citation.startswith("90 FR 42315")
    assert not any(w.status == "unknown" for _c, w in data.windows)
    assert destination_controls("UA-14", date(2022, 2, 20))[0] == []
    assert [w.destination_id for w in destination_controls("UA-14", date(2022, 3, 1))[0]] == [
        "dnr_lnr"
    ]


def _huawei() -> Entity:
    listing = Listing(
        "us_bis_el",
        "Entity List",
        citations=(Citation(84, 22963),),
        start_date=date(2019, 5, 21),
        license_requirement="For all items subject to the EAR",
        license_policy="Presumption of denial",
    )
    return Entity(
        "el:h", EntityKind.ORGANIZATION, (Name("Huawei Technologies Co., Ltd."),), (listing,)
    )


def test_decision_near_an_unverified_tgl_boundary_warns() -> None:
    tx = Transaction(
        (Party("Huawei Technologies Co., Ltd."),),
        Item.parse("EAR99"),
        "CN",
        date(2019, 8, 21),
        activity_category=ActivityCategory.EXISTING_HANDSETS,
        handset_public_date=date(2019, 1, 1),
    )
    d = check(tx, screener=StaticScreener([_huawei()]), context=DecisionContext())
    assert d.decision == "authorized"
    assert any("not verified" in w and "84 FR 43487" in w for w in d.warnings)
    quiet = check(
        replace(tx, date=date(2019, 6, 20)),
        screener=StaticScreener([_huawei()]),
        context=DecisionContext(),
    )
    assert not any("window boundary" in w for w in quiet.warnings)


def test_84_fr_64018_was_published_on_2019_11_20() -> None:
    """84 FR 64018 (Federal Register Vol. 84, No. 224, Wednesday 2019-11-20; effective
    2019-11-18) extended the Huawei TGL through 2020-02-16."""
    (row,) = [a for a in default_authorization_data().authorizations if a.citation == "84 FR 64018"]
    assert row.published == date(2019, 11, 20)
    assert row.valid_to == date(2020, 2, 16)
