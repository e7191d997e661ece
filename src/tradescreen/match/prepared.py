"""Names and queries prepared once for scoring: canonical tokens, tags, weights, skeletons."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tradescreen.model import Entity, EntityKind, NameKind, Query
from tradescreen.names.normalize import Tag, tag_of, tokenize
from tradescreen.names.tokens import TokenWeights

_VOWELS = re.compile(r"[aeiouy]+")
_DOUBLE = re.compile(r"(.)\1+")


def skeleton(token: str) -> str:
    """Consonant skeleton ("mohamed", "muhammad", "mhmd" → "mhmd"); "" for short tokens."""
    if len(token) < 3 or token.isdigit():
        return ""
    sk = _DOUBLE.sub(r"\1", token[0] + _VOWELS.sub("", token[1:]))
    sk = sk.replace("kh", "h").replace("ph", "f").replace("ck", "k").replace("ks", "x")
    sk = sk.replace("w", "v")
    return sk if len(sk) >= 3 else ""


def norm_identifier(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


@dataclass(frozen=True, slots=True)
class EntityFacts:
    """What the scorer needs of an entity besides its names (shared by all its names)."""

    pos: int  # position of the entity in its index
    entity_id: str
    kind: EntityKind
    countries: frozenset[str] = frozenset()
    birth_years: frozenset[int] = frozenset()
    identifiers: frozenset[str] = frozenset()  # normalised values

    @classmethod
    def of(cls, entity: Entity, pos: int = 0) -> EntityFacts:
        years: set[int] = set()
        for d in entity.birth_dates:
            if len(d) >= 4 and d[:4].isdigit():
                years.add(int(d[:4]))
        ids = {norm_identifier(i.value) for i in entity.identifiers}
        return cls(
            pos=pos,
            entity_id=entity.id,
            kind=entity.kind,
            countries=frozenset(entity.countries) | frozenset(entity.nationalities),
            birth_years=frozenset(years),
            identifiers=frozenset(i for i in ids if len(i) >= 4),
        )


@dataclass(frozen=True, slots=True)
class PreparedName:
    text: str
    kind: NameKind
    tokens: tuple[str, ...]
    tags: tuple[int, ...]  # Tag values
    weights: tuple[float, ...]
    skeletons: tuple[str, ...]
    non_latin: bool
    facts: EntityFacts | None = None


def prepare_name(
    text: str,
    weights: TokenWeights | None = None,
    *,
    kind: NameKind = NameKind.PRIMARY,
    facts: EntityFacts | None = None,
    person: bool = False,
) -> PreparedName:
    w = weights or TokenWeights()
    # a repeated word stays ("Li Li" is not "Li"); a person's words are never legal forms
    person = person or (facts is not None and facts.kind is EntityKind.PERSON)
    toks = tokenize(text, person)
    tags = tuple(int(tag_of(t, person)) for t in toks)
    return PreparedName(
        text=text,
        kind=kind,
        tokens=toks,
        tags=tags,
        weights=tuple(w.weight(t, Tag(g)) for t, g in zip(toks, tags, strict=True)),
        skeletons=tuple(skeleton(t) for t in toks),
        non_latin=not text.isascii(),
        facts=facts,
    )


def prepare_entity(entity: Entity, weights: TokenWeights | None = None) -> list[PreparedName]:
    facts = EntityFacts.of(entity)
    return [prepare_name(n.value, weights, kind=n.kind, facts=facts) for n in entity.names]


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    query: Query
    name: PreparedName
    birth_year: int | None
    identifiers: frozenset[str]
    address: PreparedName | None = None


def prepare_query(query: Query, weights: TokenWeights | None = None) -> PreparedQuery:
    year = None
    if query.birth_date and query.birth_date[:4].isdigit():
        year = int(query.birth_date[:4])
    ids = frozenset(norm_identifier(i.value) for i in query.identifiers)
    address = prepare_name(query.address, weights) if query.address else None
    return PreparedQuery(
        query=query,
        name=prepare_name(query.name, weights, person=query.kind is EntityKind.PERSON),
        birth_year=year,
        identifiers=frozenset(i for i in ids if len(i) >= 4),
        address=address,
    )
