"""General authorisations (temporary general licences and similar) and dated rules, as data.

The data file ``data/authorizations.json`` is versioned in the repository; every row cites its
Federal Register notice and names the fields that were not verified (``uncertain``). Functions
here are pure: which authorisations are in force on a date, whether one covers a party (by its
listing), whether the stated activity category and the answers about the transaction (contract
date, handset availability) fall in its scope, and the state of a dated rule. Scopes are
structured conditions the user answers; free text describing the export is never read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from tradescreen.decide.items import ActivityCategory, Transaction
from tradescreen.decide.outcomes import RuleState
from tradescreen.errors import InvalidInput
from tradescreen.model import Entity, Listing

# The id of the BIS affiliates rule in the data file (rules[].id, covered_parties.derived_by).
AFFILIATES_RULE_ID = "bis_affiliates_rule"

# A decision within this many days of an uncertain window boundary carries a warning.
BOUNDARY_MARGIN = timedelta(days=7)


class Answer(StrEnum):
    """A fact about the transaction the user states (``Transaction`` fields of these names)."""

    CONTRACT_DATE = "contract_date"
    HANDSET_PUBLIC_DATE = "handset_public_date"


Answers = Mapping[Answer, date | None]


def answers_of(tx: Transaction) -> dict[Answer, date | None]:
    return {
        Answer.CONTRACT_DATE: tx.contract_date,
        Answer.HANDSET_PUBLIC_DATE: tx.handset_public_date,
    }


@dataclass(frozen=True, slots=True)
class ScopeCondition:
    """``answer`` must be given and fall on or before ``on_or_before``."""

    answer: Answer
    on_or_before: date
    question: str

    def met(self, answers: Answers) -> bool | None:
        given = answers.get(self.answer)
        return None if given is None else given <= self.on_or_before

    def to_dict(self, answers: Answers) -> dict[str, Any]:
        given = answers.get(self.answer)
        return {
            "answer": self.answer.value,
            "question": self.question,
            "on_or_before": self.on_or_before.isoformat(),
            "given": given.isoformat() if given else None,
            "met": self.met(answers),
        }


@dataclass(frozen=True, slots=True)
class ScopeItem:
    id: ActivityCategory
    text: str
    conditions: tuple[ScopeCondition, ...] = ()


@dataclass(frozen=True, slots=True)
class ScopeCheck:
    """Whether the stated activity category and answers fall in an authorisation's scope."""

    category: ActivityCategory | None
    matched: tuple[str, ...]  # the scope item of the category (when the authorisation has one)
    in_scope: bool  # the category is in scope and every condition of it is met
    conditions: tuple[dict[str, Any], ...]  # that item's conditions, with the answers given
    unanswered: tuple[str, ...]  # questions still to answer


