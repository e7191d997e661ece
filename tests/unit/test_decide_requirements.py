"""Listing semantics: licence requirement / review policy parsing and per-list effects."""

from __future__ import annotations

from datetime import date

import pytest

from tradescreen.decide.items import (
    ActivityCategory,
    Item,
    Party,
    Role,
    Transaction,
    normalize_eccn,
)
from tradescreen.decide.listing_rules import Effect, ListKind, classify, interpret
from tradescreen.decide.requirements import (
    STANDARDS_CARVEOUT_FROM,
    parse_policy,
    parse_requirement,
    requirement_applies,
)
from tradescreen.errors import InvalidInput
from tradescreen.model import Listing

# Texts as the sources give them (CSL 2022-04 and the eCFR July 2026 export).
HUAWEI_REQ_2022 = (
    "For all items subject to the EAR, see §§ 736.2(b)(3)(vi), and 744.11 of the EAR, EXCEPT for "
    "technology subject to the EAR that is designated as EAR99, or controlled on the Commerce "
    "Control List for anti-terrorism reasons only, when released to members of a “standards "
    "organization” (see §772.1) for the purpose of contributing to the revision or development "
    "of a “standard” (see §772.1)."
)
HUAWEI_REQ_ECFR_2026 = "For all items subject to the EAR, see §§ 734.9(e) 1 and 744.11 of the EAR 2"
RUSSIA_REQ = (
    "All items subject to the EAR except for food or medicine designated as EAR99. "
    "(See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)"
)
ADV_COMPUTING_REQ = "For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR) 4"
SME_REQ = (
    "For all items subject to the EAR (See §§ 734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR) 5"
)
MEU_REQ = "For any item subject to the EAR listed in supplement no. 2 to part 744."
PROJECTS_REQ = (
    "For all items subject to the EAR when used in projects specified in §746.5 of the EAR."
)
HIKVISION_POLICY = (
    "Case-by-case review for ECCNs 1A004.c, 1A004.d, 1A995, 1A999.a, 1D003, 2A983, 2D983, and "
    "2E983, and for EAR99 items described in the Note to ECCN 1A995; case-by-case review for "
    "items necessary to detect, identify and treat infectious disease; and presumption of denial "
    "for all other items subject to the EAR."
)
EAR99_POLICY = (
    "Case-by-case for all items listed on the CCL. Presumption of approval for EAR99 items"
)

EAR99 = Item.parse("EAR99")
EAR99_TECH = Item.parse("EAR99", "technology")


def test_eccn_syntax_is_normalised_and_checked() -> None:
    assert normalize_eccn("5a002") == "5A002"
    assert normalize_eccn("3A090.A") == "3A090.a"
    assert normalize_eccn("0Y521") == "0Y521"
    assert normalize_eccn(" ear99 ") == "EAR99"
    for bad in ("5F002", "EAR-99", "5A02", "0Y522", "", "A5002"):
        with pytest.raises(InvalidInput, match=r"^item: "):
            normalize_eccn(bad)


def test_bad_item_type_and_destination_name_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"^item_type: "):
        Item.parse("EAR99", "service")
    with pytest.raises(InvalidInput, match=r"^destination: "):
        Transaction((Party("X"),), EAR99, "Chnia Republic", date(2024, 1, 1))
    assert Transaction((Party("X"),), EAR99, "China", date(2024, 1, 1)).destination == "CN"
    with pytest.raises(InvalidInput, match=r"^parties: "):
        Transaction((), EAR99, "CN", date(2024, 1, 1))


def test_party_spec_with_role() -> None:
    p = Party.parse("end_user=Huawei Technologies Co., Ltd.")
    assert (p.role, p.name) == (Role.END_USER, "Huawei Technologies Co., Ltd.")
    # issue 16 item 7: words before "=" are a role, so an unknown one is refused
    assert Party.parse("ultimate_consignee=Acme = Co").name == "Acme = Co"


