"""FollowTheMoney entities as JSON lines: import (``read``) and export (``write_ftm``).

Import: Person / Organization / Company / LegalEntity / PublicBody / Vessel / Airplane / Address
entities become Entities; ``Sanction`` entities (linked by ``entity``) become Listings;
``Identification`` / ``Passport`` (linked by ``holder``) and ``Address`` (linked by
``addressEntity``) are joined in. Names: ``name`` → PRIMARY, ``alias`` → AKA, ``weakAlias`` →
WEAK_AKA, ``previousName`` → FKA. An entity without a Sanction gets one Listing per dataset.
The file is read in two passes over decoded lines with orjson (the followthemoney package is not
needed to read, which keeps the reader fast; tests validate exports against its schema).

Export mapping (``Listing`` → ``Sanction``): list_code → ``programId``, list_name → ``authority``,
programs → ``program``, source_id → ``authorityId``, start/end/published dates →
``startDate``/``endDate``/``listingDate``, citations → ``description`` ("84 FR 54002
(2019-10-09)"), license_requirement → ``provisions``, license_policy → ``reason``,
start_date_source → ``status``, remarks → ``summary``. Entity remarks → ``notes``; a non-person's
title → ``summary``. Nationalities: ``nationality`` for a person, ``jurisdiction`` for an
organisation or legal entity (the "nationality of registration" of OFAC and the CSL), ``flag``
for a vessel.

FtM values carry no language or script, and FtM has no property for a name in its own script, so
NATIVE names are written as ``alias`` (what any FtM consumer should see) and what FtM cannot
hold goes in one extra top-level key, ``"tradescreen"``, which FtM tools keep and ignore:
``{"names": [{"value", "kind", "lang"}], "nationalities": [...]}``, listing only the names that
are NATIVE or have a language, and the nationalities of entities with no FtM property for them
(aircraft, addresses). On import those refine the names read from the properties (same value),
so an export read back is the same entity, field for field (tested on every real list).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

import orjson

from tradescreen.countries import to_iso2
from tradescreen.errors import SourceError
from tradescreen.model import (
    Address,
    Entity,
    EntityKind,
    Identifier,
    Listing,
    Name,
    NameKind,
    VesselInfo,
    to_dict,
)
from tradescreen.model import ftm_id as ftm_id_of
from tradescreen.sources import _io
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.citations import parse_citations
from tradescreen.sources.dates import parse_date

FORMAT = "ftm_json"
_SCHEMA_KIND = {
    "Person": EntityKind.PERSON,
    "Organization": EntityKind.ORGANIZATION,
    "Company": EntityKind.ORGANIZATION,
    "PublicBody": EntityKind.ORGANIZATION,
    "LegalEntity": EntityKind.UNKNOWN,
    "Vessel": EntityKind.VESSEL,
    "Airplane": EntityKind.AIRCRAFT,
}
_KIND_SCHEMA = {
    EntityKind.PERSON: "Person",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.VESSEL: "Vessel",
    EntityKind.AIRCRAFT: "Airplane",
    EntityKind.ADDRESS: "Address",
    EntityKind.UNKNOWN: "LegalEntity",
}
_NAME_PROPS = {
    "name": NameKind.PRIMARY,
    "alias": NameKind.AKA,
    "weakAlias": NameKind.WEAK_AKA,
    "previousName": NameKind.FKA,
}
_EXT = "tradescreen"  # top-level key for what FtM properties cannot hold (see the docstring)
_ID_PROPS = (
    "idNumber",
    "imoNumber",
    "isinCode",
    "swiftBic",
    "registrationNumber",
    "taxNumber",
    "passportNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
)


def sniff(head: bytes, name: str) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"schema"' in first and b'"properties"' in first


# ---------------------------------------------------------------------------
# Import


def _p(obj: dict[str, Any], prop: str) -> list[str]:
    props = obj.get("properties") or {}
    if not isinstance(props, dict):
        raise TypeError("properties is not an object")
    vals = props.get(prop) or []
    if not isinstance(vals, list):
        raise TypeError(f"property {prop} is not a list")
    return [str(v).strip() for v in vals if v is not None and str(v).strip()]


def _one(obj: dict[str, Any], prop: str) -> str | None:
    vals = _p(obj, prop)
    return vals[0] if vals else None


def _datasets(obj: dict[str, Any]) -> list[str]:
    vals = obj.get("datasets")
    return [str(d) for d in vals if d] if isinstance(vals, list) else []


def _listing(s: dict[str, Any], fallback_code: str) -> Listing:
    """A Sanction as a Listing: the list code is the Sanction's dataset (else the entity's);
    ``programId`` is a programme key (``UN-SC1267``), kept as a programme when there is no
    ``program`` text (older tradescreen exports wrote the list code there: not a programme)."""
    code = (_datasets(s) or [fallback_code])[0]
    start = parse_date(_one(s, "startDate"))
    programs = _p(s, "program") or [p for p in _p(s, "programId") if p != code]
    return Listing(
        list_code=code,
        list_name=_one(s, "authority") or code,
        programs=tuple(programs),
        citations=parse_citations("; ".join(_p(s, "description"))),
        start_date=start,
        published_date=parse_date(_one(s, "listingDate")),
        end_date=parse_date(_one(s, "endDate")),
        start_date_source=_one(s, "status") or ("source" if start else None),
        license_requirement=_one(s, "provisions"),
        license_policy=_one(s, "reason"),
        remarks=_one(s, "summary"),
        source_url=_one(s, "sourceUrl"),
        source_id=_one(s, "authorityId"),
        standard_order=_ext_text(s, "standard_order"),
        information_url=_ext_text(s, "information_url"),
    )


def _ext_text(obj: dict[str, Any], key: str) -> str | None:
    ext = obj.get(_EXT)
    value = ext.get(key) if isinstance(ext, dict) else None
    return str(value) if value else None


def _vessel(obj: dict[str, Any], ext: dict[str, Any]) -> VesselInfo | None:
    """A vessel's type, tonnages, flag and owner: as a tradescreen export recorded them, else
    from FtM's Vessel properties."""
    rec = ext.get("vessel")
    if isinstance(rec, dict):
        fields = ("type", "tonnage", "gross_registered_tonnage", "flag", "owner")
        return VesselInfo(**{k: str(rec[k]) for k in fields if rec.get(k)}) or None
    if obj.get("schema") != "Vessel":
        return None
    found = VesselInfo(
        type=_one(obj, "type"),
        tonnage=_one(obj, "tonnage"),
        gross_registered_tonnage=_one(obj, "grossRegisteredTonnage"),
    )
    return found or None