@dataclass(frozen=True, slots=True)
class Authorization:
    id: str
    name: str
    kind: str  # temporary_general_license | regulatory_authorization | ...
    citation: str
    published: date | None
    valid_from: date
    valid_to: date | None
    cfr: str
    covers_requirements: tuple[str, ...]  # list codes / rule ids whose requirement it lifts
    name_contains: tuple[str, ...]
    listing_citations: tuple[str, ...]
    derived_by: str | None
    scope: tuple[ScopeItem, ...]
    uncertain: tuple[str, ...]
    scope_note: str | None
    state_after: str | None
    lifts_note: str | None = None  # what the authorisation does not lift

    def in_force(self, as_of: date) -> bool:
        return self.valid_from <= as_of and (self.valid_to is None or as_of <= self.valid_to)

    def covers_listing(self, entity: Entity, listing: Listing) -> bool:
        """Does this authorisation name the party of ``listing``?"""
        if self.derived_by:
            return False
        names = " ".join(n.value for n in entity.names).lower()
        if any(s in names for s in self.name_contains):
            return True
        cites = {f"{c.volume} FR {c.page}" for c in listing.citations}
        return bool(cites & set(self.listing_citations))

    def scope_check(self, category: ActivityCategory | None, answers: Answers) -> ScopeCheck:
        """The scope item of the stated category, and whether its conditions are met. No
        category stated: not in scope (free text is never read)."""
        item = next((s for s in self.scope if s.id is category), None)
        if item is None:
            return ScopeCheck(category, (), False, (), ())
        met = [c.met(answers) for c in item.conditions]
        return ScopeCheck(
            category,
            (item.id.value,),
            all(m is True for m in met),
            tuple(c.to_dict(answers) for c in item.conditions),
            tuple(c.question for c, m in zip(item.conditions, met, strict=True) if m is None),
        )

    def boundary_warning(self, as_of: date) -> str | None:
        risky = {"valid_from", "valid_to", "published"} & set(self.uncertain)
        if not risky:
            return None
        edges = [self.valid_from] + ([self.valid_to] if self.valid_to else [])
        if any(abs(as_of - e) <= BOUNDARY_MARGIN for e in edges):
            return (
                f"{self.name} ({self.citation}): the decision date is within "
                f"{BOUNDARY_MARGIN.days} days of a window boundary that is not verified"
            )
        return None

    def to_dict(self, tx: Transaction | None = None) -> dict[str, Any]:
        check = self.scope_check(tx.activity_category if tx else None, answers_of(tx) if tx else {})
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "citation": self.citation,
            "cfr": self.cfr,
            "published": self.published.isoformat() if self.published else None,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "scope": [
                {
                    "category": s.id.value,
                    "text": s.text,
                    "conditions": [c.question for c in s.conditions],
                }
                for s in self.scope
            ],
            "lifts": list(self.covers_requirements),
            "lifts_note": self.lifts_note,
            "activity": tx.activity if tx else None,
            "activity_category": check.category.value if check.category else None,
            "activity_in_scope": check.in_scope,
            "matched_scope": list(check.matched),
            "conditions": list(check.conditions),
            "uncertain": list(self.uncertain),
            "scope_note": self.scope_note,
        }


@dataclass(frozen=True, slots=True)
class RuleWindow:
    valid_from: date
    valid_to: date | None
    state: RuleState
    citation: str
    uncertain: tuple[str, ...]
    note: str | None = None  # said with every decision in the window


@dataclass(frozen=True, slots=True)
class DatedRule:
    id: str
    name: str
    citation: str
    owner_lists: tuple[str, ...]
    threshold: float
    windows: tuple[RuleWindow, ...]

    def state_on(self, as_of: date) -> RuleWindow | None:
        """The window covering ``as_of``; None before the rule existed."""
        for w in self.windows:
            if w.valid_from <= as_of and (w.valid_to is None or as_of <= w.valid_to):
                return w
        return None


@dataclass(frozen=True, slots=True)
class AuthorizationData:
    version: str
    authorizations: tuple[Authorization, ...]
    rules: dict[str, DatedRule]

    def in_force(self, as_of: date) -> list[Authorization]:
        return [a for a in self.authorizations if a.in_force(as_of)]


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def _scope(items: list[dict[str, Any]], where: str) -> tuple[ScopeItem, ...]:
    out = []
    for s in items:
        try:
            category = ActivityCategory(s["id"])
        except ValueError:
            raise InvalidInput(f"{where}.scope: unknown activity category {s['id']!r}") from None
        if "terms" in s:
            raise InvalidInput(f"{where}.scope.{s['id']}: keyword terms are not a scope")
        conditions = []
        for c in s.get("conditions", ()):
            try:
                answer = Answer(c["answer"])
            except ValueError:
                raise InvalidInput(
                    f"{where}.scope.{s['id']}: unknown answer {c['answer']!r}"
                ) from None
            limit = _date(c.get("on_or_before"), f"{where}.scope.{s['id']}.on_or_before")
            if limit is None:
                raise InvalidInput(f"{where}.scope.{s['id']}.on_or_before: required")
            conditions.append(ScopeCondition(answer, limit, c["question"]))
        out.append(ScopeItem(category, s["text"], tuple(conditions)))
    return tuple(out)


