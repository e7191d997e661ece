"""Issue 16 item 5: a decision for a past date when only a newer text of the list entry is at
hand says so, and does not apply carve-outs or footnotes the older text may not have had.

The entries are built from real Entity List wording (the Russia entries' "except for food or
medicine designated as EAR99", added by the 2022 Russia rules; the Huawei standards carve-out
of 85 FR 36719, effective 2020-06-18)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tradescreen.decide.decision import check
from tradescreen.decide.items import ActivityCategory, Item, ItemType, Party, Role, Transaction
from tradescreen.decide.outcomes import Effect, ReasonKind
from tradescreen.decide.static_screener import StaticScreener
from tradescreen.model import Entity, EntityKind, Listing, ListVersion, Name

FOOD_REQ = (
    "All items subject to the EAR except for food or medicine designated as EAR99. "
    "(See §§ 746.8(a)(3), and 744.21(b) of the EAR)"
)
HUAWEI_REQ = (
    "For all items subject to the EAR, see §§ 736.2(b)(3)(vi), and 744.11 of the EAR, EXCEPT for "
    "technology subject to the EAR that is designated as EAR99, or controlled on the Commerce "
    "Control List for anti-terrorism reasons only, when released to members of a “standards "
    "organization” (see §772.1) for the purpose of contributing to the revision or development "
    "of a “standard” (see §772.1)."
)
TEXT_DATE = date(2026, 7, 23)


def _screener(name: str, requirement: str, start: date) -> StaticScreener:
    listing = Listing(
        "us_bis_el",
        "Entity List",
        start_date=start,
        license_requirement=requirement,
        license_policy="Policy of denial for all items subject to the EAR",
    )
    ent = Entity("el:1", EntityKind.ORGANIZATION, (Name(name),), (listing,))
    version = ListVersion(
        1, "us_bis_el", "Entity List", "ecfr", "nsf_json", "0" * 64,
        datetime(2026, 7, 24, tzinfo=UTC), 1, data_date=TEXT_DATE,
    )  # fmt: skip
    return StaticScreener([ent], versions=[version])


def _listing_reason(screener: StaticScreener, name: str, item: Item, day: date, **kw: object):  # type: ignore[no-untyped-def]
    tx = Transaction((Party(name, Role.END_USER),), item, "RU", day, **kw)  # type: ignore[arg-type]
    d = check(tx, screener=screener)
    (reason,) = [r for r in d.reasons if r.kind is ReasonKind.LISTING]
    return d, reason


def test_an_undated_carve_out_of_a_newer_text_is_not_applied_to_an_older_date() -> None:
    name = "Example Russian Institute"
    s = _screener(name, FOOD_REQ, date(2021, 1, 1))
    food = Item.parse("EAR99", food_or_medicine=True)
    now, reason = _listing_reason(s, name, food, date(2026, 8, 1))
    assert reason.effect is Effect.NOT_APPLICABLE  # the text read is the one in force
    assert reason.requirement is not None and reason.requirement["text_date"] == "2026-07-23"
    then, old = _listing_reason(s, name, food, date(2021, 6, 1))
    assert old.effect is Effect.NEEDS_REVIEW
    assert "read from the entry text of 2026-07-23" in old.message
    assert "text in force on 2021-06-01 is not stored" in old.message
    assert any("the text in force on 2021-06-01 is not stored" in w for w in then.warnings)
    assert not any("is not stored" in w for w in now.warnings)


def test_a_carve_out_dated_by_its_rule_applies_from_that_rule() -> None:
    """85 FR 36719 (2020-06-18) dates the standards carve-out: it applies from then even when
    only the 2026 text is at hand, and not before."""
    name = "Huawei Technologies Co., Ltd."
    s = _screener(name, HUAWEI_REQ, date(2019, 5, 16))
    tech = Item.parse("EAR99", ItemType.TECHNOLOGY.value)
    std = {"activity_category": ActivityCategory.STANDARDS_ORGANIZATION}
    _d, after = _listing_reason(s, name, tech, date(2021, 1, 4), **std)
    assert after.effect is Effect.NOT_APPLICABLE and "85 FR 36719" in after.message
    _d, before = _listing_reason(s, name, tech, date(2020, 1, 6), **std)
    assert before.effect is Effect.LICENSE_REQUIRED