def _address(a: dict[str, Any]) -> Address:
    return Address(
        full=_one(a, "full"),
        street=_one(a, "street"),
        city=_one(a, "city"),
        region=_one(a, "region"),
        postal_code=_one(a, "postalCode"),
        country=to_iso2(_one(a, "country")),
    )


class _Index:
    def __init__(self) -> None:
        self.sanctions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.idents: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.addresses: dict[str, dict[str, Any]] = {}
        self.main: list[tuple[int, dict[str, Any]]] = []


def _entity(line: int, obj: dict[str, Any], idx: _Index) -> Entity:
    schema = str(obj.get("schema"))
    ftm_id = str(obj.get("id") or "")
    if not ftm_id:
        raise ValueError("entity without id")
    datasets = _datasets(obj)
    fallback = datasets[0] if datasets else "ftm"
    listings = [_listing(s, fallback) for s in idx.sanctions.get(ftm_id, [])]
    if not listings:
        listings = [Listing(list_code=d, list_name=d) for d in (datasets or ["ftm"])]
    code = listings[0].list_code
    ext = obj.get(_EXT)
    ext = ext if isinstance(ext, dict) else {}
    eid = _entity_id(ftm_id, code, ext.get("id"))
    names = [Name(v, kind) for prop, kind in _NAME_PROPS.items() for v in _p(obj, prop)]
    if not names and schema == "Person" and (whole := _name_from_parts(obj)):
        names = [Name(whole)]
    names = _refine_names(names, ext.get("names"))
    kind = EntityKind.ADDRESS if schema == "Address" else _SCHEMA_KIND[schema]
    if not names and kind is EntityKind.ADDRESS and (full := _one(obj, "full")):
        names = [Name(full)]
    if not names:
        raise ValueError(f"{schema} {ftm_id} has no name")
    addresses = [_address(idx.addresses[a]) for a in _p(obj, "addressEntity") if a in idx.addresses]
    addresses += [Address(full=a) for a in _p(obj, "address")]
    if kind is EntityKind.ADDRESS and not addresses:
        addresses = [_address(obj)]
    idents = [
        Identifier(
            _one(i, "type") or i.get("schema", "Identification"), n, to_iso2(_one(i, "country"))
        )
        for i in idx.idents.get(ftm_id, [])
        if (n := _one(i, "number"))
    ]
    idents += [Identifier(prop, v) for prop in _ID_PROPS for v in _p(obj, prop)]
    title = _one(obj, "title") if schema == "Person" else _one(obj, "summary")
    return Entity(
        id=eid,
        kind=kind,
        names=_io.dedupe(names),
        listings=tuple(listings),
        addresses=_io.dedupe(a for a in addresses if a.text()),
        identifiers=_io.dedupe(idents),
        birth_dates=tuple(_p(obj, "birthDate")),
        birth_places=tuple(_p(obj, "birthPlace")),
        nationalities=_io.dedupe(
            c for c in map(to_iso2, [*_p(obj, _nationality_prop(schema)), *_ext_list(ext)]) if c
        ),
        countries=_io.dedupe(c for c in map(to_iso2, _p(obj, "country")) if c),
        title=title,
        remarks=_one(obj, "notes"),
        vessel=_vessel(obj, ext),
    )


