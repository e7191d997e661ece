"""The domain model: what a list says about a party, and what a load of a list is.

Everything here is a frozen dataclass with slots: cheap to build by the million, hashable,
picklable (so a Spark worker receives it unchanged), and free of any import from the rest of the
package. Serialisation to and from plain JSON-able dicts lives here too (``to_dict`` /
``entity_from_dict``), so the store, the API and the FollowTheMoney bridge share one shape.

Conventions (see docs/architecture.md):
- dates are ``datetime.date``; partial dates of birth stay strings ("1973", "1973-03");
- countries are ISO 3166-1 alpha-2, upper case;
- list codes are short stable strings (``us_bis_el``, ``us_ofac_sdn``) with the source's own
  full name kept beside them in ``Listing.list_name``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any


class EntityKind(StrEnum):
    ORGANIZATION = "organization"
    PERSON = "person"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    ADDRESS = "address"  # Entity List entries that name only an address (Hong Kong, Turkey)
    UNKNOWN = "unknown"


class NameKind(StrEnum):
    PRIMARY = "primary"
    AKA = "aka"  # "also known as": strong alias
    WEAK_AKA = "weak_aka"  # OFAC "weak a.k.a.": low-quality alias, never alone a strong hit
    FKA = "fka"  # "formerly known as"
    NATIVE = "native"  # the name in its own script (Chinese, Cyrillic, Arabic...)


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    lang: str | None = None  # ISO 639 code where the source says (e.g. "zh", "ru")


@dataclass(frozen=True, slots=True)
class Address:
    full: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2

    def text(self) -> str:
        if self.full:
            return self.full
        parts = [self.street, self.city, self.region, self.postal_code, self.country]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: str  # e.g. "IMO", "ISIN", "Passport", "Registration Number", "SWIFT/BIC"
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """A Federal Register citation such as ``84 FR 54002, 10/9/19``."""

    volume: int
    page: int
    date: date | None = None

    def __str__(self) -> str:
        base = f"{self.volume} FR {self.page}"
        return f"{base} ({self.date.isoformat()})" if self.date else base


@dataclass(frozen=True, slots=True)
class Listing:
    """One entry of one list about one party."""

    list_code: str  # short stable code: us_bis_el, us_ofac_sdn, un_sc ...
    list_name: str  # the official name as the source spells it
    programs: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    start_date: date | None = None  # when the listing took effect
    published_date: date | None = None  # when it was published (may follow start_date)
    end_date: date | None = None
    start_date_source: str | None = None  # "source", "citation" (earliest FR cite) or None
    license_requirement: str | None = None
    license_policy: str | None = None
    remarks: str | None = None
    source_url: str | None = None
    source_id: str | None = None  # the source's own id for the entry (OFAC ent_num, CSL _id)
    standard_order: str | None = None  # the DPL's "standard order" flag, as the CSL gives it
    information_url: str | None = None  # the CSL's source_information_url where it differs

    def in_force(self, as_of: date) -> bool | None:
        """True/False when the dates say; None when the start date is unknown."""
        if self.end_date is not None and as_of > self.end_date:
            return False
        if self.start_date is None:
            return None
        return self.start_date <= as_of


@dataclass(frozen=True, slots=True)
class VesselInfo:
    """What OFAC and the CSL say about a listed vessel beyond its names and identifiers, as they
    write it (the flag's ISO code is also among the entity's countries)."""

    type: str | None = None
    tonnage: str | None = None
    gross_registered_tonnage: str | None = None
    flag: str | None = None
    owner: str | None = None

    def __bool__(self) -> bool:
        return any((self.type, self.tonnage, self.gross_registered_tonnage, self.flag, self.owner))


@dataclass(frozen=True, slots=True)
class Entity:
    """A listed party. ``id`` is stable across versions of the same list."""

    id: str
    kind: EntityKind
    names: tuple[Name, ...]
    listings: tuple[Listing, ...] = ()
    addresses: tuple[Address, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    birth_dates: tuple[str, ...] = ()  # ISO dates, possibly partial ("1973", "1973-03")
    birth_places: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO alpha-2
    countries: tuple[str, ...] = ()  # ISO alpha-2: every country the entry names
    title: str | None = None
    remarks: str | None = None
    vessel: VesselInfo | None = None  # vessels only, where the list says more than names

    @property
    def name(self) -> str:
        for n in self.names:
            if n.kind is NameKind.PRIMARY:
                return n.value
        return self.names[0].value if self.names else ""

    def content_hash(self) -> str:
        """A digest of everything the entry says; changes when the list entry changes, not
        when a list merely reorders its aliases, addresses or identifiers."""
        return hash_entity_dict(to_dict(self))


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One load of one list: kept forever, activated atomically."""

    id: int
    list_code: str
    list_name: str
    source: str  # URL or path it came from
    format: str  # reader name: csl_csv, ofac_csv, un_xml, ...
    sha256: str  # of the input file(s)
    retrieved_at: datetime  # when the file was obtained / loaded ("known at")
    record_count: int
    status: str = "active"  # active | superseded | quarantined
    data_date: date | None = None  # the date the source says its data is as of
    warnings: tuple[str, ...] = ()
    # The publication it came from (``csl``, ``ecfr``, ``ofac`` ...: ``origins.FORMAT_ORIGIN``,
    # filled by the store from ``format``). Each (list code, origin) has its own version in force.
    origin: str = ""

    @property
    def stream(self) -> str:
        """``list_code/origin`` (``us_bis_el/csl``): the key of the versions one load replaces
        and is checked against."""
        return f"{self.list_code}/{self.origin}" if self.origin else self.list_code

    @property
    def current_since(self) -> datetime:
        """Since when the data of this version is known to be current: the start (UTC) of the
        source's own date (``data_date``) where it gives one, else when it was loaded (a
        three-year-old file loaded today is three years old, not fresh)."""
        loaded = (
            self.retrieved_at if self.retrieved_at.tzinfo else self.retrieved_at.replace(tzinfo=UTC)
        )
        if self.data_date is None:
            return loaded
        return min(loaded, datetime.combine(self.data_date, time(0), tzinfo=UTC))

    def age(self, now: datetime) -> timedelta:
        """How old this version's data is at ``now`` (timezone-aware): since its own date
        where the source gives one, else since it was loaded (:attr:`current_since`)."""
        return now - self.current_since

    def is_stale(self, now: datetime, stale_after_days: int) -> bool:
        """The one staleness rule (screening, ``/readyz``, ``tradescreen lists``, the web UI):
        data older than ``stale_after_days`` days at ``now`` (see :meth:`age`)."""
        return self.age(now) > timedelta(days=stale_after_days)


