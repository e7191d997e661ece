"""A yente query-by-example (``EntityExample``) parsed as yente parses it, into screening queries.

yente (``yente/data/entity.py: Entity.from_example``) builds a FollowTheMoney entity from the
example: unknown schemas and non-matchable ones are refused (400), unknown properties are
ignored, every value is cleaned by its property's type with ``fuzzy=True`` ("Egypt" → ``eg``,
dates normalised, non-string scalars taken as text), and when no name-typed value is given the
name parts (``firstName``, ``lastName``...) are combined into names (an example with only a
``weakAlias``, which FtM does not match on, screens that). The same happens here,
with the followthemoney package, and the result becomes :class:`~tradescreen.model.Query`
objects: one per (name, country) pair, carrying the first birth date, the first address and
every identifier-typed value (``registrationNumber``, ``imoNumber``, ``leiCode``...).

An identifier-only example (no name) screens each identifier value as its name: the identifier
index finds the entity and an exact identifier scores ``MatchConfig.identifier_match``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Any

from tradescreen.api.errors import BadRequest
from tradescreen.model import EntityKind, Identifier, Query

MAX_QUERIES = 100  # (name, country) pairs one example may expand to
NOT_IDENTIFIERS = frozenset({"programId"})  # identifier-typed, but the list's, not the party's


class BadExample(BadRequest):
    """yente answers 400 for an example it cannot parse; so does tradescreen."""


@dataclass(frozen=True, slots=True)
class ParsedExample:
    schema: str
    kind: EntityKind | None
    names: tuple[str, ...]
    countries: tuple[str, ...]  # ISO alpha-2, lower case as FtM writes them
    birth_dates: tuple[str, ...]
    addresses: tuple[str, ...]
    identifiers: tuple[Identifier, ...]
    properties: dict[str, list[str]]  # the cleaned example, as yente echoes it

    def queries(self) -> list[Query]:
        """One screening query per (name, country) pair."""
        names = self.names or tuple(i.value for i in self.identifiers)
        countries: tuple[str | None, ...] = tuple(c.upper() for c in self.countries) or (None,)
        pairs = list(product(dict.fromkeys(names), countries))
        if len(pairs) > MAX_QUERIES:
            raise BadExample(
                f"Cannot parse example entity: {len(names)} names × {len(countries)} countries "
                f"is more than {MAX_QUERIES} screenings"
            )
        birth = self.birth_dates[0] if self.birth_dates else None
        address = self.addresses[0] if self.addresses else None
        return [
            Query(
                name=name[:500],
                kind=self.kind,
                country=country,
                birth_date=birth,
                identifiers=self.identifiers,
                address=address,
            )
            for name, country in pairs
        ]


@lru_cache(maxsize=1)
def _ftm() -> Any:
    import followthemoney

    return followthemoney


def _kind(schema: Any) -> EntityKind | None:
    for name, kind in (
        ("Person", EntityKind.PERSON),
        ("Vessel", EntityKind.VESSEL),
        ("Airplane", EntityKind.AIRCRAFT),
        ("Organization", EntityKind.ORGANIZATION),
        ("Address", EntityKind.ADDRESS),
    ):
        if schema.is_a(name):
            return kind
    return None


def _flat(values: Any) -> list[str]:
    """Values as yente's ``extract_values`` takes them: scalars as text, lists flattened,
    ``None``, booleans and objects skipped."""
    if values is None or isinstance(values, bool | dict):
        return []
    if isinstance(values, str):
        return [values]
    if isinstance(values, int | float):
        return [str(values)]
    if isinstance(values, list | tuple):
        return [v for item in values for v in _flat(item)]
    return []


def _ordered(values: Any, given: list[str]) -> list[str]:
    """FtM keeps a property's values unordered: give them back in the order the client sent
    them (values cleaning changed come after, sorted), so parsing is deterministic."""
    pool = set(values)
    out = [g for g in dict.fromkeys(v.strip() for v in given) if g in pool]
    return out + sorted(pool - set(out))


def _identifier_forms(prop: str, cleaned: str, given: list[str]) -> list[str]:
    """The cleaned value, plus the forms lists also print: FtM writes ``IMO9187629`` where
    OFAC writes ``IMO 9187629`` and the CSL ``9187629``."""
    forms = [cleaned, *(g.strip() for g in given if g.strip())]
    if prop == "imoNumber":
        forms += [f[3:].strip() for f in forms if f.upper().startswith("IMO")]
    return list(dict.fromkeys(forms))


def schema_of(name: str) -> Any:
    """The FtM schema for a query, refused (400) as yente refuses it."""
    schema = _ftm().model.get(name)
    if schema is None:
        raise BadExample(f"Cannot parse example entity: Unknown schema: {name!r}")
    if schema.name != "Thing" and not schema.matchable:
        raise BadExample(f"Cannot parse example entity: Non-matchable schema: {schema.name}")
    return schema


def parse_example(schema_name: str, properties: dict[str, Any]) -> ParsedExample:
    """Parse one example; 400 when it has no name or identifier to screen."""
    ftm = _ftm()
    registry = ftm.types.registry
    schema = schema_of(schema_name)
    proxy = ftm.model.make_entity(schema)
    for prop_name, values in properties.items():
        prop = schema.get(prop_name)
        if prop is None:  # yente logs and ignores unknown properties
            continue
        for value in _flat(values):
            proxy.unsafe_add(prop, value, cleaned=False, fuzzy=True)
    if not proxy.get_type_values(registry.name, matchable=True):
        from followthemoney.helpers import combine_names

        combine_names(proxy)
    raw = {p: _flat(v) for p, v in properties.items()}
    given = [v for vs in raw.values() for v in vs]
    names = _ordered(proxy.get_type_values(registry.name, matchable=True), given)
    if not names:  # only weak aliases: screen them rather than nothing
        names = _ordered(proxy.get_type_values(registry.name), given)
    if schema.is_a("Address"):
        names += [v for v in _ordered(proxy.get("full", quiet=True), given) if v not in names]
    identifiers = tuple(
        dict.fromkeys(
            Identifier(kind=prop.name, value=form)
            for prop, value in sorted(proxy.itervalues(), key=lambda pv: (pv[0].name, pv[1]))
            if prop.type == registry.identifier and prop.name not in NOT_IDENTIFIERS
            for form in _identifier_forms(prop.name, value, raw.get(prop.name, []))
        )
    )
    if not names and not identifiers:
        raise BadExample(
            "Cannot parse example entity: no name-typed, name-part or identifier value"
        )
    return ParsedExample(
        schema=schema.name,
        kind=_kind(schema),
        names=tuple(names),
        countries=tuple(_ordered(proxy.get_type_values(registry.country), given)),
        birth_dates=tuple(_ordered(proxy.get("birthDate", quiet=True), given)),
        addresses=tuple(_ordered(proxy.get_type_values(registry.address), given)),
        identifiers=identifiers,
        properties={p: _ordered(vs, raw.get(p, [])) for p, vs in proxy.properties.items()},
    )


__all__ = ["MAX_QUERIES", "BadExample", "ParsedExample", "parse_example", "schema_of"]
