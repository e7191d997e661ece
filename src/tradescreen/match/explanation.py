"""The typed explanation of one comparison (what ``compare`` returns beside the score).

Frozen, slotted dataclasses and string enums only: deterministic, hashable, picklable (a Spark
worker returns them unchanged), and free of the matcher's dependencies, so importing them is
cheap. Every renderer (``match/render.py``: JSON, text, HTML view, yente) is a function of these
types; no adapter reads explanation keys itself.

Words are kept twice: ``written`` as the user or the list wrote them ("Co., Ltd."), and
``normalised``, the matcher's canonical tokens ("llc"), shown only as a detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class How(StrEnum):
    """How two words were found to be the same (the JSON ``how`` values)."""

    EXACT = "exact"  # the same canonical word ("Technologies" = "Technology")
    LEGAL_FORM_EQUIVALENT = "legal_form_equivalent"  # one legal form, written differently
    LEGAL_FORM = "legal_form"  # two different legal forms ("LLC" / "Corporation")
    LEGAL_FORM_READING = "legal_form_reading"  # a person's word one side reads as a legal form
    FUZZY = "fuzzy"  # a few edits apart (``distance``)
    PHONETIC = "phonetic"  # same consonant skeleton
    TRANSLITERATION = "transliteration"  # the same word in another script
    INITIAL = "initial"  # "J" ~ "John"
    JOINED = "joined"  # "Zhong Xing" ~ "Zhongxing"
    DOUBLED_LETTER = "doubled_letter"  # "Kimm" ~ "Kim"


class WordRole(StrEnum):
    """What a word is in a name (from the normaliser's tags)."""

    NAME = "name"
    LEGAL_FORM = "legal_form"
    NUMBER = "number"
    STOP = "stop"  # of, the, de...
    PLACE = "place"  # a country, province or city: weak evidence


class PenaltyReason(StrEnum):
    """Why the score was multiplied (or capped); the value is the legacy JSON ``reason``."""

    NATIVE_SCRIPT = "native script differs"
    CONFLICTING_WORDS = "conflicting distinctive words"
    SURNAME_CONFLICT = "surnames differ"
    APPROXIMATE_ONLY = "its one word matched only by sound"
    NUMBER_MISMATCH = "number mismatch"
    NO_DISTINCTIVE = "no distinctive word aligned"
    WEAK_ALIAS = "weak alias"
    ONE_WORD_NAME = "one-word name"
    KIND_MISMATCH = "kind mismatch"
    COUNTRY_MISMATCH = "country mismatch"
    BIRTH_DATE_MISMATCH = "birth date mismatch"
    UNCORROBORATED = "common name, nothing corroborates it"

    @property
    def code(self) -> str:
        """A stable identifier ("country_mismatch")."""
        return self.name.lower()


class FeatureKind(StrEnum):
    """A fact of the entity compared besides its name."""

    COUNTRY = "country"
    BIRTH_DATE = "birth_date"
    IDENTIFIER = "identifier"
    ENTITY_KIND = "kind"


class Agreement(StrEnum):
    AGREE = "agree"
    CONFLICT = "conflict"


class MatchedOn(StrEnum):
    NAME = "name"
    ADDRESS = "address"  # the query's address met an address-only list entry


@dataclass(frozen=True, slots=True)
class Word:
    """One word (or a few written together, such as "Co., Ltd.") of a name."""

    written: str  # as written in the query or the list ("Co., Ltd.", "华为")
    normalised: str  # the canonical token(s) the matcher compared ("llc", "huawei")
    role: WordRole = WordRole.NAME
    at: int = 0  # position of the written word in its name (0 = first)


@dataclass(frozen=True, slots=True)
class TokenPair:
    """A query word aligned with a list word."""

    query: Word
    candidate: Word
    how: How
    similarity: float  # 0..1, rounded to 3 places
    weight: float  # mean weight of the two words, rounded to 3 places
    distance: int | None = None  # edits, for How.FUZZY

    @property
    def written_alike(self) -> bool:
        """The two sides are written the same, up to case and punctuation."""
        return _plain(self.query.written) == _plain(self.candidate.written)


@dataclass(frozen=True, slots=True)
class Penalty:
    """A factor the score was multiplied by (or, for NATIVE_SCRIPT, the cap it was held to)."""

    reason: PenaltyReason
    factor: float
    detail: str = ""  # e.g. the listed kind for KIND_MISMATCH ("organization")


@dataclass(frozen=True, slots=True)
class Feature:
    """An entity fact compared: the query's value, the list's, and whether they agree."""

    kind: FeatureKind
    agreement: Agreement
    query: str = ""  # as the query gave it ("CN", "1975")
    candidate: str = ""  # as the list gives it ("CN, HK")
    factor: float | None = None  # the penalty or floor this fact applied, if any


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a candidate scored what it did."""

    score: float  # the final score, rounded to 4 places
    query_text: str = ""  # the query name (or address) as written
    candidate_text: str = ""  # the listed name (or alias) as written
    aligned: tuple[TokenPair, ...] = ()
    query_only: tuple[Word, ...] = ()  # query words the list name lacks
    candidate_only: tuple[Word, ...] = ()  # list words the query lacks
    penalties: tuple[Penalty, ...] = ()
    features: tuple[Feature, ...] = ()
    name_score: float = 0.0  # the names' similarity before entity features
    matched_on: MatchedOn = MatchedOn.NAME
    squashed: float | None = None  # similarity without spaces, when it decided the score
    note: str = ""  # a sentence when no words were compared ("empty name", a static rule)

    @classmethod
    def of_note(cls, note: str, score: float = 0.0) -> Explanation:
        """An explanation that is only a sentence (hits made by a rule, not by the matcher)."""
        return cls(score=round(score, 4), note=note)

    def feature(self, kind: FeatureKind) -> Feature | None:
        return next((f for f in self.features if f.kind is kind), None)

    @property
    def weak(self) -> tuple[str, ...]:
        """The list name's legal forms, normalised and sorted (the legacy JSON ``weak``)."""
        words = [p.candidate for p in self.aligned] + list(self.candidate_only)
        found: set[str] = set()
        for w in words:
            if w.role is WordRole.LEGAL_FORM:
                found.update(w.normalised.split())
        return tuple(sorted(found))


def _plain(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


__all__ = [
    "Agreement",
    "Explanation",
    "Feature",
    "FeatureKind",
    "How",
    "MatchedOn",
    "Penalty",
    "PenaltyReason",
    "TokenPair",
    "Word",
    "WordRole",
]