def test_huawei_requirement_keeps_text_and_standards_carveout_window() -> None:
    req = parse_requirement(HUAWEI_REQ_2022)
    assert req.scope == "all_items"
    assert req.text.startswith("For all items subject to the EAR")
    (carve,) = [c for c in req.carveouts if c.kind == "standards_technology"]
    assert carve.effective_from == STANDARDS_CARVEOUT_FROM == date(2020, 6, 18)
    assert "736.2(b)(3)(vi)" in req.sections and "744.11" in req.sections
    std = ActivityCategory.STANDARDS_ORGANIZATION
    # before 85 FR 36719 the later text's carve-out does not apply
    before = requirement_applies(
        req, EAR99_TECH, as_of=date(2020, 6, 1), destination="CN", category=std
    )
    after = requirement_applies(
        req, EAR99_TECH, as_of=date(2020, 7, 1), destination="CN", category=std
    )
    assert before.applies is True
    assert after.applies is False and "85 FR 36719" in after.note
    # a commodity, or an item not EAR99/AT-only, is never carved out
    assert (
        requirement_applies(
            req, EAR99, as_of=date(2020, 7, 1), destination="CN", category=std
        ).applies
        is True
    )
    tech_5a002 = Item.parse("5A002", "technology")
    assert (
        requirement_applies(
            req, tech_5a002, as_of=date(2020, 7, 1), destination="CN", category=std
        ).applies
        is True
    )
    # the carve-out is the stated category, never words of a description
    other = ActivityCategory.EXISTING_NETWORKS
    got = requirement_applies(
        req, EAR99_TECH, as_of=date(2020, 7, 1), destination="CN", category=other
    )
    assert got.applies is True


@pytest.mark.parametrize(
    ("text", "footnotes"),
    [
        (HUAWEI_REQ_ECFR_2026, (1, 2)),
        (RUSSIA_REQ, (3,)),
        (ADV_COMPUTING_REQ, (4,)),
        (SME_REQ, (5,)),
        ("For all items subject to the EAR. (See § 744.11 of the EAR)", ()),
    ],
)
def test_foreign_direct_product_footnotes(text: str, footnotes: tuple[int, ...]) -> None:
    req = parse_requirement(text)
    assert req.scope == "all_items"
    assert req.footnotes == footnotes
    assert [f["number"] for f in req.to_dict()["footnotes"]] == list(footnotes)  # type: ignore[attr-defined]


def test_food_and_medicine_carveout() -> None:
    req = parse_requirement(RUSSIA_REQ)
    assert [c.kind for c in req.carveouts] == ["ear99_food_medicine"]
    food = Item.parse("EAR99", food_or_medicine=True)
    assert requirement_applies(req, food, as_of=date(2023, 1, 1), destination="RU").applies is False
    assert requirement_applies(req, EAR99, as_of=date(2023, 1, 1), destination="RU").applies is True


def test_meu_scope_depends_on_destination_and_item() -> None:
    req = parse_requirement(MEU_REQ, meu=True)
    assert req.scope == "supp2_744"
    day = date(2023, 1, 1)
    assert requirement_applies(req, EAR99, as_of=day, destination="CN").applies is False
    # Supp. No. 2 is dated (decide/data/end_use.json): 3A991 was added by 85 FR 23459 from
    # 2020-06-29; an x9xx entry the data does not hold is not known, never a pass
    a3991 = Item.parse("3A991")
    assert requirement_applies(req, a3991, as_of=day, destination="CN").applies is True
    early = date(2020, 6, 28)
    assert requirement_applies(req, a3991, as_of=early, destination="CN").applies is False
    a6993 = Item.parse("6A993")
    assert requirement_applies(req, a6993, as_of=day, destination="CN").applies is None
    assert requirement_applies(req, EAR99, as_of=day, destination="RU").applies is True


def test_projects_scope_needs_review() -> None:
    req = parse_requirement(PROJECTS_REQ)
    assert req.scope == "projects"
    assert requirement_applies(req, EAR99, as_of=date(2022, 1, 1), destination="PK").applies is None


def test_unknown_requirement_is_never_a_silent_pass() -> None:
    req = parse_requirement("Licence requirements as stated in the notice")
    assert req.scope == "unknown"
    assert requirement_applies(req, EAR99, as_of=date(2022, 1, 1), destination="CN").applies is None


def test_hikvision_policy_per_item() -> None:
    pol = parse_policy(HIKVISION_POLICY)
    assert pol.for_item(Item.parse("1A004.c")).policy == "case_by_case"
    assert pol.for_item(Item.parse("2E983")).policy == "case_by_case"
    assert pol.for_item(EAR99).policy == "presumption_of_denial"
    assert pol.for_item(Item.parse("5A002")).policy == "presumption_of_denial"


def test_ear99_approval_policy() -> None:
    pol = parse_policy(EAR99_POLICY)
    assert pol.for_item(EAR99).policy == "presumption_of_approval"
    assert pol.for_item(Item.parse("5A992.c")).policy == "case_by_case"


