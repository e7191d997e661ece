"""General authorisations (temporary general licences and similar) and dated rules, as data.

The data file ``data/authorizations.json`` is versioned in the repository; every row cites its
Federal Register notice and names the fields that were not verified (``uncertain``). Functions
here are pure: which authorisations are in force on a date, whether one covers a party (by its
listing), whether the stated activity falls in its scope, and the state of a dated rule.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from tradescreen.decide.outcomes import RuleState
from tradescreen.errors import InvalidInput
from tradescreen.model import Entity, Listing

# The id of the BIS affiliates rule in the data file (rules[].id, covered_parties.derived_by).
AFFILIATES_RULE_ID = "bis_affiliates_rule"

# A decision within this many days of an uncertain window boundary carries a warning.
BOUNDARY_MARGIN = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ScopeItem:
    id: str
    text: str
    terms: tuple[tuple[str, ...], ...]  # every group must have one phrase in the activity

    def matches(self, activity: str) -> bool:
        low = re.sub(r"\s+", " ", activity.lower())
        return bool(self.terms) and all(any(t in low for t in group) for group in self.terms)


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

    def activity_scope(self, activity: str | None) -> list[str]:
        """Ids of the scope items the stated activity falls in (empty: none / not stated)."""
        if not activity:
            return []
        return [s.id for s in self.scope if s.matches(activity)]

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

    def to_dict(self, activity: str | None = None) -> dict[str, Any]:
        matched = self.activity_scope(activity)
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "citation": self.citation,
            "cfr": self.cfr,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "scope": [s.text for s in self.scope],
            "activity": activity,
            "activity_in_scope": bool(matched),
            "matched_scope": matched,
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


def _scope(items: list[dict[str, Any]]) -> tuple[ScopeItem, ...]:
    return tuple(
        ScopeItem(s["id"], s["text"], tuple(tuple(g) for g in s.get("terms", ()))) for s in items
    )


def parse_authorization_data(raw: dict[str, Any]) -> AuthorizationData:
    rows = {r["id"]: r for r in raw.get("authorizations", [])}
    auths: list[Authorization] = []
    for rid, r in rows.items():
        where = f"authorizations.{rid}"
        parties = r.get("covered_parties", {})
        if "same_as" in parties:
            parties = rows[parties["same_as"]]["covered_parties"]
        scope = r.get("scope", [])
        if scope and "same_as" in scope[0]:
            scope = rows[scope[0]["same_as"]]["scope"]
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
                scope=_scope(scope),
                uncertain=tuple(r.get("uncertain", ())),
                scope_note=r.get("scope_note"),
                state_after=r.get("state_after"),
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
    "Authorization",
    "AuthorizationData",
    "DatedRule",
    "RuleWindow",
    "ScopeItem",
    "default_authorization_data",
    "parse_authorization_data",
]
