"""Scoring parameters: one frozen, picklable object (a Spark worker receives it unchanged).

The default threshold was chosen on the benchmarks (bench/README.md, docs/matching.md).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.75


@dataclass(frozen=True, slots=True)
class MatchConfig:
    threshold: float = DEFAULT_THRESHOLD
    # cost of an unmatched token, relative to the weight it would have carried if aligned
    query_unmatched: float = 1.6  # a distinctive query word the candidate lacks costs more...
    candidate_unmatched: float = 0.7  # ...than a list word the query lacks
    person_query_unmatched: float = 1.0  # persons: middle names and patronymics come and go
    person_candidate_unmatched: float = 0.5
    place_unmatched: float = 0.35  # extra factor for unmatched places ("Zhejiang", "Hangzhou")
    # token similarities
    fuzzy_scale: float = 1.2  # sim = 1 - fuzzy_scale * distance / length
    legal_variant: float = 0.9  # two different legal forms ("llc" / "corporation")
    initial: float = 0.6  # "j" ~ "john"
    phonetic: float = 0.75  # same consonant skeleton ("mhmd" ~ "mohamed")
    joined: float = 0.95  # "zhong xing" ~ "zhongxing"
    abjad: float = 0.85  # same consonants, one side in Arabic/Hebrew script
    min_token_sim: float = 0.5
    # whole-name features
    distinctive_weight: float = 0.45  # a token at least this heavy is "distinctive"
    distinctive_total: float = 1.2  # ...or several aligned generic words weighing this together
    no_distinctive: float = 0.6  # factor when no distinctive token aligned
    number_mismatch: float = 0.5
    conflict: float = 0.85  # both sides keep an unmatched distinctive word (a substitution)
    squashed_min: float = 0.88  # whole-name similarity without spaces ("SiemensAG")
    native_script: bool = True  # same non-Latin script on both sides: compare the characters
    country_mismatch: float = 0.92
    kind_mismatch: float = 0.8
    weak_alias: float = 0.85
    # a person's one-word name (an alias such as "LUCAS", "JULIA") met by a fuller query name:
    # the query's other words find nothing to agree or disagree with
    one_word_person: float = 0.85
    dob_mismatch: float = 0.75
    dob_match_boost: float = 0.2  # score += boost * (1 - score)
    identifier_match: float = 0.98  # score at least this on an exact identifier match
    # candidate generation
    max_candidates: int = 20
    candidate_floor: float = 0.5  # share of the query's weight a candidate must already match
    max_posting: int = 3000  # tokens listed in more names only confirm, never propose
