"""The decision engine over entities built directly (texts from the real CSL 2022-04 rows)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tradescreen.db import all_tables, make_engine
from tradescreen.decide.decision import DecisionContext, check, transaction_to_dict
from tradescreen.decide.items import ActivityCategory, Item, Party, Role, Transaction
from tradescreen.decide.licences import SpecificLicence, add_licence, list_licences
from tradescreen.decide.listing_rules import EAR_SDN_PROGRAMS, is_ear_sdn
from tradescreen.decide.outcomes import Effect, Outcome, OwnershipRule, ReasonKind
from tradescreen.decide.ownership import OwnershipEdge
from tradescreen.decide.requirements import PolicyKind
from tradescreen.decide.static_screener import StaticScreener
from tradescreen.decide.storage import add_edges, get_decision, record_decision
from tradescreen.errors import InvalidInput
from tradescreen.model import Citation, Entity, EntityKind, Listing, Name, NameKind

HUAWEI_REQ = (
    "For all items subject to the EAR, see §§ 736.2(b)(3)(vi), and 744.11 of the EAR, EXCEPT for "
    "technology subject to the EAR that is designated as EAR99, or controlled on the Commerce "
    "Control List for anti-terrorism reasons only, when released to members of a “standards "
    "organization” (see §772.1) for the purpose of contributing to the revision or development "
    "of a “standard” (see §772.1)."
)
EL_REQ = "For all items subject to the EAR.  (See §744.11 of the EAR)"


def org(eid: str, name: str, *listings: Listing, aliases: tuple[str, ...] = ()) -> Entity:
    names = (Name(name), *(Name(a, NameKind.AKA) for a in aliases))
    return Entity(eid, EntityKind.ORGANIZATION, names, listings)


def el(
    start: date,
    req: str = EL_REQ,
    policy: str = "Presumption of denial",
    cites: tuple[tuple[int, int], ...] = (),
) -> Listing:
    return Listing(
        "us_bis_el",
        "Entity List",
        citations=tuple(Citation(v, p) for v, p in cites),
        start_date=start,
        license_requirement=req,
        license_policy=policy,
    )


@pytest.fixture
def huawei() -> Entity:
    return org(
        "el:huawei",
        "Huawei Technologies Co., Ltd.",
        el(
            date(2019, 5, 21),
            HUAWEI_REQ,
            cites=((84, 22963), (84, 43495), (85, 29853), (85, 36720), (85, 51603)),
        ),
        aliases=("Shenzhen Huawei Technologies", "Huawei Technology"),
    )


@pytest.fixture
def hikvision() -> Entity:
    policy = (
        "Case-by-case review for ECCNs 1A004.c, 1A004.d, 1A995, 1A999.a, 1D003, 2A983, "
        "2D983, and 2E983; and presumption of denial for all other items subject to the EAR."
    )
    return org(
        "el:hik",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        el(date(2019, 10, 9), policy=policy, cites=((84, 54002), (85, 44159))),
        aliases=("Hikvision",),
    )


@pytest.fixture
def owners() -> list[Entity]:
    sdn = Listing("us_ofac_sdn", "SDN List", programs=("SDGT",), start_date=date(2005, 1, 1))
    return [
        org("el:a", "Alpha Listed", el(date(2018, 1, 1))),
        org("el:b", "Beta Listed", el(date(2018, 1, 1))),
        org("sdn:a", "Alpha Sanctioned", sdn),
        org("sdn:b", "Beta Sanctioned", sdn),
        org(
            "dpl:x",
            "Gamma Denied",
            Listing("us_bis_dpl", "Denied Persons List", start_date=date(2010, 1, 1)),
        ),
        org(
            "uvl:x",
            "Delta Unverified",
            Listing("us_bis_uvl", "Unverified List", start_date=date(2010, 1, 1)),
        ),
    ]


def tx(
    name: str,
    day: date,
    item: str = "EAR99",
    dest: str = "CN",
    activity: str | None = None,
    item_type: str = "commodity",
    value: float | None = None,
    category: ActivityCategory | None = None,
    contract: date | None = None,
    handsets: date | None = None,
) -> Transaction:
    return Transaction(
        (Party(name, Role.END_USER),),
        Item.parse(item, item_type, value=value),
        dest,
        day,
        activity,
        activity_category=category,
        contract_date=contract,
        handset_public_date=handsets,
    )


def decide(t: Transaction, entities: list[Entity], ctx: DecisionContext | None = None):  # type: ignore[no-untyped-def]
    return check(t, screener=StaticScreener(entities), context=ctx or DecisionContext())


def test_huawei_before_listing_is_unrestricted(huawei: Entity) -> None:
    d = decide(tx("Huawei Technologies Co., Ltd.", date(2019, 5, 10)), [huawei])
    assert d.decision == "no_restriction"
    assert d.authorizations == ()


def test_huawei_after_listing_needs_licence_with_tgl_shown(huawei: Entity) -> None:
    d = decide(tx("Huawei Technologies Co., Ltd.", date(2019, 6, 1)), [huawei])
    assert d.decision == "license_required"
    (reason,) = d.reasons
    assert (reason.list, reason.policy) == ("us_bis_el", "presumption_of_denial")
    assert reason.requirement is not None and reason.requirement["scope"] == "all_items"
    (tgl,) = d.authorizations
    assert (tgl["citation"], tgl["kind"]) == ("84 FR 23468", "temporary_general_license")
    assert (tgl["valid_from"], tgl["valid_to"]) == ("2019-05-20", "2019-08-19")
    assert tgl["activity_in_scope"] is False


NETWORKS = ActivityCategory.EXISTING_NETWORKS
HANDSETS = ActivityCategory.EXISTING_HANDSETS


def test_huawei_tgl_authorises_an_activity_in_scope(huawei: Entity) -> None:
    t = tx(
        "Huawei Technologies Co., Ltd.",
        date(2019, 6, 1),
        category=NETWORKS,
        contract=date(2019, 3, 1),
    )
    d = decide(t, [huawei])
    assert d.decision == "authorized"
    assert d.reasons[0].covered_by == ("huawei-tgl-2019-05",)
    assert d.authorizations[0]["matched_scope"] == ["existing_networks"]
    assert d.authorizations[0]["conditions"][0]["met"] is True
    off_scope = decide(
        tx("Huawei Technologies Co., Ltd.", date(2019, 6, 1), activity="sale of new base stations"),
        [huawei],
    )
    assert off_scope.decision == "license_required"


def test_huawei_tgl_scope_is_structured_not_keywords(huawei: Entity) -> None:
    """84 FR 23468 (2019-05-22), Supp. No. 7 to Part 744 (c)(1)-(2): the TGL covered network
    support under contracts executed on or before 2019-05-16 and support of handsets public by
    then. Free text ("new 5G chips", even "continued operation of existing networks") never
    authorises; the category and the contract date the user states do."""
    h, day = "Huawei Technologies Co., Ltd.", date(2019, 6, 1)
    for text in ("new 5G chips", "continued operation of existing networks and equipment"):
        d = decide(tx(h, day, activity=text), [huawei])
        assert d.decision == "license_required", text
        assert d.authorizations[0]["activity_in_scope"] is False
    # the category without the contract date: the question is asked, nothing is authorised
    unanswered = decide(tx(h, day, category=NETWORKS), [huawei])
    assert unanswered.decision == "license_required"
    assert any("2019-05-16" in w and "confirm" in w for w in unanswered.warnings)
    # a contract executed after 2019-05-16 is outside the TGL
    late = decide(tx(h, day, category=NETWORKS, contract=date(2019, 5, 17)), [huawei])
    assert late.decision == "license_required"
    assert late.authorizations[0]["conditions"][0]["met"] is False
    on_the_day = decide(tx(h, day, category=NETWORKS, contract=date(2019, 5, 16)), [huawei])
    assert on_the_day.decision == "authorized"
    new_handsets = decide(tx(h, day, category=HANDSETS, handsets=date(2019, 9, 1)), [huawei])
    assert new_handsets.decision == "license_required"


def test_huawei_tgl_never_lifts_the_eccns_own_requirement(huawei: Entity) -> None:
    """84 FR 23468: the TGL authorises transactions "subject to other provisions of the EAR";
    it lifts the Entity List requirement only. A 3A001 sale under a pre-2019-05-16 contract
    still needs the licence the Country Chart gives 3A001 for China (NS 2: X)."""
    t = tx(
        "Huawei Technologies Co., Ltd.",
        date(2019, 6, 1),
        item="3A001",
        category=NETWORKS,
        contract=date(2019, 3, 1),
    )
    d = decide(t, [huawei])
    assert d.decision == "license_required"
    listing = next(r for r in d.reasons if r.kind == "listing")
    assert listing.covered_by == ("huawei-tgl-2019-05",)
    chart = [r for r in d.reasons if r.kind == "country_chart" and r.effect == "license_required"]
    assert chart and not any(r.covered_by for r in chart)
    assert "Entity List" in (d.authorizations[0]["lifts_note"] or "")


def test_5g_standards_paragraph_ends_with_84_fr_43487(huawei: Entity) -> None:
    """84 FR 43487 (2019-08-21) removed paragraph (c)(4), engagement for 5G standards, from the
    TGL; its extensions do not carry it."""
    h = "Huawei Technologies Co., Ltd."
    cat = ActivityCategory.STANDARDS_5G
    assert decide(tx(h, date(2019, 6, 1), category=cat), [huawei]).decision == "authorized"
    for day in (date(2019, 10, 1), date(2020, 3, 1), date(2020, 7, 1)):
        d = decide(tx(h, day, category=cat), [huawei])
        assert d.decision == "license_required", day
        assert "standards_5g" not in [s["category"] for s in d.authorizations[0]["scope"]]


@pytest.mark.parametrize(
    ("day", "citation"),
    [
        (date(2019, 10, 1), "84 FR 43487"),
        (date(2020, 1, 10), "84 FR 64018"),
        (date(2020, 3, 1), "85 FR 8722"),
        (date(2020, 4, 20), "85 FR 14416"),
        (date(2020, 7, 1), "85 FR 29610"),
    ],
)
def test_each_tgl_extension_governs_its_window(huawei: Entity, day: date, citation: str) -> None:
    d = decide(
        tx("Huawei Technologies Co., Ltd.", day, category=HANDSETS, handsets=date(2019, 1, 1)),
        [huawei],
    )
    assert [a["citation"] for a in d.authorizations] == [citation]
    assert d.decision == "authorized"


def test_huawei_after_the_tgl_has_no_general_licence(huawei: Entity) -> None:
    d = decide(
        tx(
            "Huawei Technologies Co., Ltd.",
            date(2020, 9, 1),
            activity="continued operation of existing networks",
        ),
        [huawei],
    )
    assert d.decision == "license_required"
    assert [a["kind"] for a in d.authorizations] == ["regulatory_authorization"]
    assert d.authorizations[0]["citation"] == "85 FR 51596"
    assert d.authorizations[0]["activity_in_scope"] is False
    gap = decide(tx("Huawei Technologies Co., Ltd.", date(2020, 8, 15)), [huawei])
    assert gap.decision == "license_required" and gap.authorizations == ()


def test_hikvision_dates_and_country_chart(hikvision: Entity) -> None:
    assert decide(tx("Hikvision", date(2019, 5, 22)), [hikvision]).decision == "no_restriction"
    d = decide(tx("Hikvision", date(2019, 11, 1), item="1A004.c"), [hikvision])
    assert d.decision == "license_required"
    (listing,) = [r for r in d.reasons if r.kind == "listing"]
    assert listing.policy == "case_by_case"
    chart = [r for r in d.reasons if r.kind == "country_chart"]
    assert [r.details["column"] for r in chart if r.effect == "license_required"] == ["NS 2"]
    assert d.country_chart is not None and d.country_chart.row == "China"
    ear99 = decide(tx("Hikvision", date(2019, 11, 1)), [hikvision])
    assert ear99.country_chart is None
    assert not [r for r in ear99.reasons if r.kind == "country_chart"]


@pytest.mark.parametrize(
    ("dest", "decision", "section"),
    [
        ("IR", "prohibited", "15 CFR 746.7"),
        ("KP", "license_required", "15 CFR 746.4"),
        ("CU", "license_required", "15 CFR 746.2"),
        ("UA-43", "prohibited", "15 CFR 746.6"),
        ("UA-14", "prohibited", "15 CFR 746.6"),
    ],
)
def test_embargoes_apply_whoever_the_party_is(dest: str, decision: str, section: str) -> None:
    d = decide(tx("Ordinary Trading Company", date(2024, 3, 1), dest=dest), [])
    assert d.decision == decision  # whatever the screening (here: none)
    (reason,) = [r for r in d.reasons if r.kind == "embargo"]
    assert reason.details is not None and reason.details["ear_section"] == section
    assert reason.details["ofac_program"]


def test_no_list_loaded_is_never_a_pass() -> None:
    d = decide(tx("Ordinary Trading Company", date(2024, 3, 1), dest="DE"), [])
    assert d.decision == "needs_review"
    assert d.reasons[0].kind == "screening"


def test_ukraine_without_region_warns(huawei: Entity) -> None:
    ua = decide(tx("Ordinary Trading Company", date(2024, 3, 1), dest="UA"), [huawei])
    assert ua.decision == "no_restriction"
    assert any("Crimea" in w for w in ua.warnings)


def test_possible_match_is_needs_review_not_a_pass(hikvision: Entity) -> None:
    d = decide(tx("Hangzhou Hikvision Digital", date(2020, 1, 1)), [hikvision])
    assert d.decision == "needs_review"
    assert d.reasons[0].if_match == "license_required" and d.reasons[0].score == 0.75


def test_denied_and_unverified_parties(owners: list[Entity]) -> None:
    assert decide(tx("Gamma Denied", date(2020, 1, 1)), owners).decision == "prohibited"
    uvl = decide(tx("Delta Unverified", date(2020, 1, 1)), owners)
    assert uvl.decision == "needs_review" and "UVL statement" in uvl.reasons[0].message


def test_ownership_by_two_entity_list_parties(owners: list[Entity]) -> None:
    edges = (
        OwnershipEdge("Alpha Listed", "Target Co", 30),
        OwnershipEdge("Beta Listed", "Target Co", 25),
    )
    ctx = DecisionContext(ownership=edges)
    in_force = decide(tx("Target Co", date(2025, 10, 15)), owners, ctx)
    assert in_force.decision == "license_required"
    (bis,) = [r for r in in_force.reasons if r.kind == "ownership"]
    assert "inherited from" in bis.message and "presumption of denial" in bis.message
    assert len(bis.paths) == 2
    assert [a["id"] for a in in_force.authorizations] == ["bis-affiliates-tgl-2025"]
    suspended = decide(tx("Target Co", date(2026, 1, 15)), owners, ctx)
    assert suspended.decision == "needs_review"
    assert any("suspended" in r.message for r in suspended.reasons)
    assert not any(r.effect == "prohibited" for r in suspended.reasons)


def test_ownership_by_two_sdns_is_prohibited(owners: list[Entity]) -> None:
    edges = (
        OwnershipEdge("Alpha Sanctioned", "Target Co", 30),
        OwnershipEdge("Beta Sanctioned", "Target Co", 25),
    )
    d = decide(tx("Target Co", date(2021, 1, 1)), owners, DecisionContext(ownership=edges))
    assert d.decision == "prohibited"
    assert any(r.details and r.details["rule"] == "ofac_50" for r in d.reasons)


def test_specific_licence_covers_only_what_it_names(hikvision: Entity) -> None:
    lic = SpecificLicence.create(
        "D1234567",
        ["Hangzhou Hikvision Digital Technology Co., Ltd."],
        ["5A002"],
        date(2024, 12, 31),
        destinations=["CN"],
        value_limit=10_000,
    )
    ctx = DecisionContext(licences=(lic,))
    ok = decide(tx("Hikvision", date(2024, 1, 1), item="5A002.a", value=5_000), [hikvision], ctx)
    assert ok.decision == "authorized"
    assert ok.reasons[0].covered_by == ("licence:D1234567",)
    too_much = decide(
        tx("Hikvision", date(2024, 1, 1), item="5A002", value=50_000), [hikvision], ctx
    )
    assert too_much.decision == "license_required"
    (shown,) = too_much.authorizations
    assert shown["kind"] == "specific_licence" and "over limit" in shown["not_covering"][0]
    expired = decide(tx("Hikvision", date(2025, 1, 1), item="5A002"), [hikvision], ctx)
    assert expired.decision == "license_required"


def test_licence_input_errors_name_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"^items: "):
        SpecificLicence.create("X1", ["A"], ["5Z002"], date(2025, 1, 1))
    with pytest.raises(InvalidInput, match=r"^parties: "):
        SpecificLicence.create("X1", [" "], ["5A002"], date(2025, 1, 1))


def test_json_shape_is_stable_and_reproducible(huawei: Entity) -> None:
    t = tx("Huawei Technologies Co., Ltd.", date(2019, 6, 1))
    first, second = decide(t, [huawei]).to_dict(), decide(t, [huawei]).to_dict()
    assert first == second
    assert list(first) == [
        "decision",
        "reasons",
        "authorizations",
        "list_versions",
        "warnings",
        "conditions",
        "end_use",
    ]
    assert [v["list"] for v in first["list_versions"]] == ["us_bis_el"]


def test_context_and_decisions_in_the_database(huawei: Entity, owners: list[Entity]) -> None:
    engine = make_engine("sqlite://")
    all_tables().create_all(engine)
    add_licence(engine, SpecificLicence.create("L1", ["Target Co"], ["EAR99"], date(2030, 1, 1)))
    with pytest.raises(InvalidInput, match=r"^number: "):
        add_licence(engine, SpecificLicence.create("L1", ["B"], ["EAR99"], date(2030, 1, 1)))
    add_edges(engine, [OwnershipEdge("Alpha Listed", "Target Co", 42)])
    assert [x.number for x in list_licences(engine)] == ["L1"]
    t = tx("Target Co", date(2024, 1, 1))
    d = check(t, screener=StaticScreener(owners), context=engine)
    assert d.decision == "needs_review"  # 42% by an Entity List party
    rid = record_decision(
        engine,
        transaction=transaction_to_dict(t),
        result=d.to_dict(),
        data_versions=DecisionContext().data_versions(),
    )
    stored = get_decision(engine, rid)
    assert stored is not None and stored["decision"] == "needs_review"
    assert stored["data_versions"]["authorizations"]
    assert stored["data_versions"]["ear_tables"] == "eCFR 2026-07-23"
    assert len(stored["digest"]) == 64


def test_affiliates_rule_counts_the_fourteen_sdn_programmes_of_89_fr_20107() -> None:
    """89 FR 20107 (published 2024-03-21, in force from that date) put fourteen SDN programmes under
    § 744.8, the Russia and Belarus orders among them; before it only NPWMD, SDGT, SDT and FTO
    designees carried an EAR licence requirement (§§ 744.8, 744.12-744.14)."""
    ru = Listing("us_ofac_sdn", "SDN List", programs=("RUSSIA-EO14024",))
    kingpin = Listing("us_ofac_sdn", "SDN List", programs=("[SDNTK]",))
    cuba = Listing("us_ofac_sdn", "SDN List", programs=("CUBA",))
    assert is_ear_sdn(ru, date(2024, 3, 21)) and is_ear_sdn(kingpin, date(2025, 10, 1))
    assert not is_ear_sdn(ru, date(2024, 3, 20)) and not is_ear_sdn(cuba, date(2025, 10, 1))
    assert len(EAR_SDN_PROGRAMS) == 14
    # an affiliate 50% owned by a Russia-programme SDN: blocked (OFAC) and, under the
    # affiliates rule in force, also caught by the EAR
    owner = org("sdn:ru", "Example Russian Holding", replace(ru, start_date=date(2022, 1, 1)))
    edges = (OwnershipEdge("Example Russian Holding", "Target Co", 50),)
    d = decide(tx("Target Co", date(2025, 10, 15)), [owner], DecisionContext(ownership=edges))
    rules = {r.rule for r in d.reasons if r.kind == "ownership"}
    assert rules == {OwnershipRule.OFAC_50, OwnershipRule.BIS_AFFILIATES}


def test_typed_values_and_plain_json() -> None:
    """Decisions, reasons and effects are enums (issue 11 item 4); their JSON is the strings."""
    d = decide(tx("Ordinary Trading Company", date(2024, 3, 1), dest="IR"), [])
    assert d.decision is Outcome.PROHIBITED
    assert {type(r.kind) for r in d.reasons} == {ReasonKind}
    assert {type(r.effect) for r in d.reasons} == {Effect}
    out = d.to_dict()
    assert type(out["decision"]) is str and out["decision"] == "prohibited"
    assert all(type(r["kind"]) is str and type(r["effect"]) is str for r in out["reasons"])


def test_listing_reason_json_is_plain_strings(huawei: Entity) -> None:
    d = decide(tx("Huawei Technologies Co., Ltd.", date(2019, 6, 1)), [huawei])
    (reason,) = d.reasons
    assert reason.policy is PolicyKind.PRESUMPTION_OF_DENIAL
    out = d.to_dict()["reasons"][0]
    assert type(out["policy"]) is str and out["policy"] == "presumption_of_denial"
    assert type(out["requirement"]["scope"]) is str and out["requirement"]["scope"] == "all_items"
    assert all(type(c["kind"]) is str for c in out["requirement"]["carveouts"])


def test_no_start_date_is_never_before_the_list_or_programme() -> None:
    """A listing without a start date is not in force before its programme's order (EO 14024,
    2021-04-15; EO 13959, 2020-11-12) or its list (Military End-User List, 85 FR 83793,
    2020-12-23); after that it is shown as "start unknown". A programme this data has no date
    for leaves it in force, with the warning."""
    ru = org(
        "sdn:r",
        "Example Moscow Plant",
        Listing("us_ofac_sdn", "SDN List", programs=("RUSSIA-EO14024",)),
    )
    cmic = org(
        "ns:c",
        "Example Military Industrial",
        Listing("us_ofac_nscmic", "NS-CMIC List", programs=("CMIC-EO13959",)),
    )
    meu = org("meu:m", "Example Aero Plant", Listing("us_bis_meu", "Military End-User List"))
    old = org(
        "sdn:o",
        "Example Old Designee",
        Listing("us_ofac_sdn", "SDN List", programs=("RUSSIA-EO14024", "ZZTOP")),
    )
    ents = [ru, cmic, meu, old]
    for name in ("Example Moscow Plant", "Example Military Industrial", "Example Aero Plant"):
        d = decide(tx(name, date(2018, 1, 1), item="9A610"), ents)
        assert not [r for r in d.reasons if r.kind == "listing"], name
    d = decide(tx("Example Moscow Plant", date(2021, 4, 15)), ents)
    assert d.decision == "prohibited"
    assert any("start unknown" in w and "2021-04-15" in w for w in d.warnings)
    assert decide(tx("Example Aero Plant", date(2021, 1, 4), item="9A610"), ents).reasons
    unknown = decide(tx("Example Old Designee", date(2010, 1, 1)), ents)
    assert unknown.decision == "prohibited"
    assert any("start unknown; treated as in force" in w for w in unknown.warnings)