@dataclass(frozen=True, slots=True)
class Query:
    """What a user screens. Only ``name`` is required."""

    name: str
    kind: EntityKind | None = None
    country: str | None = None
    birth_date: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    address: str | None = None


# What a name to screen may be, in every channel (CLI, API, web UI, batch, monitoring).
MIN_NAME_CHARS = 2
MAX_NAME_CHARS = 500  # longer "names" are not names (pasted documents, binary junk)


_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")


def has_surrogates(value: str) -> bool:
    """Bytes a decoder could not read, kept as lone surrogates (``errors="surrogateescape"``).
    A regular expression: the batch reader asks this of every field of every row."""
    return _ESCAPED_BYTES.search(value) is not None


def name_problem(value: Any) -> str | None:
    """Why ``value`` cannot be screened as a name, or None when it can."""
    if value is None:
        return "empty name"
    if not isinstance(value, str):
        value = str(value)
    stripped = value.strip()
    if not stripped:
        return "empty name"
    if any(unicodedata.category(ch) == "Cc" for ch in stripped):
        return "control characters in name"
    if has_surrogates(stripped) or "\ufffd" in stripped:
        return "undecodable bytes in name"
    if len(stripped) < MIN_NAME_CHARS:
        return f"name too short ({len(stripped)} character)"
    if len(stripped) > MAX_NAME_CHARS:
        return f"name too long ({len(stripped)} characters, limit {MAX_NAME_CHARS})"
    if not any(ch.isalnum() for ch in stripped):
        return "name has no letters or digits"
    return None


def parse_query(
    name: str,
    *,
    country: str | None = None,
    kind: str | None = None,
    field: str = "name",
) -> Query:
    """A :class:`Query` from what a user typed, validated the same way in every channel:
    the name by :func:`name_problem`, the country by :func:`tradescreen.countries.parse_country`
    ("China" -> CN), the kind against :class:`EntityKind`. InvalidInput names the field."""
    from tradescreen.countries import parse_country
    from tradescreen.errors import InvalidInput

    problem = name_problem(name)
    if problem is not None:  # "name too short (1 character)" already names the field
        raise InvalidInput(problem if problem.startswith(field) else f"{field}: {problem}")
    entity_kind: EntityKind | None = None
    if kind:
        try:
            entity_kind = EntityKind(kind.strip().lower())
        except ValueError:
            allowed = ", ".join(k.value for k in EntityKind if k is not EntityKind.UNKNOWN)
            raise InvalidInput(f"kind: {kind!r} is not one of {allowed}") from None
    return Query(name=name.strip(), country=parse_country(country), kind=entity_kind)


