"""Part 744 end-use and end-user rules (decide/end_use.py, data/end_use.json): each trigger and
each non-trigger cites the regulation text it follows (issue 16 item 3).

§ 744.21(a): "you may not export, reexport, or transfer (in-country) any item subject to the EAR
listed in supplement no. 2 to part 744 [...] if [...] you have 'knowledge' [...] that the item is
intended, entirely or in part, for a 'military end use' [...] or 'military end user'".
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradescreen.decide.decision import DecisionContext, check
from tradescreen.decide.ear_tables import default_tables
from tradescreen.decide.end_use import (
    EndUse,
    Membership,
    default_end_use_data,
    evaluate,
    parse_end_use,
    supp2_status,
)
from tradescreen.decide.federal_register import rule_for
from tradescreen.decide.items import Item, Party, Role, Transaction
from tradescreen.decide.outcomes import Effect, Outcome, ReasonKind
from tradescreen.decide.static_screener import StaticScreener
from tradescreen.errors import InvalidInput
from tradescreen.model import Entity, EntityKind, Listing, Name

TABLES = default_tables()
KNOWN_MEU = parse_end_use(["military_end_user"])
NOBODY = "Zzyzx Garden Furniture Ltd"


def run(item: str, dest: str, day: date, answers: list[str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
    return evaluate(
        Item.parse(item),
        dest,
        day,
        parse_end_use(answers),
        tables=TABLES,
        **kw,  # type: ignore[arg-type]
    )


def by_rule(result, rule: str):  # type: ignore[no-untyped-def]
    return [f for f in result.findings if f.rule == rule]


# -- answers -------------------------------------------------------------------------------


def test_answers_parse_and_refuse_bad_input() -> None:
    a = parse_end_use(["military_end_user", "supercomputer=no", "Military-End-Use"])
    assert a is not None
    assert a.answer(EndUse.MILITARY_END_USER) is True
    assert a.answer(EndUse.MILITARY_END_USE) is True
    assert a.answer(EndUse.SUPERCOMPUTER) is False
    assert a.answer(EndUse.MILITARY_INTELLIGENCE) is None
    none = parse_end_use(["none"])
    assert none is not None and none.denied == frozenset(EndUse) and not none.known
    assert parse_end_use(None) is None
    with pytest.raises(InvalidInput, match=r"^end_use: 'militry' is not one of none, "):
        parse_end_use(["militry"])
    with pytest.raises(InvalidInput, match=r"^end_use: 'none' contradicts military_end_user$"):
        parse_end_use(["none", "military_end_user"])
    with pytest.raises(InvalidInput, match="answered both yes and no"):
        parse_end_use(["supercomputer", "supercomputer=no"])
    with pytest.raises(InvalidInput, match="must be yes or no"):
        parse_end_use(["supercomputer=maybe"])


# -- § 744.21 and Supplement No. 2 ------------------------------------------------------------


def test_supp2_membership_is_dated() -> None:
    """85 FR 23459 (effective 2020-06-29) added 5A992 and 3A991 to Supp. No. 2 and extended
    9A991 from some paragraphs to the whole entry; 7A994 was listed from 72 FR 33646 (2007)."""
    assert supp2_status("5A992", date(2020, 6, 29)).membership is Membership.LISTED
    assert supp2_status("5A992.c", date(2021, 1, 1)).membership is Membership.LISTED
    before = supp2_status("5A992", date(2020, 6, 28))
    assert before.membership is Membership.NOT_LISTED and "2020-06-29" in before.note
    assert supp2_status("9A991", date(2019, 1, 1)).membership is Membership.PARAGRAPHS
    assert supp2_status("9A991", date(2021, 1, 1)).membership is Membership.LISTED
    assert supp2_status("7A994", date(2008, 1, 1)).membership is Membership.LISTED
    assert supp2_status("7A994", date(2007, 6, 18)).membership is Membership.NOT_LISTED
    # not in the Supplement: EAR99 and a National Security entry such as 5A002
    assert supp2_status("EAR99", date(2024, 1, 1)).membership is Membership.NOT_LISTED
    assert supp2_status("5A002", date(2024, 1, 1)).membership is Membership.NOT_LISTED
    # an x9xx entry this data does not hold is not called "not listed"
    assert supp2_status("6A993", date(2024, 1, 1)).membership is Membership.NOT_KNOWN


def test_744_21_trigger_gives_licence_required_with_its_citation() -> None:
    """China since 85 FR 23459: 'military end use' or 'military end user'; 5A992 is listed."""
    r = run("5A992", "CN", date(2021, 1, 1), ["military_end_user"])
    (f,) = by_rule(r, "744.21")
    assert f.effect is Effect.LICENSE_REQUIRED
    assert f.citations == ("15 CFR 744.21 (85 FR 23459)",)
    assert "presumption of denial" in f.message
    assert not r.conditions  # the question is answered


def test_744_21_unanswered_is_a_condition_not_a_requirement() -> None:
    r = run("5A992", "CN", date(2021, 1, 1))
    (f,) = by_rule(r, "744.21")
    assert f.effect is Effect.NOT_APPLICABLE
    assert f.unanswered == (EndUse.MILITARY_END_USE, EndUse.MILITARY_END_USER)
    assert r.conditions[0]["text"] == (
        "no licence required unless you know of a military end use or a military end user: "
        "15 CFR 744.21 (85 FR 23459)"
    )


def test_744_21_non_triggers() -> None:
    """An item not in Supp. No. 2, a destination outside § 744.21's list, a date before the
    rule, and China's end-user prong before 85 FR 23459 (72 FR 33646: 'military end-use' only)."""
    not_listed = by_rule(run("EAR99", "CN", date(2024, 1, 1), ["military_end_user"]), "744.21")
    assert [f.effect for f in not_listed] == [Effect.NOT_APPLICABLE]
    assert "EAR99 items are not in 15 CFR 744 Supp. 2" in not_listed[0].message
    assert not by_rule(run("5A992", "FR", date(2024, 1, 1), ["military_end_user"]), "744.21")
    assert not by_rule(run("7A994", "CN", date(2007, 6, 18), ["military_end_use"]), "744.21")
    early = by_rule(run("7A994", "CN", date(2019, 6, 1), ["military_end_user"]), "744.21")
    assert [f.effect for f in early] == [Effect.NOT_APPLICABLE]
    assert early[0].questions == (EndUse.MILITARY_END_USE,) and early[0].citations == (
        "15 CFR 744.21 (72 FR 33646)",
    )
    use = by_rule(run("7A994", "CN", date(2019, 6, 1), ["military_end_use"]), "744.21")
    assert use[0].effect is Effect.LICENSE_REQUIRED
    # Russia from 2014-09-17 (79 FR 55608), Venezuela from 2014-11-07 (79 FR 66288)
    assert not by_rule(run("7A994", "RU", date(2014, 9, 16), ["military_end_user"]), "744.21")
    ru = by_rule(run("7A994", "RU", date(2014, 9, 17), ["military_end_user"]), "744.21")
    assert ru[0].effect is Effect.LICENSE_REQUIRED and "79 FR 55608" in ru[0].citations[0]
    assert not by_rule(run("7A994", "VE", date(2014, 11, 6), ["military_end_user"]), "744.21")


