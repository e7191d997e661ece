"""Dated embargo facts (issue 16 items 5-6), each against its Federal Register source."""

from __future__ import annotations

from datetime import date

import pytest

from tradescreen.decide.decision import Decision, DecisionContext, check
from tradescreen.decide.items import Item, Party, Role, Transaction
from tradescreen.decide.outcomes import Effect
from tradescreen.decide.static_screener import StaticScreener
from tradescreen.model import Entity, EntityKind, Listing, Name

# one unrelated listed entity, so that a list version is in force and the parties are screened
OTHER = Entity(
    "el:other",
    EntityKind.ORGANIZATION,
    (Name("Unrelated Listed Entity Ltd"),),
    (Listing("us_bis_el", "Entity List", start_date=date(2010, 1, 1)),),
)


def decide(dest: str, day: date, item: str = "EAR99", food: bool = False) -> Decision:
    tx = Transaction(
        (Party("Ordinary Trading Company", Role.END_USER),),
        Item.parse(item, food_or_medicine=food),
        dest,
        day,
    )
    return check(tx, screener=StaticScreener([OTHER]), context=DecisionContext())


def embargo(d: Decision) -> tuple[Effect, dict[str, object]]:
    (reason,) = [r for r in d.reasons if r.kind == "embargo"]
    assert reason.details is not None
    return reason.effect, reason.details


def test_syria_ear99_food_and_medicine_were_exempt_before_september_2025() -> None:
    """15 CFR 746.9(a) before 90 FR 42315 (its background, section I.A: the Syria
    Accountability Act's prohibition covered products "other than food and medicine", i.e.
    EAR99 food and medicine were exempt): a licence for all other items."""
    assert decide("SY", date(2024, 3, 1), food=True).decision == "no_restriction"
    assert decide("SY", date(2025, 8, 1), food=True).decision == "no_restriction"
    assert decide("SY", date(2024, 3, 1)).decision == "license_required"


def test_syria_from_2025_09_02_follows_90_fr_42315() -> None:
    """90 FR 42315 (published and effective 2025-09-02): License Exception SPP authorises EAR99
    items (not to restricted parties or end uses); CCL items still need a licence."""
    assert decide("SY", date(2025, 9, 1)).decision == "license_required"
    on = decide("SY", date(2025, 9, 2))
    assert on.decision == "no_restriction"
    effect, details = embargo(on)
    assert effect is Effect.NOT_APPLICABLE and str(details["citation"]).startswith("90 FR 42315")
    assert "SPP" in str(details["policy"])
    assert not any("not known to this data" in w for w in on.warnings)
    assert decide("SY", date(2025, 9, 2), item="5A992.c").decision == "license_required"


def test_north_korea_is_a_licence_reviewed_case_by_case_not_a_prohibition() -> None:
    """15 CFR 746.4(a)-(b): a licence for all items except EAR99 food and medicine, reviewed
    case-by-case with named exceptions; EO 13722 § 3 lets a Commerce licence authorise a
    non-SDN export, so it is ``license_required``, not ``prohibited``."""
    d = decide("KP", date(2024, 3, 1))
    assert d.decision == "license_required"
    _effect, details = embargo(d)
    assert "case-by-case" in str(details["policy"])
    assert decide("KP", date(2024, 3, 1), item="3A001").decision == "license_required"
    food = decide("KP", date(2024, 3, 1), food=True)
    assert food.decision == "needs_review"  # OFAC's position on licence-free EAR99 food: open


def test_crimea_food_under_ofac_general_license_4_and_the_rule_begins_at_80_fr_4776() -> None:
    """80 FR 4776 (2015-01-29) added § 746.6 (EAR99 food and medicine exempt); OFAC's
    Ukraine-related General License No. 4 authorises exports of agricultural commodities,
    medicine and medical devices that EO 13685 otherwise prohibits."""
    food = decide("UA-43", date(2024, 3, 1), food=True)
    assert food.decision == "no_restriction"
    _effect, details = embargo(food)
    assert "80 FR 4776" in str(details["citation"]) and "80 FR 4778" not in str(details["citation"])
    assert "General License No. 4" in str(details["policy"])
    assert decide("UA-43", date(2024, 3, 1)).decision == "prohibited"


@pytest.mark.parametrize(
    ("dest", "day", "item", "effect"),
    [
        ("RU", date(2022, 3, 1), "3A001", Effect.LICENSE_REQUIRED),
        ("RU", date(2022, 3, 1), "9A991", Effect.LICENSE_REQUIRED),
        ("RU", date(2022, 3, 1), "1A001", Effect.NOT_APPLICABLE),
        ("RU", date(2022, 4, 7), "2B001", Effect.NOT_APPLICABLE),
        ("RU", date(2022, 4, 8), "1A001", Effect.LICENSE_REQUIRED),
        ("RU", date(2022, 4, 8), "0A501", Effect.LICENSE_REQUIRED),
        ("BY", date(2022, 3, 15), "1C010", Effect.NOT_APPLICABLE),
        ("BY", date(2022, 3, 15), "5A002", Effect.LICENSE_REQUIRED),
        ("BY", date(2022, 4, 8), "1C010", Effect.LICENSE_REQUIRED),
    ],
)
def test_russia_and_belarus_categories_as_they_applied(
    dest: str, day: date, item: str, effect: Effect
) -> None:
    """87 FR 12226 (published 2022-03-03, effective 2022-02-24) required a licence for Russia
    for CCL Categories 3-9; 87 FR 13048 (effective 2022-03-02) extended that to Belarus; 87 FR
    22130 (published 2022-04-14, effective 2022-04-08) extended both to every CCL category."""
    got, details = embargo(decide(dest, day, item=item))
    assert got is effect
    assert details["eccn_categories"] == (None if day >= date(2022, 4, 8) else "3456789")
