"""The trade.gov Consolidated Screening List search API, answered from the lists in force.

``GET /consolidated_screening_list/v1/search`` and ``/sources`` (api/routes/csl.py) parse
nothing themselves: :func:`parse_search` turns the query parameters into a :class:`CslSearch`
(an unknown parameter or a bad value is :class:`~tradescreen.errors.BadParameter`, 400, one
line), :func:`search` answers it in the API's response shape, :func:`sources` lists the sources.

Sources: the CSL's abbreviations (``EL``, ``DPL``, ``SDN``...) map to this project's list codes
(:data:`SOURCES`); a result's ``source`` is the CSL's own spelling of its list, whatever file the
list was loaded from. Lists the CSL does not carry (UN, EU, UK, DoD...) are not searched here.

Search: ``name`` without ``fuzzy_name`` keeps the entries one of whose names (``name`` or an
``alt_names`` value) holds every word of the query (words compared folded and transliterated);
``fuzzy_name=true`` screens the name with the project's matcher (scores in ``score``, best first).
``address``/``city``/``state``/``postal_code``/``full_address`` keep entries with an address whose
field contains the text (case-insensitive); ``countries`` keeps entries naming one of the
countries; ``types`` their type. A listing whose end date has passed is not returned.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tradescreen.countries import parse_country
from tradescreen.errors import BadParameter, InvalidInput
from tradescreen.model import (
    Entity,
    EntityKind,
    Listing,
    ListVersion,
    NameKind,
    Query,
    VesselInfo,
    name_problem,
)
from tradescreen.names.normalize import tokenize
from tradescreen.store.base import Store


@dataclass(frozen=True, slots=True)
class CslSource:
    abbreviation: str
    source: str  # the CSL's spelling of the list, as its ``source`` field carries it
    list_codes: tuple[str, ...]


SOURCES: tuple[CslSource, ...] = (
    CslSource("CAP", "Capta List (CAP) - Treasury Department", ("us_ofac_caps",)),
    CslSource(
        "CMIC",
        "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
        ("us_ofac_nscmic",),
    ),
    CslSource(
        "DPL", "Denied Persons List (DPL) - Bureau of Industry and Security", ("us_bis_dpl",)
    ),
    CslSource(
        "DTC", "ITAR Debarred (DTC) - State Department", ("us_state_dtc", "us_state_dtc_admin")
    ),
    CslSource("EL", "Entity List (EL) - Bureau of Industry and Security", ("us_bis_el",)),
    CslSource("FSE", "Foreign Sanctions Evaders (FSE) - Treasury Department", ("us_ofac_fse",)),
    CslSource("ISN", "Nonproliferation Sanctions (ISN) - State Department", ("us_state_isn",)),
    CslSource(
        "MBS",
        "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department",
        ("us_ofac_nsmbs",),
    ),
    CslSource(
        "MEU", "Military End User (MEU) List - Bureau of Industry and Security", ("us_bis_meu",)
    ),
    CslSource(
        "PLC", "Palestinian Legislative Council List (PLC) - Treasury Department", ("us_ofac_plc",)
    ),
    CslSource(
        "SDN", "Specially Designated Nationals (SDN) - Treasury Department", ("us_ofac_sdn",)
    ),
    CslSource(
        "SSI",
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
        ("us_ofac_ssi",),
    ),
    CslSource("UVL", "Unverified List (UVL) - Bureau of Industry and Security", ("us_bis_uvl",)),
)
_BY_ABBREV = {s.abbreviation: s for s in SOURCES}
_BY_ABBREV["NS-MBS"] = _BY_ABBREV["MBS"]  # the list's own abbreviation, as its title spells it
ABBREVIATIONS = ", ".join(s.abbreviation for s in SOURCES)
_BY_CODE = {code: s for s in SOURCES for code in s.list_codes}

PARAMS = frozenset(
    {
        "name", "fuzzy_name", "sources", "types", "countries", "address", "city", "state",
        "postal_code", "full_address", "size", "offset",
    }
)  # fmt: skip
AUTH_PARAMS = frozenset({"subscription-key"})  # read by the route's authorisation, not here
TYPES = {
    "individual": "Individual",
    "entity": "Entity",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
}
_KIND_TYPE = {
    EntityKind.PERSON: "Individual",
    EntityKind.ORGANIZATION: "Entity",
    EntityKind.VESSEL: "Vessel",
    EntityKind.AIRCRAFT: "Aircraft",
}
MAX_SIZE = 50
MAX_OFFSET = 10_000
FUZZY_CAP = 500  # candidates screened by a fuzzy name search before the filters
_ADDRESS_FIELDS = ("address", "city", "state", "postal_code", "full_address")


@dataclass(frozen=True, slots=True)
class CslSearch:
    name: str | None = None
    fuzzy_name: bool = False
    sources: tuple[CslSource, ...] = SOURCES
    types: frozenset[str] = frozenset()  # CSL type spellings: Individual, Entity...
    countries: frozenset[str] = frozenset()  # ISO alpha-2
    address: Mapping[str, str] | None = None  # field (address, city...) → text to contain
    size: int = 10
    offset: int = 0

    @property
    def list_codes(self) -> tuple[str, ...]:
        return tuple(c for s in self.sources for c in s.list_codes)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _int(params: Mapping[str, str], key: str, default: int, top: int) -> int:
    raw = params.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{key}: {raw!r} is not a whole number") from None
    if not 0 <= value <= top or (key == "size" and value == 0):
        low = 1 if key == "size" else 0
        raise BadParameter(f"{key}: {value} is out of range ({low} to {top})")
    return value


def parse_search(params: Mapping[str, str]) -> CslSearch:
    """A :class:`CslSearch` from the query parameters (one value each; the last one wins)."""
    unknown = sorted(set(params) - PARAMS - AUTH_PARAMS)
    if unknown:
        raise BadParameter(
            f"unknown parameter(s): {', '.join(unknown)}; accepted: {', '.join(sorted(PARAMS))}"
        )
    name = params.get("name")
    if name is not None and name.strip():
        problem = name_problem(name)
        if problem is not None:
            raise BadParameter(problem if problem.startswith("name") else f"name: {problem}")
        name = name.strip()
    else:
        name = None
    fuzzy_raw = (params.get("fuzzy_name") or "false").strip().lower()
    if fuzzy_raw not in ("true", "false"):
        raise BadParameter(f"fuzzy_name: {params.get('fuzzy_name')!r} is not true or false")
    fuzzy = fuzzy_raw == "true"
    if fuzzy and name is None:
        raise BadParameter("fuzzy_name=true needs a name")
    sources: tuple[CslSource, ...] = SOURCES
    if params.get("sources"):
        picked = []
        for abbrev in _csv(params["sources"]):
            found = _BY_ABBREV.get(abbrev.upper())
            if found is None:
                raise BadParameter(f"sources: unknown source {abbrev!r}; use {ABBREVIATIONS}")
            picked.append(found)
        sources = tuple(dict.fromkeys(picked))
    types = set()
    for typ in _csv(params.get("types") or ""):
        if typ.lower() not in TYPES:
            raise BadParameter(f"types: unknown type {typ!r}; use {', '.join(TYPES.values())}")
        types.add(TYPES[typ.lower()])
    countries = set()
    for raw in _csv(params.get("countries") or ""):
        try:
            code = parse_country(raw, field="countries")
        except InvalidInput as exc:
            raise BadParameter(str(exc)) from None
        if code:
            countries.add(code)
    address = {k: params[k].strip() for k in _ADDRESS_FIELDS if (params.get(k) or "").strip()}
    return CslSearch(
        name=name,
        fuzzy_name=fuzzy,
        sources=sources,
        types=frozenset(types),
        countries=frozenset(countries),
        address=address or None,
        size=_int(params, "size", 10, MAX_SIZE),
        offset=_int(params, "offset", 0, MAX_OFFSET),
    )


# ---------------------------------------------------------------------------
# Entries and their CSL records


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of one CSL list: an entity and its listing on that list."""

    entity: Entity
    listing: Listing
    source: CslSource
    words: tuple[frozenset[str], ...]  # the words of each of its names
    version_id: int | None


