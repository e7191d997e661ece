"""Country Chart determination (15 CFR 738.4) on named cases, over the shipped tables (eCFR
2026-07-23). Each case names the chart cell or CCL words it relies on."""

from __future__ import annotations

from datetime import date

import pytest

from tradescreen.decide.country_chart import determine, entry_for
from tradescreen.decide.decision import Decision, DecisionContext, check
from tradescreen.decide.ear_tables import Scope, ScopeKind
from tradescreen.decide.embargoes import EmbargoData
from tradescreen.decide.items import Item, Party, Role, Transaction
from tradescreen.decide.listing_rules import Effect
from tradescreen.decide.static_screener import StaticScreener
from tradescreen.errors import InvalidInput
from tradescreen.model import Entity, EntityKind, Listing, Name

DAY = date(2026, 7, 23)
OTHER = Entity(
    "el:other",
    EntityKind.ORGANIZATION,
    (Name("Unrelated Listed Trading Co"),),
    (Listing("us_bis_el", "Entity List", start_date=date(2019, 1, 1)),),
)


def decide(item: str, dest: str, day: date = DAY, value: float | None = None) -> Decision:
    tx = Transaction(
        (Party("Acme Widgets GmbH", Role.END_USER),), Item.parse(item, value=value), dest, day
    )
    return check(tx, screener=StaticScreener([OTHER]), context=DecisionContext())


def effects(item: str, dest: str, **kw: object) -> dict[str, list[str]]:
    det = determine(item, dest, as_of=DAY, **kw)  # type: ignore[arg-type]
    out: dict[str, list[str]] = {}
    for f in det.findings:
        out.setdefault(f.effect.value, []).append(f"{f.reason}:{f.requirement}")
    return out


def test_5a002_to_china_needs_a_licence_for_ns1_and_ei() -> None:
    """5A002: "NS applies to entire entry | NS Column 1"; China's row has an X in NS 1;
    "EI ... Refer to § 742.15" (all destinations except Canada, § 742.15(a)(1))."""
    d = decide("5A002", "CN")
    assert d.decision == "license_required"
    ns = next(r for r in d.reasons if r.details and r.details.get("reason") == "NS")
    assert ns.kind == "country_chart" and ns.details is not None
    assert ns.effect == "license_required"
    assert ns.details["column"] == "NS 1" and ns.details["x"] is True
    assert "NS 1 has an X for China" in ns.message
    assert ns.citations == ("15 CFR 774 Supp. 1, ECCN 5A002", "15 CFR 738 Supp. 1 (China)")
    got = effects("5A002", "CN")
    assert "EI:all destinations except CA (§ 742.15(a)(1))" in got["license_required"]
    assert "AT:AT 1" in got["not_applicable"]
    out = d.to_dict()
    assert out["country_chart"]["row"] == "China"
    assert out["country_chart"]["ecfr_issue_date"] == "2026-07-23"
    assert {f["reason"] for f in out["country_chart"]["findings"]} == {"NS", "RS", "AT", "EI"}


def test_exception_candidates_never_clear_the_requirement() -> None:
    """5A002 lists ENC (§ 740.17) and LVS ($500 for components); China is not in Country
    Group B, so LVS (§ 740.3) is ruled out; ENC stays a candidate; the decision stays
    license_required."""
    det = determine("5A002", "CN", as_of=DAY)
    ns = next(f for f in det.findings if f.reason == "NS")
    by_code = {c.code: c for c in ns.exceptions}
    assert by_code["ENC"].ruled_out == () and by_code["ENC"].cite == "15 CFR 740.17"
    assert any("Country Group B" in why for why in by_code["LVS"].ruled_out)
    assert any("740.2" in c for c in by_code["ENC"].conditions)
    assert ns.effect is Effect.LICENSE_REQUIRED
    assert "exception candidates to confirm: ENC (15 CFR 740.17), AIA" in ns.summary
    assert decide("5A002", "CN").decision == "license_required"


def test_lvs_value_limit_and_paragraph_na() -> None:
    """4A003 LVS: "$5000; N/A for 4A003.b, c, and z."; Afghanistan is in Country Group B and has
    an X in NS 2 (4A003.g)."""
    small = next(
        f for f in determine("4A003.g", "AF", as_of=DAY, value=1000).findings if f.column == "NS 2"
    )
    by_code = {c.code: c for c in small.exceptions}
    lvs = by_code["LVS"]
    assert lvs.ruled_out == () and any("$5,000" in c for c in lvs.conditions)
    assert by_code["GBS"].ruled_out == ()  # "Yes, for 4A003.g and ... parts and components"
    assert by_code["AIA"].ruled_out  # "Yes for 4A003.z.1.a, z.2.a"
    assert by_code["APP"].ruled_out  # "Yes, for computers controlled by 4A003.b, ... 4A003.c"
    big = next(
        f for f in determine("4A003.g", "AF", as_of=DAY, value=9000).findings if f.column == "NS 2"
    )
    assert any(
        "exceeds the LVS limit" in w
        for w in next(c for c in big.exceptions if c.code == "LVS").ruled_out
    )
    b = next(
        f for f in determine("4A003.b", "AF", as_of=DAY, value=100).findings if f.column == "NS 1"
    )
    assert any(
        "N/A for 4A003.b" in w for w in next(c for c in b.exceptions if c.code == "LVS").ruled_out
    )
    assert decide("4A003.g", "AF", value=1000).decision == "license_required"


