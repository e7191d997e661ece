"""A ``PartyScreener`` over a fixed set of entities: for tests, examples and offline checks.

Matching is deliberately simple and predictable: a normalised name equal to one of the entity's
names scores 1.0; a name whose words all appear in (or contain all words of) an entity name
scores 0.75 (a *possible* match, below the decision's certainty). Listings are filtered to those
in force on the date, as the real screener does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime

from tradescreen.decide.ownership import party_key
from tradescreen.match.explanation import Explanation
from tradescreen.model import Entity, ListVersion, Query
from tradescreen.results import Hit, ScreenResult
from tradescreen.screening.matcher import listings_in_force

POSSIBLE_SCORE = 0.75


def _versions(entities: Sequence[Entity]) -> tuple[ListVersion, ...]:
    """One synthetic version per list code, its hash over the entries' content hashes."""
    by_code: dict[str, list[Entity]] = {}
    for ent in entities:
        for code in dict.fromkeys(x.list_code for x in ent.listings):
            by_code.setdefault(code, []).append(ent)
    out = []
    for i, (code, ents) in enumerate(sorted(by_code.items()), start=1):
        digest = hashlib.sha256("".join(sorted(e.content_hash() for e in ents)).encode())
        out.append(
            ListVersion(
                id=i,
                list_code=code,
                list_name=ents[0].listings[0].list_name,
                source="static",
                format="static",
                sha256=digest.hexdigest(),
                retrieved_at=datetime(1970, 1, 1, tzinfo=UTC),
                record_count=len(ents),
            )
        )
    return tuple(out)


class StaticScreener:
    def __init__(
        self, entities: Sequence[Entity], versions: Sequence[ListVersion] | None = None
    ) -> None:
        self.entities = tuple(entities)
        self.versions = tuple(versions) if versions is not None else _versions(self.entities)
        self._by_code = {v.list_code: v.id for v in self.versions}

    def _score(self, query: str, entity: Entity) -> tuple[float, str]:
        q = party_key(query)
        qt = set(q.split())
        best = (0.0, "")
        for n in entity.names:
            k = party_key(n.value)
            if k == q:
                return 1.0, n.value
            nt = set(k.split())
            if len(qt) >= 2 and len(nt) >= 2 and (qt <= nt or nt <= qt):
                best = max(best, (POSSIBLE_SCORE, n.value))
        return best

    def __call__(self, query: Query, as_of: date) -> ScreenResult:
        hits = []
        for ent in self.entities:
            score, matched = self._score(query.name, ent)
            if score <= 0:
                continue
            listings, warnings = listings_in_force(ent, as_of)  # the real screener's rule
            if not listings:
                continue
            vid = self._by_code.get(listings[0].list_code)
            expl = Explanation.of_note("static rule: the same words as a listed name", score)
            hits.append(Hit(ent, matched, score, expl, listings, vid, warnings))
        hits.sort(key=lambda h: (-h.score, h.entity.id))
        return ScreenResult(query, as_of, self.versions, tuple(hits))


__all__ = ["POSSIBLE_SCORE", "StaticScreener"]