def _words(text: str) -> frozenset[str]:
    return frozenset(tokenize(text, person=True))


def entries_of(entity: Entity, version_id: int | None) -> list[Entry]:
    words = tuple(_words(n.value) for n in entity.names)
    return [
        Entry(entity, lst, _BY_CODE[lst.list_code], words, version_id)
        for lst in entity.listings
        if lst.list_code in _BY_CODE
    ]


class CslCatalogue:
    """The CSL entries of the versions in force, read once per set of versions (cached)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._key: tuple[int, ...] | None = None
        self._entries: list[Entry] = []

    def versions(self) -> list[ListVersion]:
        return sorted(
            (v for v in self._store.active_versions() if v.list_code in _BY_CODE),
            key=lambda v: (v.list_code, v.id),
        )

    def entries(self, versions: Sequence[ListVersion]) -> list[Entry]:
        key = tuple(v.id for v in versions)
        with self._lock:
            if key == self._key:
                return self._entries
        out: list[Entry] = []
        for v in versions:
            for entity in self._store.iter_entities([v.id]):
                out += [e for e in entries_of(entity, v.id) if e.listing.list_code == v.list_code]
        with self._lock:
            self._key, self._entries = key, out
        return out


def _address_record(a: Any) -> dict[str, Any]:
    return {
        "address": a.street or a.full,
        "city": a.city,
        "state": a.region,
        "postal_code": a.postal_code,
        "country": a.country,
    }


def entity_number(entry: Entry) -> int | None:
    """OFAC's ent_num, which the CSL gives its Treasury entries (``us_ofac_sdn:20157``)."""
    if not entry.listing.list_code.startswith("us_ofac_"):
        return None
    tail = entry.entity.id.rpartition(":")[2]
    return int(tail) if tail.isdigit() else None


