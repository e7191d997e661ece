"""The values a decision is made of: ``Reason`` (one rule's finding, with its citations) and
``Decision`` (the outcome, every reason, the conditions the user must confirm, the list and data
versions used). Built by ``decide.decision.check``; rendered by every channel through
``Decision.to_dict()``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tradescreen.decide.country_chart import ChartDetermination
from tradescreen.decide.end_use import EndUseResult
from tradescreen.decide.outcomes import Effect, Outcome, OwnershipRule, ReasonKind
from tradescreen.decide.requirements import PolicyKind


@dataclass(frozen=True, slots=True)
class DecisionConfig:
    certain_score: float = 0.9  # hits at or above are treated as the party; below: possible


@dataclass(frozen=True, slots=True)
class Reason:
    kind: ReasonKind
    effect: Effect
    message: str
    party: str | None = None
    role: str | None = None
    matched_entity: str | None = None
    entity_id: str | None = None
    score: float | None = None
    list: str | None = None
    list_name: str | None = None
    citations: tuple[str, ...] = ()
    requirement: dict[str, Any] | None = None
    policy: PolicyKind | None = None  # the review policy for this item
    policy_text: str | None = None
    list_version: int | None = None
    paths: tuple[str, ...] = ()
    details: dict[str, Any] | None = None
    covered_by: tuple[str, ...] = ()
    if_match: Effect | None = None  # for a possible match: the effect if it is the party
    rule: OwnershipRule | None = None  # for an ownership reason: the rule that found it

    @property
    def needs_licence(self) -> bool:
        """A licence requirement, certain or on a possible match."""
        return Effect.LICENSE_REQUIRED in (self.effect, self.if_match)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind.value,
            "effect": self.effect.value,
            "message": self.message,
        }
        for key in (
            "party",
            "role",
            "matched_entity",
            "entity_id",
            "score",
            "list",
            "list_name",
            "requirement",
            "policy",
            "policy_text",
            "list_version",
            "details",
        ):
            value = getattr(self, key)
            if value is not None:
                if key == "score":
                    value = round(value, 4)
                elif key == "policy":
                    value = value.value
                out[key] = value
        if self.citations:
            out["citations"] = list(self.citations)
        if self.paths:
            out["ownership_paths"] = list(self.paths)
        if self.covered_by:
            out["covered_by"] = list(self.covered_by)
        return out


@dataclass(frozen=True, slots=True)
class Decision:
    decision: Outcome
    reasons: tuple[Reason, ...]
    authorizations: tuple[dict[str, Any], ...]
    list_versions: tuple[dict[str, Any], ...]
    warnings: tuple[str, ...]
    as_of: date
    country_chart: ChartDetermination | None = None  # classified items only
    end_use: EndUseResult | None = None  # the Part 744 end-use questions (decide/end_use.py)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "decision": self.decision.value,
            "reasons": [r.to_dict() for r in self.reasons],
            "authorizations": list(self.authorizations),
            "list_versions": list(self.list_versions),
            "warnings": list(self.warnings),
        }
        out["conditions"] = self.end_use.conditions if self.end_use else []
        out["end_use"] = [f.to_dict() for f in self.end_use.findings] if self.end_use else []
        if self.country_chart is not None:
            out["country_chart"] = self.country_chart.to_dict()
        return out


__all__ = ["Decision", "DecisionConfig", "Reason"]
