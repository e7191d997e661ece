"""What a listing means for an export, per list. Pure functions over ``Listing`` records.

| list | effect |
|---|---|
| BIS Denied Persons List | prohibited: export privileges denied |
| BIS Entity List | licence required for the requirement's scope, with its review policy |
| BIS Military End-User list | licence required for Supp. No. 2 to Part 744 items (all items |
|   | subject to the EAR for Russia and Belarus) |
| BIS Unverified List | needs review: UVL statement required, licence exceptions |
|   | unavailable; not a licence requirement by itself |
| OFAC SDN | prohibited: property blocked, dealings prohibited |
| OFAC NS-CMIC | informational: restricts securities dealings, not exports |
| other restrictive lists | needs review (effect not evaluated here) |
| informational lists (1260H, FCC, UFLPA, WRO, 1286) | informational |
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from tradescreen.decide.items import ActivityCategory, Item
from tradescreen.decide.outcomes import SEVERITY, Effect
from tradescreen.decide.requirements import (
    Policy,
    PolicyKind,
    Requirement,
    Scope,
    parse_policy,
    parse_requirement,
    requirement_applies,
)
from tradescreen.model import Listing


class ListKind(StrEnum):
    DPL = "dpl"
    ENTITY_LIST = "entity_list"
    MEU = "meu"
    UVL = "uvl"
    SDN = "sdn"
    NS_CMIC = "ns_cmic"
    INFORMATIONAL = "informational"
    OTHER = "other"


# Codes the readers use, and the words of the CSL "source" column, mapped to a kind.
_CODE_KINDS: tuple[tuple[str, ListKind], ...] = (
    ("us_bis_dpl", ListKind.DPL),
    ("us_bis_el", ListKind.ENTITY_LIST),
    ("us_bis_entity", ListKind.ENTITY_LIST),
    ("us_bis_meu", ListKind.MEU),
    ("us_bis_uvl", ListKind.UVL),
    ("us_ofac_sdn", ListKind.SDN),
    ("us_ofac_nscmic", ListKind.NS_CMIC),
    ("us_ofac_ns_cmic", ListKind.NS_CMIC),
    ("us_ofac_eo14032", ListKind.NS_CMIC),
    ("us_dod_1260h", ListKind.INFORMATIONAL),
    ("us_dod_1286", ListKind.INFORMATIONAL),
    ("us_fcc", ListKind.INFORMATIONAL),
    ("us_dhs_uflpa", ListKind.INFORMATIONAL),
    ("us_cbp_wro", ListKind.INFORMATIONAL),
)
_NAME_KINDS: tuple[tuple[str, ListKind], ...] = (
    ("denied persons", ListKind.DPL),
    ("entity list", ListKind.ENTITY_LIST),
    ("military end user", ListKind.MEU),
    ("military end-user", ListKind.MEU),
    ("unverified list", ListKind.UVL),
    ("specially designated nationals", ListKind.SDN),
    ("chinese military-industrial", ListKind.NS_CMIC),
    ("ns-cmic", ListKind.NS_CMIC),
)

# SDN programme tags whose designees also carry an EAR licence requirement; only these owners
# count under the BIS affiliates rule. Before 89 FR 20107: § 744.8 (NPWMD) and §§ 744.12-744.14
# (SDGT, SDT, FTO). 89 FR 20107 (published 2024-03-21, applied from that date) consolidated
# them into § 744.8 for fourteen programmes: seven on Russia, Ukraine and Belarus (EOs 13405, 13660,
# 13661, 13662, 13685, 14024, 14038), FTO, SDGT, NPWMD, and four on narcotics and criminal
# networks (EO 13581 TCO, EO 14059, the Narcotics Trafficking Sanctions Regulations, the
# Kingpin Act). The OFAC tags of those programmes:
EAR_SDN_PROGRAMS_BEFORE_2024 = frozenset({"NPWMD", "SDGT", "SDT", "FTO"})
EAR_SDN_PROGRAMS_FROM = date(2024, 3, 21)
EAR_SDN_PROGRAMS_CITATION = "89 FR 20107 (published 2024-03-21, in force from that date)"
EAR_SDN_PROGRAMS = frozenset(
    {
        "BELARUS",
        "UKRAINE-EO13660",
        "UKRAINE-EO13661",
        "UKRAINE-EO13662",
        "UKRAINE-EO13685",
        "RUSSIA-EO14024",
        "BELARUS-EO14038",
        "FTO",
        "SDGT",
        "NPWMD",
        "TCO",
        "ILLICIT-DRUGS-EO14059",
        "SDNT",
        "SDNTK",
    }
)


def ear_sdn_programs(as_of: date) -> frozenset[str]:
    """The SDN programmes whose designees carry an EAR licence requirement on ``as_of``."""
    return EAR_SDN_PROGRAMS if as_of >= EAR_SDN_PROGRAMS_FROM else EAR_SDN_PROGRAMS_BEFORE_2024


def classify(listing: Listing) -> ListKind:
    code = listing.list_code.lower()
    for prefix, kind in _CODE_KINDS:
        if code.startswith(prefix):
            return kind
    name = listing.list_name.lower()
    for words, kind in _NAME_KINDS:
        if words in name:
            return kind
    if any(p.upper() in ("NS-CMIC", "CMIC-EO13959") for p in listing.programs):
        return ListKind.NS_CMIC
    if any(p.upper().startswith("SDN") for p in listing.programs) and "ofac" in code:
        return ListKind.SDN
    return ListKind.OTHER


def is_ear_sdn(listing: Listing, as_of: date) -> bool:
    """An SDN designation that also carries an EAR licence requirement on ``as_of`` (§ 744.8;
    before 2024-03-21 also §§ 744.12-744.14)."""
    tags = {p.strip("[] ").upper() for p in listing.programs}
    return classify(listing) is ListKind.SDN and bool(tags & ear_sdn_programs(as_of))


@dataclass(frozen=True, slots=True)
class ListingEffect:
    kind: ListKind
    effect: Effect
    message: str
    requirement: Requirement | None = None
    policy: Policy | None = None
    policy_for_item: PolicyKind | None = None


def interpret(
    listing: Listing,
    item: Item,
    *,
    as_of: date,
    destination: str,
    category: ActivityCategory | None = None,
    text_date: date | None = None,
) -> ListingEffect:
    """The effect of one listing (assumed to be the party's, in force on ``as_of``);
    ``text_date``: the date of the list text read (see ``requirement_applies``)."""
    kind = classify(listing)
    if kind is ListKind.DPL:
        return ListingEffect(
            kind, Effect.PROHIBITED, "Denied Persons List: export privileges denied (§ 764.3)"
        )
    if kind is ListKind.SDN:
        progs = ", ".join(listing.programs) or "programme not stated"
        return ListingEffect(
            kind,
            Effect.PROHIBITED,
            f"OFAC SDN ({progs}): property blocked; dealings by U.S. persons prohibited",
        )
    if kind is ListKind.UVL:
        return ListingEffect(
            kind,
            Effect.NEEDS_REVIEW,
            "Unverified List: UVL statement required and licence exceptions unavailable "
            "(§ 744.15); a red flag, not by itself a licence requirement",
        )
    if kind is ListKind.NS_CMIC:
        return ListingEffect(
            kind,
            Effect.INFORMATIONAL,
            "NS-CMIC: restricts securities dealings (EO 13959/14032), not exports",
        )
    if kind is ListKind.INFORMATIONAL:
        return ListingEffect(
            kind, Effect.INFORMATIONAL, f"{listing.list_name}: no export licence requirement"
        )
    if kind in (ListKind.ENTITY_LIST, ListKind.MEU):
        meu = kind is ListKind.MEU
        req = parse_requirement(listing.license_requirement, meu=meu)
        if meu and req.scope is Scope.UNKNOWN:
            # § 744.21 fixes the MEU requirement; a note in the column does not change it
            req = replace(req, scope=Scope.SUPP2_744, sections=("744.21",))
        pol = parse_policy(listing.license_policy, meu=meu)
        app = requirement_applies(
            req,
            item,
            as_of=as_of,
            destination=destination,
            category=category,
            text_date=text_date,
        )
        clause = pol.for_item(item)
        label = "Entity List" if kind is ListKind.ENTITY_LIST else "Military End-User list"
        if app.applies is True:
            return ListingEffect(
                kind,
                Effect.LICENSE_REQUIRED,
                f"{label}: licence required ({app.note}); review policy: "
                f"{clause.policy.value.replace('_', ' ')}",
                req,
                pol,
                clause.policy,
            )
        if app.applies is None:
            return ListingEffect(
                kind, Effect.NEEDS_REVIEW, f"{label}: {app.note}", req, pol, clause.policy
            )
        return ListingEffect(
            kind, Effect.NOT_APPLICABLE, f"{label}: {app.note}", req, pol, clause.policy
        )
    return ListingEffect(
        kind,
        Effect.NEEDS_REVIEW,
        f"{listing.list_name}: listed; its effect on this export is not evaluated",
    )


__all__ = [
    "EAR_SDN_PROGRAMS",
    "EAR_SDN_PROGRAMS_BEFORE_2024",
    "EAR_SDN_PROGRAMS_FROM",
    "SEVERITY",
    "Effect",
    "ListKind",
    "ListingEffect",
    "classify",
    "ear_sdn_programs",
    "interpret",
    "is_ear_sdn",
]