def record(entry: Entry) -> dict[str, Any]:
    """The CSL API's result object for one entry (fields the project does not hold are null)."""
    e, lst = entry.entity, entry.listing
    call_signs = [i.value for i in e.identifiers if i.kind.lower() == "call sign"]
    vessel = e.vessel or VesselInfo()
    return {
        "id": lst.source_id or e.id,
        "source": entry.source.source,
        "entity_number": entity_number(entry),
        "type": _KIND_TYPE.get(e.kind),
        "programs": list(lst.programs),
        "name": e.name,
        "title": e.title,
        "addresses": [_address_record(a) for a in e.addresses],
        "federal_register_notice": "; ".join(f"{c.volume} FR {c.page}" for c in lst.citations)
        or None,
        "start_date": lst.start_date.isoformat() if lst.start_date else None,
        "end_date": lst.end_date.isoformat() if lst.end_date else None,
        "standard_order": lst.standard_order,
        "license_requirement": lst.license_requirement,
        "license_policy": lst.license_policy,
        "call_sign": call_signs[0] if call_signs else None,
        "vessel_type": vessel.type,
        "gross_tonnage": vessel.tonnage,
        "gross_registered_tonnage": vessel.gross_registered_tonnage,
        "vessel_flag": vessel.flag,
        "vessel_owner": vessel.owner,
        "remarks": lst.remarks or e.remarks,
        "source_list_url": lst.source_url,
        "alt_names": [n.value for n in e.names if n.kind is not NameKind.PRIMARY],
        "citizenships": [],
        "dates_of_birth": list(e.birth_dates),
        "nationalities": list(e.nationalities),
        "places_of_birth": list(e.birth_places),
        "source_information_url": lst.information_url or lst.source_url,
        "ids": [
            {
                "type": i.kind,
                "number": i.value,
                "country": i.country,
                "issue_date": None,
                "expiration_date": None,
            }
            for i in e.identifiers
            if i.kind.lower() != "call sign"
        ],
    }


# ---------------------------------------------------------------------------
# Search


def _countries(e: Entity) -> set[str]:
    return set(e.countries) | set(e.nationalities) | {a.country for a in e.addresses if a.country}


def _address_ok(e: Entity, wanted: Mapping[str, str]) -> bool:
    for a in e.addresses:
        fields = {
            "address": a.street or a.full,
            "city": a.city or (a.full if not a.street else None),
            "state": a.region or (a.full if not a.street else None),
            "postal_code": a.postal_code or (a.full if not a.street else None),
            "full_address": a.text(),
        }
        if all(text.casefold() in (fields[k] or "").casefold() for k, text in wanted.items()):
            return True
    return False