def test_venezuela_contracts_before_the_rule_are_not_subject() -> None:
    """§ 744.21(h): Venezuela transactions under contracts signed before 2014-11-07."""
    old = run(
        "7A994", "VE", date(2015, 1, 5), ["military_end_user"], contract_date=date(2014, 10, 1)
    )
    (f,) = by_rule(old, "744.21")
    assert f.effect is Effect.NOT_APPLICABLE and "before 2014-11-07" in f.message
    new = run(
        "7A994", "VE", date(2015, 1, 5), ["military_end_user"], contract_date=date(2014, 12, 1)
    )
    assert by_rule(new, "744.21")[0].effect is Effect.LICENSE_REQUIRED


def test_the_2021_to_2024_destinations() -> None:
    """Burma 86 FR 13173 (2021-03-08), Cambodia 86 FR 70015 (2021-12-09), Nicaragua 89 FR 18780
    (2024-03-15): Supp. No. 2 items."""
    for dest, start, cite in (
        ("MM", date(2021, 3, 8), "86 FR 13173"),
        ("KH", date(2021, 12, 9), "86 FR 70015"),
        ("NI", date(2024, 3, 15), "89 FR 18780"),
    ):
        assert not by_rule(run("5A992", dest, date.fromordinal(start.toordinal() - 1)), "744.21")
        (f,) = by_rule(run("5A992", dest, start, ["military_end_use"]), "744.21")
        assert f.effect is Effect.LICENSE_REQUIRED and cite in f.citations[0], dest