def test_mt_controlled_items_rule_out_exceptions() -> None:
    """§ 740.2(a)(5): no licence exception for an item controlled for MT reasons; 6B008 is MT
    for the entire entry and lists STA; Germany (A:5) has an X in MT 1."""
    mt = next(f for f in determine("6B008", "DE", as_of=DAY).findings if f.reason == "MT")
    assert mt.effect is Effect.LICENSE_REQUIRED
    (sta,) = [c for c in mt.exceptions if c.code == "STA"]
    assert any("740.2(a)(5)" in w for w in sta.ruled_out)


def test_4a003_to_china_by_paragraph() -> None:
    """4A003: "NS applies to 4A003.b, .c, and .z.1 | NS Column 1", "NS applies to 4A003.g and
    z.2 | NS Column 2"; China has X in both."""
    assert decide("4A003.b", "CN").decision == "license_required"
    assert decide("4A003.g", "CN").decision == "license_required"
    bare = decide("4A003", "CN")
    assert bare.decision == "needs_review"
    ns1 = next(r for r in bare.reasons if r.details and r.details.get("column") == "NS 1")
    assert (
        "4A003.b, 4A003.c, 4A003.z.1" in ns1.message and "give the item's paragraph" in ns1.message
    )
    # Germany: X in NS 1 but not NS 2, nor CC 1
    assert decide("4A003.b", "DE").decision == "license_required"
    no_x = decide("4A003.g", "DE")
    assert no_x.decision == "no_restriction"
    assert any("738.4(a)(2)(ii)(B)" in w for w in no_x.warnings)


def test_3a001_to_russia_on_2022_03_01() -> None:
    """3A001 "NS applies to entire entry | NS Column 2": Russia's row has an X in NS 2; and
    § 746.8 (87 FR 12226, Categories 3-9 from 2022-02-24) applies."""
    d = decide("3A001", "RU", day=date(2022, 3, 1))
    assert d.decision == "license_required"
    chart = [r for r in d.reasons if r.kind == "country_chart" and r.effect == "license_required"]
    assert [r.details["column"] for r in chart if r.details] == ["NS 2"]
    assert any(r.kind == "embargo" and "746.8" in r.message for r in d.reasons)
    assert any("eCFR of 2026-07-23" in w for w in d.warnings)


def test_5a992_is_at_only_except_its_z_paragraphs() -> None:
    """5A992: "AT applies to entire entry | AT Column 1" (no row has an X in AT 1; the AT rows
    point to Part 746); "RS applies to items controlled by 5A992.z.1 | To or within any
    destination worldwide (§ 742.6(a)(6)(iii)(A))"."""
    assert decide("5A992.c", "CN").decision == "no_restriction"
    assert decide("5A992.c", "IR").decision == "prohibited"
    assert decide("5A992.z.1", "DE").decision == "license_required"
    bare = decide("5A992", "CN")
    assert bare.decision == "needs_review"
    assert any("5A992.z.1" in r.message for r in bare.reasons if r.kind == "country_chart")


def test_advanced_computing_destination_groups() -> None:
    """§ 742.6(a)(6)(iii)(B): UAE or D:1, D:4, D:5 excluding A:5/A:6; 3A090.c: Macau or D:5."""
    assert effects("4A090.b", "AE").get("license_required") == [
        "RS:AE or Country Group D:1 or Country Group D:4 or Country Group D:5, excluding "
        "Country Groups A:5 and A:6 (§ 742.6(a)(6)(iii)(B))"
    ]
    assert "license_required" in effects("4A090.b", "CN")
    assert "license_required" not in effects("4A090.b", "IL")  # D:4 but also A:6
    assert "license_required" not in effects("4A090.b", "GB")
    assert "license_required" in effects("3A090.c", "MO")
    assert "license_required" not in effects("3A090.c", "DE")
    assert "license_required" in effects("9A610.y", "VE")  # § 742.6(a)(7)


def test_worldwide_entries_and_no_exceptions() -> None:
    """§ 738.3(a)(1): 0A983 needs a licence to every destination, with no licence exception."""
    det = determine("0A983", "CA", as_of=DAY)
    assert det.effect is Effect.LICENSE_REQUIRED
    assert all(f.exceptions == () for f in det.findings)
    assert decide("0A983", "GB").decision == "license_required"


def test_pointers_and_missing_rows_are_never_cleared() -> None:
    """2A994 has no Country Chart rows in the extraction; Greenland has no chart row."""
    assert decide("2A994", "CN").decision == "needs_review"
    assert decide("5A992.c", "GL").decision == "needs_review"
    hk = determine("5A002", "HK", as_of=DAY)
    assert hk.row == "China" and any("85 FR 83788" in n for n in hk.notes)