def _keep(entry: Entry, q: CslSearch, as_of: date) -> bool:
    if entry.listing.in_force(as_of) is False:
        return False
    e = entry.entity
    if q.types and _KIND_TYPE.get(e.kind) not in q.types:
        return False
    if q.countries and not q.countries & _countries(e):
        return False
    return not (q.address and not _address_ok(e, q.address))


def _name_ok(entry: Entry, words: frozenset[str]) -> bool:
    return any(words <= name_words for name_words in entry.words)


def search(
    store: Store,
    catalogue: CslCatalogue,
    screener: Any,
    q: CslSearch,
    *,
    as_of: date,
    now: datetime,
) -> tuple[dict[str, Any], Any]:
    """The CSL API answer to ``q`` and the screening result of a fuzzy name (None otherwise:
    the caller records it in the audit trail)."""
    versions = catalogue.versions()
    codes = set(q.list_codes)
    wanted = [v for v in versions if v.list_code in codes]
    matched: list[tuple[Entry, float | None]] = []
    screened = None
    if q.fuzzy_name and q.name:
        screened = (
            screener.screen(
                Query(name=q.name),
                as_of=as_of,
                limit=FUZZY_CAP,
                lists=sorted(codes & {v.list_code for v in wanted}),
            )
            if wanted
            else None
        )
        for hit in screened.hits if screened is not None else ():
            for entry in entries_of(hit.entity, hit.version_id):
                if entry.listing.list_code in codes and _keep(entry, q, as_of):
                    matched.append((entry, round(float(hit.score), 4)))
    else:
        words = _words(q.name) if q.name else frozenset()
        for entry in catalogue.entries(versions):
            if entry.listing.list_code not in codes or not _keep(entry, q, as_of):
                continue
            if words and not _name_ok(entry, words):
                continue
            matched.append((entry, None))
    counts: dict[str, int] = {}
    for entry, _score in matched:
        counts[entry.source.source] = counts.get(entry.source.source, 0) + 1
    page = matched[q.offset : q.offset + q.size]
    results = []
    for entry, score in page:
        rec = record(entry)
        if score is not None:
            rec["score"] = score
        results.append(rec)
    answer = {
        "total": len(matched),
        "offset": q.offset,
        "sources": [{"value": k, "count": v} for k, v in sorted(counts.items())],
        "results": results,
        "search_performed_at": now.astimezone(UTC).isoformat(timespec="seconds"),
        "sources_used": sources_used(versions),
    }
    return answer, screened


def sources_used(versions: Sequence[ListVersion]) -> list[dict[str, Any]]:
    """Per CSL source in force: when its data is from and when it was loaded."""
    out: dict[str, dict[str, Any]] = {}
    for v in versions:
        src = _BY_CODE[v.list_code]
        loaded = v.retrieved_at if v.retrieved_at.tzinfo else v.retrieved_at.replace(tzinfo=UTC)
        updated = v.current_since.isoformat(timespec="seconds")
        item = out.setdefault(
            src.source,
            {
                "source": src.source,
                "source_last_updated": updated,
                "import_rate": None,
                "last_imported": loaded.isoformat(timespec="seconds"),
            },
        )
        item["source_last_updated"] = min(item["source_last_updated"], updated)
        item["last_imported"] = max(item["last_imported"], loaded.isoformat(timespec="seconds"))
    return list(out.values())


def sources(catalogue: CslCatalogue) -> dict[str, Any]:
    """Every CSL source: its abbreviation, the project's list codes, and whether it is loaded."""
    in_force = {v.list_code: v for v in catalogue.versions()}
    return {
        "sources": [
            {
                "abbreviation": s.abbreviation,
                "source": s.source,
                "list_codes": list(s.list_codes),
                "loaded": any(c in in_force for c in s.list_codes),
            }
            for s in SOURCES
        ],
        "sources_used": sources_used([in_force[c] for c in sorted(in_force)]),
    }


__all__ = [
    "SOURCES",
    "CslCatalogue",
    "CslSearch",
    "CslSource",
    "Entry",
    "parse_search",
    "record",
    "search",
    "sources",
]
