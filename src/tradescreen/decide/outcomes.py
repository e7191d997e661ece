"""The typed vocabulary of a decision: what a rule finds (``Effect``), what the transaction is
told (``Outcome``), what kind of rule gave a reason (``ReasonKind``), the ownership rules
(``OwnershipRule``), and the states of embargo windows and dated rules.

They are ``StrEnum`` so the JSON keeps the same strings (``"license_required"``...); rules compare
members, never message wording or raw strings.
"""

from __future__ import annotations

from enum import StrEnum

from tradescreen.errors import InvalidInput


class Effect(StrEnum):
    """What one rule finds for the transaction, ordered from most to least restrictive (see
    ``SEVERITY``)."""

    PROHIBITED = "prohibited"
    LICENSE_REQUIRED = "license_required"
    NEEDS_REVIEW = "needs_review"
    INFORMATIONAL = "informational"
    NOT_APPLICABLE = "not_applicable"


SEVERITY = {
    Effect.PROHIBITED: 4,
    Effect.LICENSE_REQUIRED: 3,
    Effect.NEEDS_REVIEW: 2,
    Effect.INFORMATIONAL: 1,
    Effect.NOT_APPLICABLE: 0,
}

RESTRICTIVE = frozenset({Effect.PROHIBITED, Effect.LICENSE_REQUIRED, Effect.NEEDS_REVIEW})


class Outcome(StrEnum):
    """The answer for the whole transaction (``Decision.decision``)."""

    PROHIBITED = "prohibited"
    LICENSE_REQUIRED = "license_required"
    AUTHORIZED = "authorized"
    NO_RESTRICTION = "no_restriction"
    NEEDS_REVIEW = "needs_review"


class ReasonKind(StrEnum):
    LISTING = "listing"
    EMBARGO = "embargo"
    OWNERSHIP = "ownership"
    SCREENING = "screening"
    COUNTRY_CHART = "country_chart"
    END_USE = "end_use"  # a Part 744 end-use or end-user rule the user's answers trigger


class OwnershipRule(StrEnum):
    OFAC_50 = "ofac_50"
    BIS_AFFILIATES = "bis_affiliates"
    SIGNIFICANT_MINORITY = "significant_minority"
    DATA_QUALITY = "data_quality"


class RuleState(StrEnum):
    """The state of a dated rule (the BIS affiliates rule) in one of its windows."""

    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    UNKNOWN = "unknown"


class EmbargoStatus(StrEnum):
    COMPREHENSIVE = "comprehensive"
    PARTIAL = "partial"
    BROAD_CONTROLS = "broad_controls"
    UNKNOWN = "unknown"


def effect_of(outcome: str) -> Effect:
    """An embargo data file's decision word as the effect of the reason it gives:
    ``no_restriction`` -> ``not_applicable``; ``authorized`` is not a data value."""
    if outcome == Outcome.NO_RESTRICTION:
        return Effect.NOT_APPLICABLE
    try:
        effect = Effect(outcome)
    except ValueError:
        effect = None
    if effect is None or effect is Effect.INFORMATIONAL or effect is Effect.NOT_APPLICABLE:
        raise InvalidInput(f"decision: unknown value {outcome!r}")
    return effect


__all__ = [
    "RESTRICTIVE",
    "SEVERITY",
    "Effect",
    "EmbargoStatus",
    "Outcome",
    "OwnershipRule",
    "ReasonKind",
    "RuleState",
    "effect_of",
]
