"""The done-when cases on the real trade.gov CSL (2022-04) through the real store and screener."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tradescreen.decide.decision import Decision, DecisionContext, Reason
from tradescreen.decide.items import ActivityCategory
from tradescreen.decide.ownership import OwnershipEdge

Decide = Callable[..., Decision]

pytestmark = pytest.mark.realdata

HUAWEI = "Huawei Technologies Co., Ltd."
HIKVISION = "Hangzhou Hikvision Digital Technology Co., Ltd."


def el_reasons(d: Decision) -> list[Reason]:
    return [r for r in d.reasons if r.list == "us_bis_el" and r.effect == "license_required"]


def test_huawei_before_the_listing(decide_real: Decide) -> None:
    d = decide_real(HUAWEI, day=date(2019, 5, 10))
    assert d.decision == "no_restriction"
    assert {r.list for r in d.reasons} <= {"us_ofac_nscmic"}  # informational only
    assert d.list_versions and all("sha256" in v for v in d.list_versions)


def test_huawei_listed_with_the_tgl(decide_real: Decide) -> None:
    d = decide_real(HUAWEI, day=date(2019, 6, 1))
    assert d.decision == "license_required"
    reasons = el_reasons(d)
    assert reasons and all(r.policy == "presumption_of_denial" for r in reasons)
    assert all(r.list_version is not None for r in reasons)
    assert [a["citation"] for a in d.authorizations] == ["84 FR 23468"]
    assert d.authorizations[0]["activity_in_scope"] is False


def test_huawei_tgl_activity_in_scope_is_authorized(decide_real: Decide) -> None:
    d = decide_real(
        HUAWEI,
        day=date(2019, 6, 1),
        category=ActivityCategory.EXISTING_NETWORKS,
        contract=date(2019, 3, 1),
    )
    assert d.decision == "authorized"
    assert all(r.covered_by for r in el_reasons(d))
    # 84 FR 23468: only contracts executed on or before 2019-05-16; free text decides nothing
    late = decide_real(
        HUAWEI,
        day=date(2019, 6, 1),
        category=ActivityCategory.EXISTING_NETWORKS,
        contract=date(2019, 6, 1),
    )
    assert late.decision == "license_required"
    text = decide_real(HUAWEI, day=date(2019, 6, 1), activity="new 5G chips")
    assert text.decision == "license_required"


def test_huawei_after_the_tgl(decide_real: Decide) -> None:
    d = decide_real(
        HUAWEI,
        day=date(2020, 9, 1),
        category=ActivityCategory.EXISTING_NETWORKS,
        contract=date(2019, 3, 1),
    )
    assert d.decision == "license_required"
    assert not [a for a in d.authorizations if a["kind"] == "temporary_general_license"]


def test_hikvision_listing_dates(decide_real: Decide) -> None:
    assert decide_real(HIKVISION, day=date(2019, 5, 22)).decision == "no_restriction"
    d = decide_real(HIKVISION, day=date(2019, 11, 1))
    assert d.decision == "license_required"
    assert el_reasons(d)[0].citations[:1] == ("84 FR 54002",)


def test_ear99_to_iran_is_flagged_whoever_the_party_is(decide_real: Decide) -> None:
    d = decide_real("Example Garden Tools Ltd", day=date(2021, 5, 1), dest="IR")
    assert d.decision == "prohibited"
    (reason,) = [r for r in d.reasons if r.kind == "embargo"]
    assert reason.details is not None and reason.details["ear_section"] == "15 CFR 746.7"


def test_ownership_by_two_real_entity_list_parties(decide_real: Decide) -> None:
    ctx = DecisionContext(
        ownership=(
            OwnershipEdge(HIKVISION, "Example Vision JV Co", 30),
            OwnershipEdge("Dahua Technology", "Example Vision JV Co", 25),
        )
    )
    in_force = decide_real("Example Vision JV Co", day=date(2025, 10, 15), ctx=ctx)
    assert in_force.decision == "license_required"
    assert not any(r.details and r.details.get("rule") == "ofac_50" for r in in_force.reasons)
    (bis,) = [
        r for r in in_force.reasons if r.details and r.details.get("rule") == "bis_affiliates"
    ]
    assert bis.effect == "license_required" and len(bis.paths) == 2
    suspended = decide_real("Example Vision JV Co", day=date(2026, 1, 15), ctx=ctx)
    assert suspended.decision == "needs_review"
    assert any("suspended" in r.message for r in suspended.reasons)


def test_ownership_by_two_real_sdns(decide_real: Decide) -> None:
    ctx = DecisionContext(
        ownership=(
            OwnershipEdge("7TH OF TIR", "Example Holding Co", 30),
            OwnershipEdge("27TH SCIENTIFIC CENTER", "Example Holding Co", 25),
        )
    )
    for day in (date(2021, 1, 1), date(2026, 1, 15)):
        d = decide_real("Example Holding Co", day=day, ctx=ctx)
        assert d.decision == "prohibited"
        (ofac,) = [r for r in d.reasons if r.details and r.details.get("rule") == "ofac_50"]
        assert ofac.details is not None and ofac.details["share"] == 55


def test_military_end_user_depends_on_the_item(decide_real: Decide) -> None:
    name = "AVIC Aircraft Co. Ltd."
    ear99 = decide_real(name, day=date(2024, 1, 1))
    assert ear99.decision == "no_restriction"
    (meu,) = [r for r in ear99.reasons if r.list == "us_bis_meu" and r.score == 1.0]
    assert meu.effect == "not_applicable"
    # § 744.21(b)(1)(ii): the MEU List requirement is Supp. No. 2's items; 9A991 is listed as a
    # whole entry since 85 FR 23459 (2020-06-29), only some paragraphs before (not stored)
    eccn = decide_real(name, day=date(2024, 1, 1), item="9A991")
    assert eccn.decision == "license_required"
    (hit,) = [r for r in eccn.reasons if r.list == "us_bis_meu" and r.score == 1.0]
    assert hit.effect == "license_required"
    early = decide_real(name, day=date(2021, 1, 1), item="5A992.c")
    (meu_early,) = [r for r in early.reasons if r.list == "us_bis_meu" and r.score == 1.0]
    assert meu_early.effect == "license_required"


def test_huawei_cloud_argentina_is_listed_from_the_rules_effective_date(
    decide_real: Decide,
) -> None:
    """85 FR 51596 (published 2020-08-20, effective 2020-08-17) added Huawei Cloud Argentina
    (85 FR 51603); the CSL dates it by publication, the effective date governs."""
    name = "Huawei Cloud Argentina"
    assert decide_real(name, day=date(2020, 8, 16), dest="AR").decision == "no_restriction"
    d = decide_real(name, day=date(2020, 8, 18), dest="AR")
    assert d.decision == "license_required"
    assert el_reasons(d)[0].citations[:1] == ("85 FR 51603",)


def test_a_listing_without_start_date_is_not_in_force_before_its_programme(
    decide_real: Decide,
) -> None:
    """EO 14024 (2021-04-15) created the RUSSIA-EO14024 programme: an SDN listed only under it,
    with no start date in the CSL, cannot be in force before that date ("start unknown")."""
    name = "AKTSIONERNOE OBSHCHESTVO FINTENDER"
    before = decide_real(name, day=date(2010, 1, 1), dest="RU")
    assert before.decision == "no_restriction"
    assert not [r for r in before.reasons if r.list == "us_ofac_sdn"]
    after = decide_real(name, day=date(2022, 6, 1), dest="RU", item="1A001")
    assert after.decision == "prohibited"
    assert any("start unknown" in w and "EO 14024" in w for w in after.warnings)