def test_russia_and_belarus_expansions_reach_every_item() -> None:
    """87 FR 12226 (effective 2022-02-24): Russia's § 744.21 scope becomes all items subject to
    the EAR other than EAR99 food and medicine, and 5A992.c/5D992.c unless for government end
    users or state-owned enterprises; Belarus follows with 87 FR 13048 (2022-03-02)."""
    before = by_rule(run("EAR99", "RU", date(2022, 2, 23), ["military_end_user"]), "744.21")
    assert before[0].effect is Effect.NOT_APPLICABLE  # EAR99 is not in Supp. No. 2
    after = by_rule(run("EAR99", "RU", date(2022, 2, 24), ["military_end_user"]), "744.21")
    assert after[0].effect is Effect.LICENSE_REQUIRED and "87 FR 12226" in after[0].citations[0]
    food = evaluate(
        Item.parse("EAR99", food_or_medicine=True),
        "RU",
        date(2023, 1, 1),
        KNOWN_MEU,
        tables=TABLES,
    )
    assert by_rule(food, "744.21")[0].effect is Effect.NOT_APPLICABLE
    mass = by_rule(run("5A992.c", "RU", date(2023, 1, 1), ["military_end_user"]), "744.21")
    assert mass[0].effect is Effect.NEEDS_REVIEW and "government end user" in mass[0].message
    assert not by_rule(run("EAR99", "BY", date(2022, 3, 1), ["military_end_user"]), "744.21")
    by = by_rule(run("EAR99", "BY", date(2022, 3, 2), ["military_end_user"]), "744.21")
    assert by[0].effect is Effect.LICENSE_REQUIRED and "87 FR 13048" in by[0].citations[0]


def test_hong_kong_is_china_from_2020_12_23() -> None:
    assert not by_rule(run("5A992", "HK", date(2020, 12, 22), ["military_end_user"]), "744.21")
    hk = run("5A992", "HK", date(2020, 12, 23), ["military_end_user"])
    assert by_rule(hk, "744.21")[0].effect is Effect.LICENSE_REQUIRED
    assert any("HK treated as CN" in w for w in hk.warnings)


# -- § 744.22 -------------------------------------------------------------------------------


def test_744_22_military_intelligence() -> None:
    """§ 744.22(a), 86 FR 4865 (effective 2021-03-16): any item subject to the EAR for a
    'military-intelligence end use' or 'end user' in China, Russia, Venezuela or E:1/E:2."""
    assert not by_rule(run("EAR99", "CN", date(2021, 3, 15), ["military_intelligence"]), "744.22")
    (f,) = by_rule(run("EAR99", "CN", date(2021, 3, 16), ["military_intelligence"]), "744.22")
    assert f.effect is Effect.LICENSE_REQUIRED and f.citations == ("15 CFR 744.22 (86 FR 4865)",)
    assert not by_rule(run("EAR99", "FR", date(2024, 1, 1), ["military_intelligence"]), "744.22")
    assert not by_rule(run("EAR99", "MM", date(2021, 4, 8), ["military_intelligence"]), "744.22")
    assert by_rule(run("EAR99", "MM", date(2021, 4, 9), ["military_intelligence"]), "744.22")
    # Nicaragua: 89 FR 18780 added it to § 744.21 (Supp. No. 2 items), not to § 744.22
    assert not by_rule(run("EAR99", "NI", date(2025, 1, 1), ["military_intelligence"]), "744.22")
    unanswered = run("EAR99", "CU", date(2024, 1, 1))  # Cuba: E:2 (and D:5, for § 744.23)
    assert "744.22" in [c["rule"] for c in unanswered.conditions]


