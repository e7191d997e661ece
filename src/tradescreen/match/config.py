"""Scoring parameters: one frozen, picklable object (a Spark worker receives it unchanged).

Every tunable of the matcher (``match/``) and of candidate generation (``index/``) is a field
here, declared with :func:`var` and a one-line description (nomenklatura's ``ConfigVar`` is the
model: name, type, default, description); :func:`config_vars` lists them and
:func:`markdown_table` renders the table in ``docs/matching.md`` (a test keeps the two equal, and
another fails on a float literal left in ``match/`` or ``index/``). The default threshold was
chosen on the benchmarks (bench/README.md, docs/matching.md); ``Settings.threshold`` defaults to
:data:`DEFAULT_THRESHOLD`, defined here only.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

DEFAULT_THRESHOLD = 0.75


def var(default: Any, description: str) -> Any:
    """A config field: its default and the one line that says what it tunes."""
    return field(default=default, metadata={"description": description})


@dataclass(frozen=True, slots=True)
class MatchConfig:
    threshold: float = var(DEFAULT_THRESHOLD, "Hit threshold: a name scoring below it is no hit.")
    # cost of an unmatched token, relative to the weight it would have carried if aligned
    query_unmatched: float = var(
        1.6, "Cost factor of a query word the candidate lacks (a distinctive one costs more)."
    )
    candidate_unmatched: float = var(
        0.7, "Cost factor of a listed word the query lacks (less than a missing query word)."
    )
    person_query_unmatched: float = var(
        1.0, "Persons: cost factor of an unmatched query word (middle names come and go)."
    )
    person_candidate_unmatched: float = var(
        0.5, "Persons: cost factor of an unmatched listed word (patronymics come and go)."
    )
    place_unmatched: float = var(
        0.35, "Extra cost factor of an unmatched place word ('Zhejiang', 'Hangzhou')."
    )
    # token similarities
    fuzzy_scale: float = var(1.2, "Fuzzy token similarity: 1 - fuzzy_scale * distance / length.")
    legal_variant: float = var(
        0.9, "Similarity of two different legal forms ('llc' / 'corporation')."
    )
    initial: float = var(0.6, "Similarity of an initial and a word it starts ('j' ~ 'john').")
    phonetic: float = var(
        0.75, "Similarity of two words with the same consonant skeleton ('mhmd' ~ 'mohamed')."
    )
    joined: float = var(0.95, "Similarity of two adjacent words and their joined form.")
    abjad: float = var(
        0.85, "Similarity of the same consonants when one side is in Arabic or Hebrew script."
    )
    min_token_sim: float = var(0.5, "Token similarity below this counts as no match at all.")
    aligned_min: float = var(
        0.75, "An aligned pair counts as distinctive or generic evidence only at this similarity."
    )
    # whole-name features
    distinctive_weight: float = var(0.45, "A token at least this heavy is 'distinctive'.")
    distinctive_total: float = var(
        1.2, "Aligned generic words weighing this much together count as distinctive evidence."
    )
    no_distinctive: float = var(0.6, "Score factor when no distinctive evidence aligned...")
    whole_name_similarity: float = var(
        0.85, "...unless the whole name met word for word, each word aligned at least this well."
    )
    number_mismatch: float = var(0.5, "Score factor when both names carry different numbers.")
    conflict: float = var(
        0.85, "Score factor when both sides keep an unmatched distinctive word (a substitution)."
    )
    approximate_only: float = var(
        0.85, "Score factor when a query's only name word matched only by sound (phonetic...)."
    )
    surname_conflict: float = var(
        0.7, "Persons: score factor when both names keep an unmatched surname ('Wang' / 'Wong')."
    )
    squashed_min: float = var(
        0.88, "Whole-name similarity without spaces ('SiemensAG') needed to lift the score."
    )
    squashed_penalty: float = var(
        0.05, "Subtracted from that squashed similarity when it replaces the score."
    )
    native_script: bool = var(
        True, "Same non-Latin script on both sides: compare the characters as well."
    )
    country_mismatch: float = var(0.92, "Score factor when the query's country is not listed.")
    kind_mismatch: float = var(0.8, "Score factor when the query's kind (person, ...) differs.")
    weak_alias: float = var(0.85, "Score factor for a weak alias (a list's 'weak a.k.a.').")
    one_word_person: float = var(
        0.85, "Score factor for a person's one-word name met by a fuller query name."
    )
    dob_mismatch: float = var(0.75, "Score factor when the birth years differ by more than one.")
    dob_match_boost: float = var(0.2, "Birth year agrees: score += dob_match_boost * (1 - score).")
    identifier_match: float = var(0.98, "Score at least this on an exact identifier match.")
    common_word_weight: float = var(
        0.75, "Persons: every aligned word lighter than this (common in the lists)..."
    )
    common_name_total: float = var(
        1.4, "...and together lighter than this: a common full name ('David Wang')..."
    )
    uncorroborated_common: float = var(
        0.8, "...whose score is multiplied by this unless birth year, country or an id agrees."
    )
    # candidate generation (index/build.py)
    max_candidates: int = var(20, "Candidate names scored per query name, best first.")
    candidate_floor: float = var(
        0.5, "Share of the query's weight a candidate must already match to be scored."
    )
    max_posting: int = var(3000, "Tokens listed in more names only confirm, never propose.")
    candidate_one_edit: float = var(
        0.8, "Candidate generation: credit of a listed token one edit away from a query token."
    )
    candidate_skeleton: float = var(
        0.7, "Candidate generation: credit of a listed token with the same consonant skeleton."
    )
    candidate_joined_token: float = var(
        0.9, "Candidate generation: credit of a query token found as two joined listed tokens."
    )
    candidate_joined_pair: float = var(
        0.95, "Candidate generation: credit of two adjacent query tokens found joined in a name."
    )


@dataclass(frozen=True, slots=True)
class ConfigVar:
    """One tunable: its name, type, default and the line that describes it."""

    name: str
    type: str
    default: Any
    description: str


def config_vars() -> list[ConfigVar]:
    """Every field of :class:`MatchConfig`, in declaration order."""
    out: list[ConfigVar] = []
    for f in fields(MatchConfig):
        default = None if f.default is MISSING else f.default
        out.append(ConfigVar(f.name, str(f.type), default, f.metadata.get("description", "")))
    return out


def markdown_table() -> str:
    """The table of tunables in ``docs/matching.md`` (kept equal to it by a test)."""
    rows = ["| name | type | default | description |", "|---|---|---|---|"]
    rows += [f"| `{v.name}` | {v.type} | {v.default} | {v.description} |" for v in config_vars()]
    return "\n".join(rows)


__all__ = ["DEFAULT_THRESHOLD", "ConfigVar", "MatchConfig", "config_vars", "markdown_table", "var"]