def _resolve_scope(rows: dict[str, dict[str, Any]], rid: str) -> list[dict[str, Any]]:
    """A row's scope items; ``[{"same_as": ID, "except": [...]}]`` takes another row's, minus
    the items an amending rule removed."""
    scope = rows[rid].get("scope", [])
    if scope and "same_as" in scope[0]:
        removed = set(scope[0].get("except", ()))
        return [s for s in _resolve_scope(rows, scope[0]["same_as"]) if s["id"] not in removed]
    return list(scope)


def parse_authorization_data(raw: dict[str, Any]) -> AuthorizationData:
    rows = {r["id"]: r for r in raw.get("authorizations", [])}
    auths: list[Authorization] = []
    for rid, r in rows.items():
        where = f"authorizations.{rid}"
        parties = r.get("covered_parties", {})
        parties_from = parties.get("same_as", rid)
        if "same_as" in parties:
            parties = rows[parties["same_as"]]["covered_parties"]
        scope = _resolve_scope(rows, rid)
        start = _date(r.get("valid_from"), where + ".valid_from")
        if start is None:
            raise InvalidInput(f"{where}.valid_from: required")
        end = _date(r.get("valid_to"), where + ".valid_to")
        if end is not None and end < start:
            raise InvalidInput(f"{where}.valid_to: before valid_from")
        if not r.get("citation"):
            raise InvalidInput(f"{where}.citation: every row must cite its notice")
        auths.append(
            Authorization(
                id=rid,
                name=r["name"],
                kind=r["kind"],
                citation=r["citation"],
                published=_date(r.get("published"), where + ".published"),
                valid_from=start,
                valid_to=end,
                cfr=r.get("cfr", ""),
                covers_requirements=tuple(r.get("covers_requirements", ())),
                name_contains=tuple(s.lower() for s in parties.get("name_contains", ())),
                listing_citations=tuple(parties.get("listing_citations", ())),
                derived_by=parties.get("derived_by"),
                scope=_scope(scope, where),
                uncertain=tuple(r.get("uncertain", ())),
                scope_note=r.get("scope_note"),
                state_after=r.get("state_after"),
                lifts_note=r.get("lifts_note") or rows.get(parties_from, {}).get("lifts_note"),
            )
        )
    rules: dict[str, DatedRule] = {}
    for r in raw.get("rules", []):
        windows = []
        for i, w in enumerate(r["windows"]):
            where = f"rules.{r['id']}.windows[{i}]"
            start = _date(w["from"], where + ".from")
            if start is None:
                raise InvalidInput(f"{where}.from: required")
            try:
                state = RuleState(w["state"])
            except ValueError:
                raise InvalidInput(f"{where}.state: unknown state {w['state']!r}") from None
            windows.append(
                RuleWindow(
                    start,
                    _date(w.get("to"), where + ".to"),
                    state,
                    w["citation"],
                    tuple(w.get("uncertain", ())),
                    w.get("note"),
                )
            )
        rules[r["id"]] = DatedRule(
            r["id"],
            r["name"],
            r["citation"],
            tuple(r.get("owner_lists", ())),
            float(r.get("threshold", 50.0)),
            tuple(windows),
        )
    return AuthorizationData(str(raw.get("version", "")), tuple(auths), rules)


@lru_cache(maxsize=1)
def default_authorization_data() -> AuthorizationData:
    path = resources.files("tradescreen.decide").joinpath("data/authorizations.json")
    return parse_authorization_data(json.loads(path.read_text("utf-8")))


__all__ = [
    "AFFILIATES_RULE_ID",
    "Answer",
    "Authorization",
    "AuthorizationData",
    "DatedRule",
    "RuleWindow",
    "ScopeCheck",
    "ScopeCondition",
    "ScopeItem",
    "answers_of",
    "default_authorization_data",
    "parse_authorization_data",
]