# -- § 744.23 -------------------------------------------------------------------------------


def test_744_23_supercomputer_and_advanced_node() -> None:
    """§ 744.23(a)(1) (88 FR 73458, effective 2023-11-17): ICs in 3A001, 3A991, 4A994, 5A002,
    5A004, 5A992, or computers in 4A003, 4A004, 4A994, 5A002, 5A004, 5A992, for a
    'supercomputer' in Macau or D:5; (a)(2)(i): any item for an advanced-node IC facility."""
    (sc,) = [
        f
        for f in by_rule(run("4A994", "CN", date(2024, 1, 1), ["supercomputer"]), "744.23")
        if EndUse.SUPERCOMPUTER in f.questions
    ]
    assert sc.effect is Effect.LICENSE_REQUIRED and sc.citations[0].startswith(
        "15 CFR 744.23(a)(1)"
    )
    macau = run("4A994", "MO", date(2024, 1, 1), ["supercomputer"])
    assert any(f.effect is Effect.LICENSE_REQUIRED for f in by_rule(macau, "744.23"))
    outside = by_rule(run("1C990", "CN", date(2024, 1, 1), ["supercomputer"]), "744.23")
    assert all(f.effect is Effect.NOT_APPLICABLE for f in outside)
    fab = by_rule(run("EAR99", "CN", date(2024, 1, 1), ["advanced_node_ic"]), "744.23")
    assert [f.effect for f in fab if f.effect is not Effect.NOT_APPLICABLE] == [
        Effect.LICENSE_REQUIRED
    ]
    france = by_rule(run("4A994", "FR", date(2024, 1, 1), ["supercomputer"]), "744.23")
    assert all(EndUse.SUPERCOMPUTER not in f.questions for f in france)


def test_744_23_before_2023_text_is_not_stored() -> None:
    """The 2022 text (87 FR 62186) is not stored: a known end use is a review, not a clearance."""
    (f,) = by_rule(run("4A994", "CN", date(2023, 1, 1), ["supercomputer"]), "744.23")
    assert f.effect is Effect.NEEDS_REVIEW and "87 FR 62186" in f.message
    assert not by_rule(run("4A994", "CN", date(2022, 10, 6), ["supercomputer"]), "744.23")


def test_744_23_headquarters_rule_for_advanced_computing_items() -> None:
    """§ 744.23(a)(3)(i): 3A090 etc. to a destination outside D:1, D:4, D:5 (A:5/A:6 count as
    outside) for an entity headquartered in Macau or D:5."""
    fr = by_rule(run("3A090", "FR", date(2024, 5, 1), ["d5_headquartered"]), "744.23")
    assert [f.effect for f in fr] == [Effect.LICENSE_REQUIRED]
    cn = by_rule(run("3A090", "CN", date(2024, 5, 1), ["d5_headquartered"]), "744.23")
    assert all(EndUse.D5_HEADQUARTERED not in f.questions for f in cn)
    paragraph = by_rule(run("4A003", "FR", date(2024, 5, 1), ["d5_headquartered"]), "744.23")
    assert [f.effect for f in paragraph] == [Effect.NEEDS_REVIEW]  # 4A003.z only


# -- the decision -------------------------------------------------------------------------


