"""Entity features of a comparison: what the query and the listed entity say besides the name
(weak alias, a person's one-word name, kind, country, birth year, identifiers, and whether a
person's common full name is corroborated: ``match/persons.py``)."""

from __future__ import annotations

from tradescreen.match.config import MatchConfig
from tradescreen.match.draft import Draft
from tradescreen.match.explanation import Agreement, Feature, FeatureKind, PenaltyReason
from tradescreen.match.prepared import EntityFacts, PreparedName, PreparedQuery
from tradescreen.model import EntityKind, NameKind
from tradescreen.names.normalize import Tag


def _words(name: PreparedName) -> int:
    """Tokens that carry a name (not legal forms, stop words or places)."""
    return sum(1 for g in name.tags if g in (Tag.NORMAL, Tag.NUMBER))


def entity_features(
    query: PreparedQuery,
    c: PreparedName,
    score: float,
    draft: Draft,
    config: MatchConfig,
    person: bool,
) -> float:
    facts = c.facts
    if c.kind is NameKind.WEAK_AKA:
        score *= config.weak_alias
        draft.penalty(PenaltyReason.WEAK_ALIAS, config.weak_alias)
    if person and _words(c) == 1 and _words(query.name) >= 2:
        score *= config.one_word_person
        draft.penalty(PenaltyReason.ONE_WORD_NAME, config.one_word_person)
    if facts is None:
        return score
    qk = query.query.kind
    if qk is not None and facts.kind not in (EntityKind.UNKNOWN, qk):
        score *= config.kind_mismatch
        draft.penalty(PenaltyReason.KIND_MISMATCH, config.kind_mismatch, facts.kind.value)
        draft.features.append(
            Feature(
                FeatureKind.ENTITY_KIND,
                Agreement.CONFLICT,
                qk.value,
                facts.kind.value,
                config.kind_mismatch,
            )
        )
    qc = (query.query.country or "").upper()
    if qc and facts.countries:
        listed = ", ".join(sorted(facts.countries))
        if qc in facts.countries:
            draft.features.append(Feature(FeatureKind.COUNTRY, Agreement.AGREE, qc, listed))
        else:
            score *= config.country_mismatch
            draft.penalty(PenaltyReason.COUNTRY_MISMATCH, config.country_mismatch)
            draft.features.append(
                Feature(
                    FeatureKind.COUNTRY, Agreement.CONFLICT, qc, listed, config.country_mismatch
                )
            )
    if query.birth_year is not None and facts.birth_years:
        listed = ", ".join(str(y) for y in sorted(facts.birth_years))
        year = str(query.birth_year)
        if any(abs(query.birth_year - y) <= 1 for y in facts.birth_years):
            score += config.dob_match_boost * (1.0 - score)
            draft.features.append(Feature(FeatureKind.BIRTH_DATE, Agreement.AGREE, year, listed))
        else:
            score *= config.dob_mismatch
            draft.penalty(PenaltyReason.BIRTH_DATE_MISMATCH, config.dob_mismatch)
            draft.features.append(
                Feature(
                    FeatureKind.BIRTH_DATE, Agreement.CONFLICT, year, listed, config.dob_mismatch
                )
            )
    if query.identifiers and facts.identifiers:
        common = query.identifiers & facts.identifiers
        if common:
            score = max(score, config.identifier_match)
            value = ", ".join(sorted(common))
            draft.features.append(
                Feature(
                    FeatureKind.IDENTIFIER,
                    Agreement.AGREE,
                    value,
                    value,
                    config.identifier_match,
                )
            )
    if (
        person
        and draft.common
        and c.kind is not NameKind.WEAK_AKA  # a weak alias already pays its own factor
        and not any(f.agreement is Agreement.AGREE for f in draft.features)
    ):
        score *= config.uncorroborated_common
        draft.penalty(
            PenaltyReason.UNCORROBORATED,
            config.uncorroborated_common,
            "missing: " + ", ".join(missing_corroboration(query, facts)),
        )
    return score


def missing_corroboration(query: PreparedQuery, facts: EntityFacts) -> list[str]:
    """The facts that could confirm a common name, and why each did not ("birth year not
    given", "country not listed", "birth year differs")."""
    out = []
    for label, given, listed in (
        ("birth year", query.birth_year is not None, bool(facts.birth_years)),
        ("country", bool(query.query.country), bool(facts.countries)),
        ("identifier", bool(query.identifiers), bool(facts.identifiers)),
    ):
        why = "not given" if not given else "not listed" if not listed else "differs"
        out.append(f"{label} {why}")
    return out


__all__ = ["entity_features", "missing_corroboration"]