def _entity_id(entity_ftm_id: str, code: str, recorded: Any) -> str:
    """The tradescreen id of an FtM entity: the one a tradescreen export recorded (its FtM id
    is derived from it by :func:`tradescreen.model.ftm_id`), else ``<list code>:<FtM id>``."""
    if isinstance(recorded, str) and recorded and ftm_id_of(recorded) == entity_ftm_id:
        return recorded
    return entity_ftm_id if entity_ftm_id.startswith(f"{code}:") else f"{code}:{entity_ftm_id}"


# name parts of a Person, in the order a full name is written (FtM has no other rule)
_NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")


def _name_from_parts(obj: dict[str, Any]) -> str | None:
    """A Person's name from its parts, when it has no ``name`` (OpenSanctions writes both)."""
    parts = [v for prop in _NAME_PARTS for v in _p(obj, prop)]
    return " ".join(parts) or None


def _nationality_prop(schema: str) -> str:
    return {
        "Organization": "jurisdiction",
        "Company": "jurisdiction",
        "PublicBody": "jurisdiction",
        "LegalEntity": "jurisdiction",
        "Vessel": "flag",
    }.get(schema, "nationality")


def _ext_list(ext: dict[str, Any]) -> list[str]:
    vals = ext.get("nationalities")
    return [str(v) for v in vals if v] if isinstance(vals, list) else []


def _refine_names(names: list[Name], records: Any) -> list[Name]:
    """Give names read from FtM properties back the kind and language the export recorded.

    Each record replaces one name of the same value and the kind FtM could hold (NATIVE was
    written as ``alias``); a record with no such name (the properties were edited) is ignored.
    """
    if not isinstance(records, list):
        return names
    out = list(names)
    inverse_native = {NameKind.NATIVE: NameKind.AKA}
    for rec in records:
        if not isinstance(rec, dict):
            continue
        try:
            kind = NameKind(str(rec.get("kind")))
        except ValueError:
            continue
        value, lang = str(rec.get("value") or "").strip(), rec.get("lang")
        written = inverse_native.get(kind, kind)
        for i, n in enumerate(out):
            if n.value == value and n.kind is written and n.lang is None:
                out[i] = Name(value, kind, str(lang) if lang else None)
                break
    return out


# Schemas read for what they say about listed parties (see the module docstring); every other
# schema is counted and reported as skipped, never dropped in silence.
# reverse property (yente's nested=true) → the back reference its nested entities lack
_REVERSE = {"sanctions": "entity", "identification": "holder", "passport": "holder"}
_SKIP_WHY = {
    "Ownership": "ownership links are not list entries (load them with `tradescreen ownership "
    "load`)",
    "Security": "securities are not parties (their issuer is screened)",
}


