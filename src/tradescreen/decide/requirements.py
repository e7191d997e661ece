"""Parse a listing's licence-requirement and review-policy text into structured fields.

Pure functions over the text the source gives (CSL ``license_requirement`` / ``license_policy``,
the eCFR "License requirement" column). The source text is always kept beside what was parsed.
A text we cannot read is parsed to ``scope="unknown"``: never silently to "no requirement".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tradescreen.decide.federal_register import rule_for
from tradescreen.decide.items import (
    ActivityCategory,
    Item,
    ItemType,
    eccn_matches,
    is_at_only_family,
)


class Scope(StrEnum):
    """What a licence requirement covers (``Requirement.scope``)."""

    ALL_ITEMS = "all_items"  # all items subject to the EAR (minus carve-outs)
    ECCNS = "eccns"  # only the ECCNs named
    CCL_ITEMS = "ccl_items"  # items on the Commerce Control List (not EAR99)
    SUPP2_744 = "supp2_744"  # items in Supplement No. 2 to Part 744 (MEU)
    PROJECTS = "projects"  # all items used in projects of a named section
    SUPP7_746 = "supp7_746"  # items in Supplement No. 7 to Part 746
    UNKNOWN = "unknown"  # text not understood (needs review)


class CarveoutKind(StrEnum):
    EAR99_FOOD_MEDICINE = "ear99_food_medicine"
    STANDARDS_TECHNOLOGY = "standards_technology"
    ECCNS = "eccns"
    OFAC_AUTHORIZED = "ofac_authorized"
    OTHER = "other"


class PolicyKind(StrEnum):
    PRESUMPTION_OF_DENIAL = "presumption_of_denial"
    POLICY_OF_DENIAL = "policy_of_denial"
    CASE_BY_CASE = "case_by_case"
    PRESUMPTION_OF_APPROVAL = "presumption_of_approval"
    SEE_SECTION = "see_section"
    UNKNOWN = "unknown"


class PolicyApplies(StrEnum):
    """Which items a review-policy clause governs."""

    ALL = "all"
    ECCNS = "eccns"
    EAR99 = "ear99"
    CCL = "ccl"
    OTHER = "other"  # "all other items"
    SPECIFIED = "specified"  # items the clause describes in words


_ECCN_IN_TEXT = re.compile(r"\b\d[A-E]\d{3}(?:\.[a-z0-9]+)*\b")
_SECTION = re.compile(r"\b(7\d\d\.\d+[a-z]?(?:\([a-z0-9]+\))*)")


@dataclass(frozen=True, slots=True)
class Footnote:
    number: int
    section: str
    meaning: str
    citation: str | None
    uncertain: bool = False

    @property
    def in_force_from(self) -> date | None:
        """The effective date of the first rule the footnote cites (None: not known)."""
        rule = rule_for(self.citation) if self.citation else None
        return rule.effective if rule else None

    def in_force(self, as_of: date) -> bool:
        start = self.in_force_from
        return start is None or as_of >= start


# Footnotes of Supplement No. 4 to Part 744 (foreign direct product rules).
FOOTNOTES: dict[int, Footnote] = {
    1: Footnote(
        1,
        "§ 734.9(e)(1)",
        "Entity List FDP rule (footnote 1): some foreign-produced items become subject to the EAR",
        "85 FR 29849 (2020-05-19); 85 FR 51596 (2020-08-20)",
    ),
    2: Footnote(
        2,
        "§ 744.11",
        "footnote 2 of the Huawei entries: meaning not verified by this engine",
        None,
        uncertain=True,
    ),
    3: Footnote(
        3,
        "§ 734.9(g)",
        "Russia/Belarus military end-user FDP rule (footnote 3)",
        "87 FR 12226 (2022-03-03)",
    ),
    4: Footnote(
        4,
        "§ 734.9(e)(2)",
        "Entity List FDP rule for advanced computing and supercomputer items (footnote 4)",
        "87 FR 62186 (2022-10-13)",
    ),
    5: Footnote(
        5,
        "§ 734.9(e)(3)",
        "Entity List FDP rule for advanced-node semiconductor and SME items (footnote 5)",
        "89 FR 96790 (2024-12-05)",
        uncertain=True,
    ),
}

# The standards-organisation carve-out entered the Huawei entries through 85 FR 36719; before
# that date the same entries required a licence without it, whatever a later text says.
STANDARDS_CARVEOUT_FROM = date(2020, 6, 18)
STANDARDS_CARVEOUT_CITATION = "85 FR 36719 (2020-06-18)"


@dataclass(frozen=True, slots=True)
class Carveout:
    kind: CarveoutKind
    text: str
    eccns: tuple[str, ...] = ()
    effective_from: date | None = None
    citation: str | None = None

    def in_force(self, as_of: date) -> bool:
        return self.effective_from is None or as_of >= self.effective_from


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a licence requirement covers. ``scope``:

    - ``all_items``: all items subject to the EAR (minus ``carveouts``)
    - ``eccns``: only the ECCNs in ``eccns``
    - ``ccl_items``: items on the Commerce Control List (not EAR99)
    - ``supp2_744``: items listed in Supplement No. 2 to Part 744 (MEU)
    - ``projects``: all items when used in projects of a named section (§ 746.5 / 746.8(a)(4))
    - ``supp7_746``: items listed in Supplement No. 7 to Part 746
    - ``unknown``: text not understood (needs review)
    """

    text: str
    scope: Scope
    eccns: tuple[str, ...] = ()
    carveouts: tuple[Carveout, ...] = ()
    footnotes: tuple[int, ...] = ()
    sections: tuple[str, ...] = ()
    license_exception_note: str | None = None

    def footnotes_on(self, as_of: date) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(footnotes in force on ``as_of``, footnotes of this text added by a later rule): a
        newer list text does not put its footnotes on an older date."""
        later = tuple(
            n for n in self.footnotes if n in FOOTNOTES and not FOOTNOTES[n].in_force(as_of)
        )
        return tuple(n for n in self.footnotes if n not in later), later

    def later_footnotes(self, as_of: date) -> str | None:
        """What the decision says when the loaded text has footnotes of later rules."""
        later = self.footnotes_on(as_of)[1]
        if not later:
            return None
        cites = "; ".join(str(FOOTNOTES[n].citation) for n in later)
        return (
            f"footnote(s) {', '.join(map(str, later))} of the loaded entry text came with later "
            f"rules ({cites}): not shown for {as_of.isoformat()}"
        )

    def to_dict(self, as_of: date | None = None) -> dict[str, object]:
        shown = self.footnotes_on(as_of)[0] if as_of else self.footnotes
        return {
            "text": self.text,
            "scope": self.scope.value,
            "eccns": list(self.eccns),
            "carveouts": [
                {
                    "kind": c.kind.value,
                    "text": c.text,
                    "eccns": list(c.eccns),
                    "effective_from": c.effective_from.isoformat() if c.effective_from else None,
                    "citation": c.citation,
                }
                for c in self.carveouts
            ],
            "footnotes": [
                {"number": n, "section": FOOTNOTES[n].section, "meaning": FOOTNOTES[n].meaning}
                for n in shown
                if n in FOOTNOTES
            ],
            "sections": list(self.sections),
            "license_exception_note": self.license_exception_note,
        }


@dataclass(frozen=True, slots=True)
class Applicability:
    applies: bool | None  # None: cannot tell from the data (needs review)
    note: str


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _footnotes(text: str) -> tuple[int, ...]:
    found: set[int] = set()
    if re.search(r"734\.9\(e\)\(2\)", text):
        found.add(4)
    if re.search(r"734\.9\(e\)\(3\)", text):
        found.add(5)
    if re.search(r"734\.9\(g\)", text):
        found.add(3)
    trailing = re.search(r"(?:EAR|\))\.?\)?\s*([1-5])\s*$", text)
    if trailing:
        found.add(int(trailing.group(1)))
    m = re.search(r"734\.9\(e\)\s*(\d)\b", text)
    if m and m.group(1) in "1245":
        found.add(int(m.group(1)))
    elif re.search(r"734\.9\(e\)(?!\()", text) and not trailing:
        found.add(1)
    return tuple(sorted(found))


def parse_requirement(text: str | None, *, meu: bool = False) -> Requirement:
    """Parse a licence-requirement text. ``None``/empty gives ``Scope.UNKNOWN`` (for the MEU
    list: § 744.21's Supplement No. 2 items)."""
    if not text or not text.strip():
        if meu:
            return Requirement("", Scope.SUPP2_744, sections=("744.21",))
        return Requirement(text or "", Scope.UNKNOWN)
    t = _clean(text)
    low = t.lower()
    sections = tuple(dict.fromkeys(_SECTION.findall(t)))
    footnotes = _footnotes(t)
    exc_note = None
    m = re.search(r"this license requirement may be overcome by[^.]*\.?", low)
    if m:
        exc_note = t[m.start() : m.end()]
    carveouts: list[Carveout] = []
    if "standards organization" in low or "“standard”" in low or '"standard"' in low:
        carveouts.append(
            Carveout(
                CarveoutKind.STANDARDS_TECHNOLOGY,
                "EAR99 or AT-only technology released to members of a standards organization "
                "to contribute to a standard",
                effective_from=STANDARDS_CARVEOUT_FROM,
                citation=STANDARDS_CARVEOUT_CITATION,
            )
        )
    if re.search(r"except (?:for )?food (?:or|and) medicine designated as ear ?99", low):
        carveouts.append(Carveout(CarveoutKind.EAR99_FOOD_MEDICINE, "EAR99 food or medicine"))
    m = re.search(r"or eccns? ((?:\d[A-E]\d{3}[.a-z0-9]*(?:,|and|\s)*)+)unless", low)
    if m:
        carveouts.append(
            Carveout(
                CarveoutKind.ECCNS,
                t[m.start() : m.end()],
                eccns=tuple(e.upper()[:5] + e[5:] for e in _ECCN_IN_TEXT.findall(m.group(1))),
            )
        )
    if "office of foreign assets control" in low:
        carveouts.append(
            Carveout(CarveoutKind.OFAC_AUTHORIZED, "items in OFAC-authorised transactions")
        )
    if re.search(
        r"except for\s*:|except for eear99|except for ear99[- ]designated technology", low
    ):
        carveouts.append(
            Carveout(CarveoutKind.OTHER, "other carve-out stated in the text (not evaluated)")
        )

    if "supplement no. 2 to part 744" in low:
        scope = Scope.SUPP2_744
        eccns: tuple[str, ...] = ()
    elif "supplement no. 7 to part 746" in low:
        scope = Scope.SUPP7_746
        eccns = ()
    elif re.search(r"when used in projects", low):
        scope = Scope.PROJECTS
        eccns = ()
    elif re.search(r"all items subjects? to the ear", low) or "any item subject to the ear" in low:
        scope = Scope.ALL_ITEMS
        eccns = ()
    elif re.search(r"items on the ccl|items listed on the ccl|items on the commerce control", low):
        scope = Scope.CCL_ITEMS
        eccns = ()
    else:
        eccns = tuple(_ECCN_IN_TEXT.findall(t))
        scope = Scope.ECCNS if eccns else Scope.UNKNOWN
    return Requirement(t, scope, eccns, tuple(carveouts), footnotes, sections, exc_note)


def requirement_applies(
    req: Requirement,
    item: Item,
    *,
    as_of: date,
    destination: str,
    category: ActivityCategory | None = None,
    text_date: date | None = None,
) -> Applicability:
    """Does the requirement catch this item on this date? Pure; carve-outs apply in their window.

    ``text_date``: the date of the list text read. When it is after ``as_of`` the text in force
    on ``as_of`` is not at hand: a carve-out that no rule dates (``effective_from``) may have
    come with a later text, so it is not applied (the answer is ``None``: review), never used
    to clear an older transaction."""
    if req.scope is Scope.UNKNOWN:
        return Applicability(None, "licence requirement text not understood; review it")
    if req.scope is Scope.ECCNS:
        if item.is_ear99:
            return Applicability(False, "requirement is limited to named ECCNs; item is EAR99")
        hit = any(eccn_matches(p, item.classification) for p in req.eccns)
        return Applicability(hit, f"requirement covers ECCNs {', '.join(req.eccns)}")
    if req.scope is Scope.CCL_ITEMS:
        return Applicability(not item.is_ear99, "requirement covers items on the CCL")
    if req.scope is Scope.SUPP2_744:
        if destination[:2] in ("RU", "BY"):
            if item.is_ear99 and item.food_or_medicine:
                return Applicability(
                    None, "MEU (Russia/Belarus): EAR99 food and medicine may be excluded"
                )
            return Applicability(True, "MEU in Russia/Belarus: all items subject to the EAR")
        from tradescreen.decide.end_use_data import Membership, supp2_status

        status = supp2_status(item.classification, as_of)
        if status.membership is Membership.LISTED:
            return Applicability(True, f"MEU: {status.note}")
        if status.membership is Membership.NOT_LISTED:
            return Applicability(False, f"MEU: {status.note}")
        return Applicability(None, f"MEU: licence required if the item is listed: {status.note}")
    if req.scope is Scope.PROJECTS:
        return Applicability(None, "licence required when used in the projects the text names")
    if req.scope is Scope.SUPP7_746:
        if item.is_ear99 and "ear99" not in req.text.lower().replace(" ", ""):
            return Applicability(False, "requirement covers CCL items of Supp. No. 7 to Part 746")
        return Applicability(None, "licence required if listed in Supp. No. 7 to Part 746")
    # all_items, minus carve-outs in force on the date
    newer = text_date is not None and text_date > as_of
    for c in req.carveouts:
        if not c.in_force(as_of):
            continue
        if newer and c.effective_from is None and _carveout_reaches(c, item, category):
            assert text_date is not None
            return Applicability(
                None,
                f"carve-out ({c.text}) read from the entry text of {text_date.isoformat()}; the "
                f"text in force on {as_of.isoformat()} is not stored, so it is not applied: "
                "review whether that text had it",
            )
        if c.kind is CarveoutKind.EAR99_FOOD_MEDICINE and item.is_ear99 and item.food_or_medicine:
            return Applicability(False, "carve-out: EAR99 food or medicine")
        if c.kind is CarveoutKind.ECCNS and any(
            eccn_matches(p, item.classification) for p in c.eccns
        ):
            return Applicability(None, f"carve-out for {', '.join(c.eccns)} with conditions")
        if c.kind is CarveoutKind.STANDARDS_TECHNOLOGY and _standards_case(item, category):
            return Applicability(
                False,
                f"carve-out ({c.citation}): EAR99/AT-only technology released for standards work",
            )
    return Applicability(True, "requirement covers all items subject to the EAR")


def _carveout_reaches(c: Carveout, item: Item, category: ActivityCategory | None) -> bool:
    """Would the carve-out take this item out of the requirement (in whole or in part)?"""
    if c.kind is CarveoutKind.EAR99_FOOD_MEDICINE:
        return item.is_ear99 and item.food_or_medicine
    if c.kind is CarveoutKind.ECCNS:
        return any(eccn_matches(p, item.classification) for p in c.eccns)
    if c.kind is CarveoutKind.STANDARDS_TECHNOLOGY:
        return _standards_case(item, category)
    return False


def _standards_case(item: Item, category: ActivityCategory | None) -> bool:
    """EAR99 or AT-only technology released to a standards organization (the user states the
    category; a description that mentions standards is not enough)."""
    if item.item_type is not ItemType.TECHNOLOGY:
        return False
    if not (item.is_ear99 or is_at_only_family(item.classification)):
        return False
    return category is ActivityCategory.STANDARDS_ORGANIZATION


# ---------------------------------------------------------------------------
# Review policy


@dataclass(frozen=True, slots=True)
class PolicyClause:
    policy: PolicyKind
    applies_to: PolicyApplies
    text: str
    eccns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    text: str
    clauses: tuple[PolicyClause, ...]

    def for_item(self, item: Item) -> PolicyClause:
        """The clause that governs this item (ECCN-specific first, then EAR99/CCL, then all)."""
        for c in self.clauses:
            if c.applies_to is PolicyApplies.ECCNS and any(
                eccn_matches(p, item.classification) for p in c.eccns
            ):
                return c
        for c in self.clauses:
            if (c.applies_to is PolicyApplies.EAR99 and item.is_ear99) or (
                c.applies_to is PolicyApplies.CCL and not item.is_ear99
            ):
                return c
        for c in self.clauses:
            if c.applies_to in (PolicyApplies.ALL, PolicyApplies.OTHER):
                return c
        if self.clauses:
            return self.clauses[-1]
        return PolicyClause(PolicyKind.UNKNOWN, PolicyApplies.ALL, self.text)

    def to_dict(self, item: Item | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "text": self.text,
            "clauses": [
                {"policy": c.policy.value, "applies_to": c.applies_to.value, "eccns": list(c.eccns)}
                for c in self.clauses
            ],
        }
        if item is not None:
            out["for_item"] = self.for_item(item).policy.value
        return out


def _policy_kind(low: str) -> PolicyKind:
    if "presumption of denial" in low:
        return PolicyKind.PRESUMPTION_OF_DENIAL
    if "policy of denial" in low or low.startswith("denial"):
        return PolicyKind.POLICY_OF_DENIAL
    if "presumption of approval" in low or "presumption of  approval" in low:
        return PolicyKind.PRESUMPTION_OF_APPROVAL
    if re.search(r"case[- ]by[- ]case|casa-by-case", low):
        return PolicyKind.CASE_BY_CASE
    if low.startswith("see ") or "is specified in" in low:
        return PolicyKind.SEE_SECTION
    return PolicyKind.UNKNOWN


def parse_policy(text: str | None, *, meu: bool = False) -> Policy:
    if not text or not text.strip():
        if meu:
            return Policy(
                "", (PolicyClause(PolicyKind.SEE_SECTION, PolicyApplies.ALL, "§ 744.21(e)"),)
            )
        return Policy(text or "", (PolicyClause(PolicyKind.UNKNOWN, PolicyApplies.ALL, ""),))
    t = _clean(text)
    clauses: list[PolicyClause] = []
    for part in re.split(r";|\.\s+(?=[A-Z])", t):
        p = part.strip(" .")
        if not p:
            continue
        low = p.lower()
        kind = _policy_kind(low)
        eccns = tuple(_ECCN_IN_TEXT.findall(p))
        if "all other items" in low:
            applies = PolicyApplies.OTHER
        elif eccns:
            applies = PolicyApplies.ECCNS
        elif re.search(r"ear ?99", low):
            applies = PolicyApplies.EAR99
        elif re.search(r"items (listed )?on the ccl", low):
            applies = PolicyApplies.CCL
        elif re.search(r"for items|items necessary|for licenses for|programs|supported", low):
            applies = PolicyApplies.SPECIFIED
        else:
            applies = PolicyApplies.ALL
        clauses.append(PolicyClause(kind, applies, p, eccns))
    return Policy(t, tuple(clauses))


__all__ = [
    "FOOTNOTES",
    "STANDARDS_CARVEOUT_FROM",
    "Applicability",
    "Carveout",
    "CarveoutKind",
    "Footnote",
    "Policy",
    "PolicyApplies",
    "PolicyClause",
    "PolicyKind",
    "Requirement",
    "Scope",
    "parse_policy",
    "parse_requirement",
    "requirement_applies",
]
