"""The explanation of one comparison while ``compare`` builds it (frozen into an
:class:`~tradescreen.match.explanation.Explanation`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tradescreen.match.explanation import (
    Explanation,
    Feature,
    MatchedOn,
    Penalty,
    PenaltyReason,
    TokenPair,
    Word,
)


@dataclass(slots=True)
class Draft:
    """The explanation while it is being built (frozen into an :class:`Explanation`)."""

    query_text: str = ""
    candidate_text: str = ""
    aligned: list[TokenPair] = field(default_factory=list)
    query_only: list[Word] = field(default_factory=list)
    candidate_only: list[Word] = field(default_factory=list)
    penalties: list[Penalty] = field(default_factory=list)
    features: list[Feature] = field(default_factory=list)
    name_score: float = 0.0
    matched_on: MatchedOn = MatchedOn.NAME
    squashed: float | None = None
    note: str = ""
    common: bool = False  # a person's common full name (``persons.common_name``)

    def penalty(self, reason: PenaltyReason, factor: float, detail: str = "") -> None:
        self.penalties.append(Penalty(reason, round(factor, 3), detail))

    def freeze(self, score: float) -> Explanation:
        return Explanation(
            score=round(score, 4),
            query_text=self.query_text,
            candidate_text=self.candidate_text,
            aligned=tuple(self.aligned),
            query_only=tuple(self.query_only),
            candidate_only=tuple(self.candidate_only),
            penalties=tuple(self.penalties),
            features=tuple(self.features),
            name_score=round(self.name_score, 4),
            matched_on=self.matched_on,
            squashed=self.squashed,
            note=self.note,
        )


__all__ = ["Draft"]