def test_ear99_stays_outside_the_chart() -> None:
    d = decide("EAR99", "CN")
    assert d.decision == "no_restriction" and d.country_chart is None
    assert "country_chart" not in d.to_dict()
    assert determine("EAR99", "CN").findings == ()


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("5A999", "item: 5A999 is not an ECCN of the Commerce Control List"),
        ("4A003.a", "item: 4A003.a is not a paragraph of 4A003"),
        ("0Y521", "item: 0Y521 names a series, not an ECCN: give one of 0A521, 0B521"),
    ],
)
def test_unknown_eccn_or_paragraph_is_invalid_input(item: str, message: str) -> None:
    with pytest.raises(InvalidInput, match="^" + message) as err:
        decide(item, "CN")
    assert "\n" not in str(err.value)
    with pytest.raises(InvalidInput):
        entry_for(item)


def test_scope_applies() -> None:
    paras = Scope(ScopeKind.PARAGRAPHS, ("4A003.b", "4A003.z.1"))
    assert paras.applies("4A003.b.1") is True
    assert paras.applies("4A003.g") is False
    assert paras.applies("4A003") is None and paras.applies("4A003.z") is None
    exc = Scope(ScopeKind.EXCEPT, ("9A515.e", "9A515.x"))
    assert exc.applies("9A515.a") is True and exc.applies("9A515.x.1") is False
    assert exc.applies("9A515") is None
    assert Scope(ScopeKind.CONDITION, text="if usable in missiles").applies("3A001.a") is None


def test_the_worked_example_in_docs_decisions() -> None:
    """docs/decisions.md: 5A002.a, $400, to China."""
    det = determine("5A002.a", "CN", as_of=DAY, value=400)
    by_reason: dict[str, list[str]] = {}
    for f in det.findings:
        by_reason.setdefault(f.reason, []).append(f.effect.value)
    assert by_reason == {
        "NS": ["license_required"],
        "RS": ["not_applicable", "not_applicable"],
        "AT": ["not_applicable"],
        "EI": ["license_required"],
    }
    for f in det.findings:
        if f.effect is Effect.LICENSE_REQUIRED:
            open_ = {c.code for c in f.exceptions if not c.ruled_out}
            closed = {c.code for c in f.exceptions if c.ruled_out}
            assert open_ == {"ENC"} and closed == {"LVS", "AIA", "ACM", "LPP"}
    assert decide("5A002.a", "CN", value=400).decision == "license_required"


def test_special_rows_and_rules() -> None:
    """Liechtenstein has its own row (footnote 5 refers to Switzerland); the Cayman Islands
    follow the United Kingdom (738.3(b)); an ITAR entry is needs_review; SL items: GOV only
    (§ 740.2(a)(3)); E:1 destinations: Part 746 governs the exceptions."""
    assert determine("5A002", "KY", as_of=DAY).row == "United Kingdom"
    assert any("footnote 5" in n for n in determine("5A002", "LI", as_of=DAY).notes)
    assert decide("0A002", "DE").decision == "needs_review"
    sl = next(f for f in determine("5A001.f.1", "DE", as_of=DAY).findings if f.reason == "SL")
    assert sl.effect is Effect.LICENSE_REQUIRED
    assert all(any("740.2(a)(3)" in w for w in c.ruled_out) for c in sl.exceptions)
    iran = determine("5A002", "IR", as_of=DAY)
    ei = next(f for f in iran.findings if f.reason == "EI")
    assert all(any("E:1/E:2" in w for w in c.ruled_out) for c in ei.exceptions)
    assert decide("5A002", "IR").decision == "prohibited"


def test_a_part_746_row_without_an_embargo_window_is_not_cleared() -> None:
    empty = EmbargoData("none", (), {})
    det = determine("5A992.c", "CU", as_of=DAY, embargoes=empty)
    assert det.effect is Effect.NEEDS_REVIEW
    assert any("See part 746" in f.message for f in det.findings)


def test_footnotes_naming_the_item_are_not_cleared() -> None:
    """Footnote 7: "a license is still required for items controlled under ECCNs 6A003.b.4.b and
    9A515.e for RS column 2 reasons when destined to India" (India has no X in RS 2)."""
    india = decide("9A515.e", "IN")
    assert india.decision == "needs_review"
    (fn,) = [r for r in india.reasons if r.details and r.details["reason"] == "footnote"]
    assert fn.citations == ("15 CFR 738 Supp. 1, footnote 7",)
    japan = determine("9A515.e", "JP", as_of=DAY)  # Japan's row has footnote 3 only
    assert not [f for f in japan.findings if f.reason == "footnote"]


def test_at_only_from_the_ccl() -> None:
    """5A992.c and 5D992.c are AT only; bare 5A992 may be 5A992.z (RS, § 742.6(a)(6)); 5A002 is
    NS/RS/EI ("RS applies to “software” controlled by 5D992.z.1" is read as 5D992.z.1)."""
    from tradescreen.decide.country_chart import at_only

    assert at_only("5A992.c") and at_only("5D992.c")
    assert not at_only("5A992") and not at_only("5A002") and not at_only("EAR99")
    assert at_only("9E991")