def _tx(item: str, dest: str, day: date, answers: list[str] | None, *names: str) -> Transaction:
    parties = tuple(Party(n, Role.END_USER) for n in (names or (NOBODY,)))
    return Transaction(parties, Item.parse(item), dest, day, end_use=parse_end_use(answers))


def _meu(name: str) -> Entity:
    """An MEU List (Supp. No. 7 to Part 744) entry: its requirement is § 744.21's item list."""
    listing = Listing("us_bis_meu", "Military End User List", start_date=date(2020, 12, 23))
    return Entity("meu:1", EntityKind.ORGANIZATION, (Name(name),), (listing,))


def test_decision_keeps_no_restriction_with_its_conditions() -> None:
    """5A992.c to China (AT only: no X for China) with nothing known is no_restriction, with the
    §§ 744.21, 744.22 and 744.23 questions as its conditions; a known military end user needs a
    licence (5A992 is in Supp. No. 2 since 85 FR 23459)."""
    screener = StaticScreener([_meu("Placeholder MEU Entity")])
    d = check(_tx("5A992.c", "CN", date(2024, 1, 1), None), screener=screener)
    assert d.decision is Outcome.NO_RESTRICTION
    out = d.to_dict()
    assert sorted({c["rule"] for c in out["conditions"]}) == ["744.21", "744.22", "744.23"]
    questions = {q for c in out["conditions"] for q in c["questions"]}
    assert {"supercomputer", "advanced_node_ic", "semiconductor_equipment"} <= questions
    assert "ic_facility_node_unknown" not in questions  # Category 3 B-E items only
    known = check(_tx("5A992.c", "CN", date(2024, 1, 1), ["military_end_user"]), screener=screener)
    assert known.decision is Outcome.LICENSE_REQUIRED
    (reason,) = [r for r in known.reasons if r.kind is ReasonKind.END_USE]
    assert reason.citations == ("15 CFR 744.21 (85 FR 23459)",)
    cleared = check(_tx("5A992.c", "CN", date(2024, 1, 1), ["none"]), screener=screener)
    assert cleared.decision is Outcome.NO_RESTRICTION and not cleared.to_dict()["conditions"]


def test_meu_listing_uses_the_dated_supplement() -> None:
    """§ 744.21(b)(1)(ii): an MEU-listed party needs a licence for items in Supp. No. 2 only."""
    name = "Aviation Industry Corporation Test Unit"
    screener = StaticScreener([_meu(name)])
    listed = check(_tx("9A991", "CN", date(2021, 6, 1), None, name), screener=screener)
    assert listed.decision is Outcome.LICENSE_REQUIRED
    other = check(_tx("5A002", "FR", date(2021, 6, 1), None, name), screener=screener)
    meu = [r for r in other.reasons if r.kind is ReasonKind.LISTING]
    assert meu and meu[0].effect is Effect.NOT_APPLICABLE


def test_every_citation_of_the_data_is_a_dated_rule() -> None:
    data = default_end_use_data()
    for w in data.windows:
        rule = rule_for(w.citation)
        assert rule is not None, w.citation
        assert rule.effective == w.valid_from, (w.citation, w.valid_from)
    for row in data.supp2:
        for cite in row.citation.split(";"):
            assert rule_for(cite) is not None, cite
    assert DecisionContext().data_versions()["end_use"] == data.version


def test_supplement_2_rows_as_docs_decisions_md_states_them() -> None:
    """85 FR 23459 added 17 ECCNs from 2020-06-29 and extended 3A992, 8A992 and 9A991 to the
    whole entry; 4A994 and 5A991 are listed only in part (which paragraphs is not stored)."""
    rows = default_end_use_data().supp2
    added = sorted(r.eccn for r in rows if r.valid_from == date(2020, 6, 29))
    # the rule's list of 17 names 3A992 too, which the 2007 list held in part
    assert len({*added, "3A992"}) == 17 and {"5A992", "5D992", "3A991", "9B990"} <= set(added)
    extended = sorted(r.eccn for r in rows if r.paragraphs_until == date(2020, 6, 29))
    assert extended == ["3A992", "8A992", "9A991"]
    assert supp2_status("4A994", date(2026, 1, 1)).membership is Membership.PARAGRAPHS
    assert supp2_status("5A991", date(2026, 1, 1)).membership is Membership.PARAGRAPHS