def _flatten(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``obj`` and the entities nested in its properties (yente's ``nested=true`` shape), each
    nested entity replaced by its id."""
    props = obj.get("properties")
    if isinstance(props, dict):
        nested: list[dict[str, Any]] = []
        flat: dict[str, Any] = {}
        for key, vals in props.items():
            if isinstance(vals, list) and any(isinstance(v, dict) for v in vals):
                inner = [v for v in vals if isinstance(v, dict) and v.get("id")]
                back = _REVERSE.get(key)
                for child in inner:
                    child_props = child.get("properties")
                    if back and isinstance(child_props, dict) and not child_props.get(back):
                        child = {**child, "properties": {**child_props, back: [obj.get("id")]}}
                    nested.append(child)
                if not back:
                    flat[key] = [v["id"] if isinstance(v, dict) else v for v in vals if v]
            else:
                flat[key] = vals
        if nested:
            obj = {**obj, "properties": flat}
            yield obj
            for child in nested:
                yield from _flatten(child)
            return
    yield obj


def _restored(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with the values a tradescreen export kept in ``{"tradescreen": {"raw": ...}}``
    (where FtM's cleaning changed them) in place of the cleaned ones."""
    ext = obj.get(_EXT)
    raw = ext.get("raw") if isinstance(ext, dict) else None
    props = obj.get("properties")
    if not isinstance(raw, dict) or not isinstance(props, dict):
        return obj
    merged = dict(props)
    for key, values in raw.items():
        if isinstance(values, list) and all(isinstance(v, str) for v in values):
            merged[key] = values
    return {**obj, "properties": merged}


def _skipped_report(skipped: dict[str, int]) -> list[str]:
    return [
        f"{n} {schema} entit{'y' if n == 1 else 'ies'} skipped: "
        + _SKIP_WHY.get(schema, "no tradescreen entity for this schema")
        for schema, n in sorted(skipped.items())
    ]


def read(paths: Sequence[Path]) -> ParsedSource:
    blob = _io.load(_io.single(paths, FORMAT))
    idx = _Index()
    skipped: dict[str, int] = defaultdict(int)
    for n, raw in enumerate(blob.data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            top = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise SourceError(f"invalid JSON line ({exc.msg})", path=blob.path, line=n) from exc
        if not isinstance(top, dict) or not isinstance(top.get("schema"), str):
            raise SourceError("not a FollowTheMoney entity", path=blob.path, line=n)
        for flat in _flatten(top):
            obj = _restored(flat)
            schema = str(obj.get("schema"))
            try:
                if schema == "Sanction":
                    for target in _p(obj, "entity"):
                        idx.sanctions[target].append(obj)
                elif schema in ("Identification", "Passport"):
                    for holder in _p(obj, "holder"):
                        idx.idents[holder].append(obj)
                elif schema == "Address":
                    idx.addresses[str(obj.get("id"))] = obj
                    idx.main.append((n, obj))
                elif schema in _SCHEMA_KIND:
                    idx.main.append((n, obj))
                else:
                    skipped[schema] += 1
            except TypeError as exc:
                raise SourceError(str(exc), path=blob.path, line=n) from exc
    linked = {a for _, o in idx.main for a in _safe_p(o, "addressEntity")}
    parsed = ParsedSource(FORMAT, (blob.path,), blob.raw_sha256, iter(()))
    parsed.warnings.extend(_skipped_report(skipped))

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for n, obj in idx.main:
            if obj["schema"] == "Address" and (
                str(obj.get("id")) in linked or str(obj.get("id")) not in idx.sanctions
            ):
                continue  # an address of another entity, not a listed address
            yield n, partial(_entity, n, obj, idx)

    parsed.entities = _io.guarded(parsed, blob.path, rows())
    return parsed


def _safe_p(obj: dict[str, Any], prop: str) -> list[str]:
    try:
        return _p(obj, prop)
    except TypeError:
        return []


# ---------------------------------------------------------------------------
# Export


def _sub_id(eid: str, kind: str, payload: str) -> str:
    return f"{eid}-{kind}-" + hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]


def _props(**kw: Iterable[str | None] | str | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, val in kw.items():
        vals = [val] if isinstance(val, str) or val is None else list(val)
        clean = [v for v in vals if v]
        if clean:
            out[key] = clean
    return out


def to_ftm(entity: Entity) -> list[dict[str, Any]]:
    """The FtM entities (main entity, Address, Identification, Sanction) for one Entity."""
    schema = _KIND_SCHEMA[entity.kind]
    eid = entity.id
    out: list[dict[str, Any]] = []
    addr_ids = []
    for a in entity.addresses:
        aid = _sub_id(
            eid,
            "addr",
            orjson.dumps([a.full, a.street, a.city, a.region, a.postal_code, a.country]).decode(),
        )
        addr_ids.append(aid)
        out.append(
            {
                "id": aid,
                "schema": "Address",
                "properties": _props(
                    full=a.full,
                    street=a.street,
                    city=a.city,
                    region=a.region,
                    postalCode=a.postal_code,
                    country=a.country.lower() if a.country else None,
                ),
            }
        )
    names: dict[str, list[str]] = defaultdict(list)
    inverse = {k: p for p, k in _NAME_PROPS.items()}
    for n in entity.names:
        names[inverse.get(n.kind, "alias")].append(n.value)
    person = entity.kind is EntityKind.PERSON
    ext: dict[str, Any] = {}
    refined = [
        {"value": n.value, "kind": n.kind.value, "lang": n.lang}
        for n in entity.names
        if n.kind is NameKind.NATIVE or n.lang
    ]
    if refined:
        ext["names"] = refined
    main = _props(
        country=[c.lower() for c in entity.countries],
        notes=entity.remarks,
        topics=[
            "export.control" if lst.list_code.startswith("us_bis_") else "sanction"
            for lst in entity.listings
        ][:1],
    )
    main.update({p: names[p] for p in _NAME_PROPS if names.get(p)})  # one order, always
    if addr_ids:
        main["addressEntity"] = addr_ids
    if person:
        main.update(
            _props(
                nationality=[c.lower() for c in entity.nationalities],
                birthDate=entity.birth_dates,
                birthPlace=entity.birth_places,
                title=entity.title,
            )
        )
    else:
        if entity.title:
            main["summary"] = [entity.title]
        nats = [c.lower() for c in entity.nationalities]
        prop = _nationality_prop(schema)
        if nats and prop != "nationality":
            main[prop] = nats
        elif nats:
            ext["nationalities"] = nats  # aircraft, addresses: no FtM property
    if entity.vessel:
        v = entity.vessel
        if schema == "Vessel":  # FtM's own properties, for FtM tools; the record restores all
            main.update(
                _props(
                    type=v.type,
                    tonnage=v.tonnage,
                    grossRegisteredTonnage=v.gross_registered_tonnage,
                )
            )
        ext["vessel"] = {k: val for k, val in to_dict(v).items() if val}
    datasets = list(dict.fromkeys(lst.list_code for lst in entity.listings))
    head: dict[str, Any] = {"id": eid, "schema": schema, "properties": main, "datasets": datasets}
    if ext:
        head[_EXT] = ext
    out.insert(0, head)
    for ident in entity.identifiers:
        iid = _sub_id(eid, "id", f"{ident.kind}|{ident.value}|{ident.country}")
        out.append(
            {
                "id": iid,
                "schema": "Identification",
                "properties": _props(
                    holder=eid,
                    type=ident.kind,
                    number=ident.value,
                    country=ident.country.lower() if ident.country else None,
                ),
            }
        )
    for i, lst in enumerate(entity.listings):
        out.append(
            {
                "id": _sub_id(eid, "sanction", f"{i}|{lst.list_code}|{lst.source_id}"),
                "schema": "Sanction",
                "properties": _props(
                    entity=eid,
                    authority=lst.list_name,
                    program=lst.programs,
                    authorityId=lst.source_id,
                    startDate=lst.start_date.isoformat() if lst.start_date else None,
                    endDate=lst.end_date.isoformat() if lst.end_date else None,
                    listingDate=lst.published_date.isoformat() if lst.published_date else None,
                    description=[str(c) for c in lst.citations],
                    provisions=lst.license_requirement,
                    reason=lst.license_policy,
                    status=lst.start_date_source,
                    summary=lst.remarks,
                    sourceUrl=lst.source_url,
                ),
                "datasets": [lst.list_code],
                **_listing_ext(lst),
            }
        )
    return out


def _listing_ext(lst: Listing) -> dict[str, Any]:
    """What a Sanction cannot hold: the CSL's standard order and information URL."""
    extra = {"standard_order": lst.standard_order, "information_url": lst.information_url}
    kept = {k: v for k, v in extra.items() if v}
    return {_EXT: kept} if kept else {}


def write_ftm(entities: Iterable[Entity], fp: IO[bytes]) -> int:
    """Write FtM JSON lines for ``entities`` to a binary file; returns the number of lines."""
    n = 0
    for entity in entities:
        for obj in to_ftm(entity):
            fp.write(orjson.dumps(obj) + b"\n")
            n += 1
    return n