# Entity fields whose order carries no meaning: hashed as sorted multisets.
_UNORDERED = (
    "names",
    "addresses",
    "identifiers",
    "birth_dates",
    "birth_places",
    "nationalities",
    "countries",
    "listings",
)


def hash_entity_dict(data: Mapping[str, Any]) -> str:
    """The content hash of an entity given as its plain dict (``to_dict``): SHA-256 of its
    canonical JSON, keys sorted and the order-free fields sorted. The store hashes with this
    too, so both always agree."""
    import orjson

    def key(item: Any) -> bytes:
        return orjson.dumps(item, option=orjson.OPT_SORT_KEYS)

    canon = dict(data)
    for name in _UNORDERED:
        values = canon.get(name)
        if values is not None and len(values) > 1:
            canon[name] = sorted(values, key=key)
    return hashlib.sha256(key(canon)).hexdigest()


# ---------------------------------------------------------------------------
# Plain-dict round trip (store, API, Spark, FollowTheMoney bridge share it)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) not in (None, ())
        }
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def to_dict(obj: Any) -> dict[str, Any]:
    """A JSON-able dict of a model object; empty fields are left out."""
    out = _plain(obj)
    assert isinstance(out, dict)
    return out


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def citation_from_dict(d: Mapping[str, Any]) -> Citation:
    return Citation(volume=int(d["volume"]), page=int(d["page"]), date=_d(d.get("date")))


def listing_from_dict(d: Mapping[str, Any]) -> Listing:
    return Listing(
        list_code=d["list_code"],
        list_name=d["list_name"],
        programs=tuple(d.get("programs", ())),
        citations=tuple(citation_from_dict(c) for c in d.get("citations", ())),
        start_date=_d(d.get("start_date")),
        published_date=_d(d.get("published_date")),
        end_date=_d(d.get("end_date")),
        start_date_source=d.get("start_date_source"),
        license_requirement=d.get("license_requirement"),
        license_policy=d.get("license_policy"),
        remarks=d.get("remarks"),
        source_url=d.get("source_url"),
        source_id=d.get("source_id"),
        standard_order=d.get("standard_order"),
        information_url=d.get("information_url"),
    )


def entity_from_dict(d: Mapping[str, Any]) -> Entity:
    return Entity(
        id=d["id"],
        kind=EntityKind(d.get("kind", "unknown")),
        names=tuple(
            Name(n["value"], NameKind(n.get("kind", "primary")), n.get("lang"))
            for n in d.get("names", ())
        ),
        listings=tuple(listing_from_dict(x) for x in d.get("listings", ())),
        addresses=tuple(Address(**a) for a in d.get("addresses", ())),
        identifiers=tuple(Identifier(**i) for i in d.get("identifiers", ())),
        birth_dates=tuple(d.get("birth_dates", ())),
        birth_places=tuple(d.get("birth_places", ())),
        nationalities=tuple(d.get("nationalities", ())),
        countries=tuple(d.get("countries", ())),
        title=d.get("title"),
        remarks=d.get("remarks"),
        vessel=VesselInfo(**d["vessel"]) if d.get("vessel") else None,
    )


# ---------------------------------------------------------------------------
# FollowTheMoney entity ids

_FTM_INVALID = re.compile(r"[^0-9A-Za-z.-]+")


def ftm_id(entity_id: str) -> str:
    """The FollowTheMoney id of an entity (or of a sub-entity id built on it).

    FtM admits ``^[0-9a-zA-Z]([0-9a-zA-Z.-]*[0-9a-zA-Z])?$``; tradescreen's ids read
    ``<list code>:<source key>`` (``us_ofac_sdn:20157``). Every run of other characters becomes
    one ``-`` and the ends are trimmed: ``us_ofac_sdn:20157`` → ``us-ofac-sdn-20157``. Stable
    (a function of the id alone, itself stable across versions of a list)."""
    out = _FTM_INVALID.sub("-", entity_id).strip("-.")
    return out or "x"


__all__ = [
    "Address",
    "Citation",
    "Entity",
    "EntityKind",
    "Identifier",
    "ListVersion",
    "Listing",
    "Name",
    "NameKind",
    "Query",
    "VesselInfo",
    "citation_from_dict",
    "entity_from_dict",
    "ftm_id",
    "hash_entity_dict",
    "listing_from_dict",
    "to_dict",
]