def _listing(code: str, name: str, **kw: object) -> Listing:
    return Listing(list_code=code, list_name=name, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("listing", "kind", "effect"),
    [
        (_listing("us_bis_dpl", "Denied Persons List"), ListKind.DPL, Effect.PROHIBITED),
        (_listing("us_ofac_sdn", "SDN", programs=("SDGT",)), ListKind.SDN, Effect.PROHIBITED),
        (_listing("us_bis_uvl", "Unverified List"), ListKind.UVL, Effect.NEEDS_REVIEW),
        (
            _listing("us_ofac_nscmic", "Non-SDN Chinese Military-Industrial Complex"),
            ListKind.NS_CMIC,
            Effect.INFORMATIONAL,
        ),
        (
            _listing(
                "us_bis_el",
                "Entity List",
                license_requirement=HUAWEI_REQ_2022,
                license_policy="Presumption of denial",
            ),
            ListKind.ENTITY_LIST,
            Effect.LICENSE_REQUIRED,
        ),
        (
            _listing("us_bis_meu", "Military End User List", license_requirement=MEU_REQ),
            ListKind.MEU,
            Effect.NOT_APPLICABLE,  # EAR99 to China: not in Supp. No. 2 to Part 744
        ),
        (
            _listing("us_state_isn", "Nonproliferation Sanctions"),
            ListKind.OTHER,
            Effect.NEEDS_REVIEW,
        ),
        (_listing("us_dod_1260h", "Section 1260H"), ListKind.INFORMATIONAL, Effect.INFORMATIONAL),
    ],
)
def test_per_list_effects(listing: Listing, kind: ListKind, effect: Effect) -> None:
    assert classify(listing) is kind
    got = interpret(listing, EAR99, as_of=date(2023, 1, 1), destination="CN")
    assert got.effect is effect
    assert got.message


def test_csl_source_names_classify_without_codes() -> None:
    el = _listing("us_csl", "Entity List (EL) - Bureau of Industry and Security")
    assert classify(el) is ListKind.ENTITY_LIST


def test_meu_note_in_the_requirement_column_keeps_the_744_21_scope() -> None:
    meu = _listing(
        "us_bis_meu",
        "Military End User List",
        license_requirement="Subordinate institution of Aero-Engine Company of China",
    )
    day = date(2023, 1, 1)
    assert interpret(meu, EAR99, as_of=day, destination="CN").effect is Effect.NOT_APPLICABLE
    got = interpret(meu, Item.parse("9A991"), as_of=day, destination="CN")
    assert got.effect is Effect.LICENSE_REQUIRED  # 9A991: the whole entry since 85 FR 23459
    part = interpret(meu, Item.parse("9A991"), as_of=date(2020, 1, 6), destination="CN")
    assert part.effect is Effect.NEEDS_REVIEW  # before it only some paragraphs (not stored)
    assert got.requirement is not None and got.requirement.scope == "supp2_744"
    assert got.requirement.text.startswith("Subordinate institution")


def test_scope_limited_to_listed_ccl_items_spares_ear99() -> None:
    req = parse_requirement(
        "For items on the CCL and listed in supplement no. 7 to part 746 of the EAR"
    )
    assert req.scope == "supp7_746"
    day = date(2023, 1, 1)
    assert requirement_applies(req, EAR99, as_of=day, destination="RU").applies is False
    assert (
        requirement_applies(req, Item.parse("3A001"), as_of=day, destination="RU").applies is None
    )


def test_footnotes_of_later_rules_are_not_put_on_older_dates() -> None:
    """Footnote 1 (the Entity List foreign direct product rule) came with 85 FR 29849
    (published 2020-05-19, effective 2020-05-15); the 2026 eCFR text of a Huawei entry carries
    it, but a 2019 decision does not show it, and says so."""
    req = parse_requirement(HUAWEI_REQ_ECFR_2026)
    assert req.footnotes == (1, 2)
    assert req.footnotes_on(date(2019, 6, 1)) == ((2,), (1,))
    old = req.to_dict(as_of=date(2019, 6, 1))["footnotes"]
    assert [f["number"] for f in old] == [2]  # type: ignore[attr-defined]
    note = req.later_footnotes(date(2019, 6, 1))
    assert note is not None and "85 FR 29849" in note
    assert req.footnotes_on(date(2020, 5, 15)) == ((1, 2), ())
    assert req.later_footnotes(date(2021, 1, 1)) is None