def test_worked_example_5a002a_to_china_end_use_step() -> None:
    """docs/decisions.md, worked example step 5: 5A002.a, $400, China, 2026-07-23."""
    screener = StaticScreener([_meu("Placeholder MEU Entity")])

    def decide(answers: list[str] | None):  # type: ignore[no-untyped-def]
        tx = Transaction(
            (Party("Acme Widgets GmbH", Role.END_USER),),
            Item.parse("5A002.a", value=400),
            "CN",
            date(2026, 7, 23),
            end_use=parse_end_use(answers),
        )
        return check(tx, screener=screener)

    d = decide(None)
    assert d.decision is Outcome.LICENSE_REQUIRED
    out = d.to_dict()
    (f21,) = [f for f in out["end_use"] if f["rule"] == "744.21"]
    assert "5A002 is not in 15 CFR 744 Supp. 2" in f21["message"]
    cites = {c["citations"][0] for c in out["conditions"]}
    assert cites == {
        "15 CFR 744.22 (86 FR 4865)",
        "15 CFR 744.23(a)(1) (88 FR 73458)",
        "15 CFR 744.23(a)(2)(i) (88 FR 73424)",
        "15 CFR 744.23(a)(4) (88 FR 73424)",
    }
    sc = decide(["supercomputer"])
    assert [r.citations for r in sc.reasons if r.kind is ReasonKind.END_USE] == [
        ("15 CFR 744.23(a)(1) (88 FR 73458)",)
    ]
    assert decide(["none"]).to_dict()["conditions"] == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([q.value for q in EndUse] + ["none", "NONE", " military-end-user "]),
            st.builds(
                lambda q, a: f"{q}={a}",
                st.sampled_from([q.value for q in EndUse]),
                st.sampled_from(["yes", "no", "maybe", ""]),
            ),
            st.text(max_size=20),
        ),
        max_size=6,
    )
)
def test_end_use_parser_accepts_or_refuses_in_one_line(values: list[str]) -> None:
    """Any input either parses (and round-trips through to_dict) or is one InvalidInput line
    naming the field; nothing else escapes."""
    try:
        got = parse_end_use(values)
    except InvalidInput as exc:
        assert str(exc).startswith("end_use: ") and "\n" not in str(exc)
        return
    assert got is not None and not (got.known & got.denied)
    again = parse_end_use([*got.to_dict()["known"], *(f"{q}=no" for q in got.to_dict()["denied"])])
    assert again == got


def test_a_specific_licence_covers_an_end_use_requirement() -> None:
    """A licence you hold for the party and the item covers the § 744.21 requirement like any
    other; one for another item does not."""
    from tradescreen.decide.licences import SpecificLicence

    screener = StaticScreener([_meu("Placeholder MEU Entity")])
    tx = _tx("5A992.c", "CN", date(2024, 1, 1), ["military_end_user"])
    held = SpecificLicence.create("D100001", [NOBODY], ["5A992.c"], date(2030, 1, 1))
    other = SpecificLicence.create("D100002", [NOBODY], ["3A991"], date(2030, 1, 1))
    d = check(tx, screener=screener, context=DecisionContext(licences=(held,)))
    assert d.decision is Outcome.AUTHORIZED
    (reason,) = [r for r in d.reasons if r.kind is ReasonKind.END_USE]
    assert reason.covered_by == ("licence:D100001",)
    d2 = check(tx, screener=screener, context=DecisionContext(licences=(other,)))
    assert d2.decision is Outcome.LICENSE_REQUIRED
