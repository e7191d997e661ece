"""FollowTheMoney views of stored entities for the yente-compatible API.

- :func:`ftm_records`: an entity as FtM records (the main entity, then its Address,
  Identification and Sanction entities, exactly as ``tradescreen.sources.ftm.to_ftm`` maps them)
  with every id, and every reference to one, made valid under FtM's id rule
  (:func:`tradescreen.model.ftm_id`).
- :func:`find_entity`: the stored entity an FtM id names (the inverse of ``ftm_id`` over the
  list codes in force).
- :class:`EntityHistory`: ``first_seen``, ``last_seen`` and ``last_change`` of an entity, from the
  stored versions of its list (each version's ``retrieved_at`` and per-entity content hashes).
- :func:`export_versions` / :func:`write_export`: ``tradescreen export`` and ``GET /v1/export``:
  the entities of the versions in force (or known at a time, or stored versions by id) as
  FtM JSON lines (FtM-valid ids, the tradescreen id kept in the ``tradescreen`` extension key so
  an import restores it) or as tradescreen's own entity JSON lines.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import orjson

from tradescreen.errors import InvalidInput
from tradescreen.model import Entity, ListVersion, ftm_id, to_dict
from tradescreen.sources.ftm import to_ftm
from tradescreen.store.base import Store

# entity-typed properties the FtM export writes (Sanction.entity, Identification.holder, the
# main entity's addressEntity)
REFERENCE_PROPS = ("entity", "holder", "addressEntity")
EXTENSION_KEY = "tradescreen"  # what FtM properties cannot hold (see sources/ftm.py)


# Identifier kinds as the lists name them → the FtM property of that identifier, tried in order
# (a keyword of the kind, upper case); a property is used only where the schema has it.
IDENTIFIER_PROPS = (
    ("IMO", "imoNumber"),
    ("MMSI", "mmsi"),
    ("CALL SIGN", "callSign"),
    ("SWIFT", "swiftBic"),
    ("BIC", "swiftBic"),
    ("LEI", "leiCode"),
    ("ISIN", "isinCode"),
    ("PASSPORT", "passportNumber"),
    ("TAX", "taxNumber"),
    ("INN", "innCode"),
    ("OGRN", "ogrnCode"),
    ("REGISTRATION", "registrationNumber"),
)


def identifier_prop(kind: str, value: str, schema_props: frozenset[str]) -> str | None:
    """The FtM property for an identifier of ``kind`` on a schema with ``schema_props``:
    the first keyword match the schema has (OFAC's "Vessel Registration Identification"
    values read ``IMO 9187629``: the value's ``IMO`` prefix counts), else ``idNumber`` where
    the schema has that."""
    upper = kind.upper()
    if value.upper().startswith("IMO"):
        upper = f"IMO {upper}"
    for keyword, prop in IDENTIFIER_PROPS:
        if keyword in upper and prop in schema_props:
            return prop
    return "idNumber" if "idNumber" in schema_props else None


RAW_KEY = "raw"  # in the extension: property → the values tradescreen holds (see ftm_clean)


def ftm_clean(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with its values as FollowTheMoney cleans them (what ``ftm validate`` and any
    FtM tool would make of them: ``", ,"`` runs in addresses collapsed, control characters
    dropped, impossible dates such as ``0097-06-30`` removed, repeats merged). Where that
    changes a property, the values as tradescreen holds them go in the extension key
    (``{"tradescreen": {"raw": {prop: [...]}}}``), which the import reads back: the export is
    unchanged by FtM validation and still lossless."""
    from followthemoney import model

    props: dict[str, list[str]] = record["properties"]
    proxy = model.get_proxy(
        {"id": record["id"], "schema": record["schema"], "properties": props}, cleaned=False
    )
    cleaned: dict[str, list[str]] = {}
    raw: dict[str, list[str]] = {}
    for key, values in props.items():
        got = list(proxy.get(key, quiet=True))
        if got:
            cleaned[key] = got
        if got != values:
            raw[key] = list(values)
    out = {**record, "properties": cleaned}
    if raw:
        out[EXTENSION_KEY] = {**record.get(EXTENSION_KEY, {}), RAW_KEY: raw}
    return out


def ftm_records(
    entity: Entity,
    schema_props: Callable[[str], frozenset[str]] | None = None,
    *,
    clean: bool = False,
) -> list[dict[str, Any]]:
    """The FtM records of ``entity`` with FtM-valid ids; the main entity first. With
    ``schema_props`` (schema name → its property names), the main entity also carries each
    identifier under the property its schema has for it (``imoNumber`` of a Vessel,
    ``registrationNumber`` of an Organization...), beside the Identification entities.
    ``clean`` (the export): values as FtM cleans them (:func:`ftm_clean`) and ``datasets``
    sorted (FtM's datasets are a set) on every record: a Sanction's is its list, the others'
    the entity's lists."""
    out = []
    for record in to_ftm(entity):
        props = {
            k: [ftm_id(v) for v in vals] if k in REFERENCE_PROPS else list(vals)
            for k, vals in record["properties"].items()
        }
        out.append({**record, "id": ftm_id(record["id"]), "properties": props})
    if out and out[0]["id"] != entity.id:  # the id the FtM one is derived from, for import
        out[0][EXTENSION_KEY] = {**out[0].get(EXTENSION_KEY, {}), "id": entity.id}
    if clean:
        datasets = sorted({x.list_code for x in entity.listings})
        out = [ftm_clean({**r, "datasets": sorted(r.get("datasets") or datasets)}) for r in out]
    if schema_props is not None and out:
        main = out[0]
        names = schema_props(main["schema"])
        for ident in entity.identifiers:
            prop = identifier_prop(ident.kind, ident.value, names)
            if prop is not None and ident.value not in main["properties"].get(prop, []):
                main["properties"].setdefault(prop, []).append(ident.value)
    return out


def find_entity(store: Store, entity_ftm_id: str) -> Entity | None:
    """The entity of the versions in force whose :func:`ftm_id` is ``entity_ftm_id``.

    Tries the id itself, then, for each list code in force whose FtM form (``us-ofac-sdn``)
    prefixes it, ``<code>:<rest>`` and ``<code>-<rest>``; a candidate counts only when its own
    FtM id is exactly the one asked for."""
    if not entity_ftm_id or len(entity_ftm_id) > 300:
        return None
    candidates = [entity_ftm_id]
    for version in store.active_versions():
        code = version.list_code
        prefix = ftm_id(code) + "-"
        if entity_ftm_id.startswith(prefix):
            rest = entity_ftm_id[len(prefix) :]
            candidates += [f"{code}:{rest}", f"{code}-{rest}", f"{code}_{rest}"]
    for candidate in dict.fromkeys(candidates):
        entity = store.get_entity(candidate)
        if entity is not None and ftm_id(entity.id) == entity_ftm_id:
            return entity
    return None


@dataclass(frozen=True, slots=True)
class Seen:
    first_seen: datetime | None
    last_seen: datetime | None
    last_change: datetime | None


_UNKNOWN = Seen(None, None, None)


class EntityHistory:
    """When each entity of a list was first loaded, last loaded, and last changed.

    ``first_seen``: ``retrieved_at`` of the oldest stored version of its list holding it;
    ``last_seen``: of the version in force; ``last_change``: of the oldest version since which
    its content hash is the one in force. Computed per list from the stored versions (kept,
    never quarantined ones) and cached until another version of that list is in force."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, dict[str, Seen]]] = {}  # list → (version in force, …)

    def _versions(self, list_code: str) -> list[ListVersion]:
        kept = [v for v in self._store.versions(list_code) if v.status != "quarantined"]
        return sorted(kept, key=lambda v: (v.retrieved_at, v.id))

    def _table(self, list_code: str, current: ListVersion) -> dict[str, Seen]:
        with self._lock:
            cached = self._cache.get(list_code)
            if cached is not None and cached[0] == current.id:
                return cached[1]
        versions = [v for v in self._versions(list_code) if v.retrieved_at <= current.retrieved_at]
        first: dict[str, datetime] = {}
        changed: dict[str, datetime] = {}
        previous: dict[str, str] = {}
        for v in versions:
            hashes = self._store.entity_hashes(v.id)
            for eid, digest in hashes.items():
                first.setdefault(eid, v.retrieved_at)
                if previous.get(eid) != digest:
                    changed[eid] = v.retrieved_at
            previous = hashes
        table = {eid: Seen(first[eid], current.retrieved_at, changed.get(eid)) for eid in previous}
        with self._lock:
            self._cache[list_code] = (current.id, table)
        return table

    def in_force(self) -> dict[str, ListVersion]:
        """The versions in force, by list code (read once per request by the callers)."""
        return {v.list_code: v for v in self._store.active_versions()}

    def seen(
        self,
        entity: Entity,
        version_id: int | None = None,
        in_force: Mapping[str, ListVersion] | None = None,
    ) -> Seen:
        """The dates of ``entity`` as of the version ``version_id`` (default: in force)."""
        codes = {x.list_code for x in entity.listings}
        versions = self.in_force() if in_force is None else in_force
        current = None
        if version_id is not None:
            current = next((v for v in versions.values() if v.id == version_id), None)
        if current is None:
            current = next((versions[c] for c in sorted(codes) if c in versions), None)
        if current is None:
            return _UNKNOWN
        return self._table(current.list_code, current).get(entity.id, _UNKNOWN)


# ---------------------------------------------------------------------------
# Export

EXPORT_FORMATS = {
    "ftm": "FollowTheMoney JSON lines: each entity, then its Address, Identification and "
    "Sanction entities; ids valid under FtM's rule",
    "json": "tradescreen entity JSON lines (the model's plain-dict shape, as GET /v1/entities)",
}


@dataclass(frozen=True, slots=True)
class ExportReport:
    format: str
    versions: tuple[ListVersion, ...]
    entities: int  # tradescreen entities written
    lines: int  # JSON lines written (FtM: entities and their adjacent entities)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "versions": [{"id": v.id, "list": v.list_code} for v in self.versions],
            "entities": self.entities,
            "lines": self.lines,
        }


def check_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"format: {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    return fmt


def export_versions(
    store: Store,
    *,
    version_ids: Sequence[int] = (),
    known_at: datetime | None = None,
    lists: Sequence[str] = (),
) -> list[ListVersion]:
    """The versions an export covers: ``version_ids`` (any stored version, quarantined ones
    too), else those in force now or at ``known_at``; ``lists`` keeps those list codes."""
    if version_ids and known_at is not None:
        raise InvalidInput("give stored version ids or a known-at time, not both")
    if version_ids:
        versions = [store.get_version(i) for i in dict.fromkeys(version_ids)]
    else:
        versions = sorted(store.active_versions(known_at), key=lambda v: (v.list_code, v.id))
    if lists:
        known = {v.list_code for v in versions}
        unknown = sorted(set(lists) - known)
        if unknown:
            raise InvalidInput(f"list: no version of {', '.join(unknown)} to export")
        versions = [v for v in versions if v.list_code in lists]
    return versions


def _in_force(entity: Entity, as_of: date) -> Entity | None:
    """``entity`` with only its listings not ended on ``as_of`` (and begun, where known)."""
    kept = tuple(x for x in entity.listings if x.in_force(as_of) is not False)
    if not kept:
        return None
    return entity if kept == entity.listings else dataclasses.replace(entity, listings=kept)


def export_lines(entities: Iterable[Entity], fmt: str) -> Iterator[tuple[int, bytes]]:
    """Per entity: how many lines, and the lines (each ending in a newline)."""
    check_format(fmt)
    for entity in entities:
        if fmt == "ftm":
            records = ftm_records(entity, clean=True)
            yield len(records), b"".join(orjson.dumps(r) + b"\n" for r in records)
        else:
            yield 1, orjson.dumps(to_dict(entity)) + b"\n"


def iter_export(
    store: Store, versions: Sequence[ListVersion], *, as_of: date | None = None
) -> Iterator[Entity]:
    """The entities of ``versions`` in order (with ``as_of``: only listings in force then)."""
    for v in versions:
        for entity in store.iter_entities([v.id]):
            kept = entity if as_of is None else _in_force(entity, as_of)
            if kept is not None:
                yield kept


def write_export(
    store: Store,
    fp: IO[bytes],
    versions: Sequence[ListVersion],
    *,
    fmt: str = "ftm",
    as_of: date | None = None,
) -> ExportReport:
    entities = lines = 0
    for n, chunk in export_lines(iter_export(store, versions, as_of=as_of), fmt):
        fp.write(chunk)
        entities += 1
        lines += n
    return ExportReport(fmt, tuple(versions), entities, lines)


__all__ = [
    "EXPORT_FORMATS",
    "EntityHistory",
    "ExportReport",
    "Seen",
    "check_format",
    "export_lines",
    "export_versions",
    "find_entity",
    "ftm_records",
    "identifier_prop",
    "iter_export",
    "write_export",
]
