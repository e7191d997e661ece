"""The store on SQLAlchemy Core: SQLite (file or in-memory) and PostgreSQL (psycopg 3).

Consistency model:
- ``add_versions`` writes every version row, its entities and the status changes in ONE
  transaction; a reader sees all of it or none of it (the rows become visible on commit).
- Which version is in force is decided by ``status`` and ``retrieved_at`` alone: per list code the
  newest (``retrieved_at``, then ``id``) version whose status is active or superseded, loaded at
  or before ``known_at``. Older versions are never deleted, so a past answer replays exactly.
- Versions are immutable once committed (only ``status`` changes), so entity pages read with
  keyset pagination need no long-lived transaction.

Each stored entity carries only the listings of its version's list code: an entity that several
lists name is stored once per list version. :meth:`SqlStore.get_entity` merges the copies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.exc import SQLAlchemyError

from tradescreen.db import make_engine
from tradescreen.errors import NotFound, StoreError
from tradescreen.model import Entity, ListVersion, entity_from_dict, hash_entity_dict
from tradescreen.settings import Settings
from tradescreen.store.base import NewVersion, Store, VersionDiff
from tradescreen.store.lock import load_lock
from tradescreen.store.tables import (
    STATUS_ACTIVE,
    STATUS_QUARANTINED,
    STATUS_STAGED,
    STATUS_SUPERSEDED,
    blobs,
    entities,
    list_versions,
)

CHUNK = 2000  # rows per executemany / per page read
_IN_FORCE = (STATUS_ACTIVE, STATUS_SUPERSEDED)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_FIELDS: dict[type, tuple[str, ...] | None] = {}  # None: not a dataclass


def _names(value: Any) -> tuple[str, ...] | None:
    t = type(value)
    try:
        return _FIELDS[t]
    except KeyError:
        is_dc = dataclasses.is_dataclass(value) and not isinstance(value, type)
        names = tuple(f.name for f in dataclasses.fields(value)) if is_dc else None
        _FIELDS[t] = names
        return names


def plain(value: Any) -> Any:
    """Exactly ``model.to_dict`` / ``model._plain`` (a test checks it on every real list), about
    three times faster: field names are cached per class and strings short-circuit."""
    if type(value) is str or value is None:
        return value
    names = _names(value)
    if names is not None:
        out: dict[str, Any] = {}
        for name in names:
            v = getattr(value, name)
            if v is None or v == ():
                continue
            out[name] = v if type(v) is str else plain(v)
        return out
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [v if type(v) is str else plain(v) for v in value]
    return value


def entity_row(version_id: int, entity: Entity) -> dict[str, Any]:
    """The ``entities`` row of one entity; ``content_hash`` equals ``Entity.content_hash()``."""
    fields = plain(entity)
    data = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    return {
        "version_id": version_id,
        "entity_id": entity.id,
        "kind": entity.kind.value,
        "name": entity.name,
        "content_hash": hash_entity_dict(fields),
        "data": data.decode("utf-8"),
    }


def _version(row: RowMapping) -> ListVersion:
    return ListVersion(
        id=row["id"],
        list_code=row["list_code"],
        list_name=row["list_name"],
        source=row["source"],
        format=row["format"],
        sha256=row["sha256"],
        retrieved_at=_aware(row["retrieved_at"]),
        record_count=row["record_count"],
        status=row["status"],
        data_date=row["data_date"],
        warnings=tuple(orjson.loads(row["warnings"] or "[]")),
    )


def _newest_first(rows: Iterable[RowMapping]) -> list[RowMapping]:
    return sorted(rows, key=lambda r: (_aware(r["retrieved_at"]), r["id"]), reverse=True)


# Per engine, a counter bumped whenever the set of versions in force changes through it, so a
# Screener in the same process sees a load at once (other processes: its refresh interval).
_generations: WeakKeyDictionary[Engine, int] = WeakKeyDictionary()


def _bump(engine: Engine) -> None:
    _generations[engine] = _generations.get(engine, 0) + 1


class SqlStore:
    """:class:`tradescreen.store.base.Store` on a SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def generation(self) -> int:
        return _generations.get(self.engine, 0)

    @classmethod
    def from_url(cls, url: str) -> SqlStore:
        return cls(make_engine(url))

    # -- schema ---------------------------------------------------------------------------

    def create_schema(self) -> None:
        """``alembic upgrade head`` on this database (idempotent; adopts tables made by
        ``db.all_tables().create_all``)."""
        from tradescreen.store import migrate

        try:
            migrate.upgrade(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot create the schema: {_one_line(exc)}") from exc

    # -- writing --------------------------------------------------------------------------

    def add_versions(
        self, versions: Iterable[NewVersion], *, activate: bool = True
    ) -> list[ListVersion]:
        status = STATUS_ACTIVE if activate else STATUS_STAGED
        try:
            with self.engine.begin() as conn:
                ids = [self._insert(conn, v, status, None) for v in versions]
                if activate:
                    for code in {self._code(conn, i) for i in ids}:
                        self._reconcile(conn, code)
        except SQLAlchemyError as exc:
            raise StoreError(f"list versions not stored: {_one_line(exc)}") from exc
        _bump(self.engine)
        return [self.get_version(i) for i in ids]

    def quarantine(self, version: NewVersion, reason: str) -> ListVersion:
        try:
            with self.engine.begin() as conn:
                vid = self._insert(conn, version, STATUS_QUARANTINED, reason)
        except SQLAlchemyError as exc:
            raise StoreError(f"quarantined version not stored: {_one_line(exc)}") from exc
        return self.get_version(vid)

    def activate(self, version_id: int) -> ListVersion:
        """Put a staged (``activate=False``) version in force if it is the newest of its list
        (under the load lock, like a load)."""
        with load_lock(self.engine), self.engine.begin() as conn:
            row = self._row(conn, version_id)
            if row["status"] == STATUS_QUARANTINED:
                raise StoreError(f"version {version_id} is quarantined and cannot be activated")
            conn.execute(
                update(list_versions)
                .where(list_versions.c.id == version_id)
                .values(status=STATUS_SUPERSEDED)
            )
            self._reconcile(conn, row["list_code"])
        _bump(self.engine)
        return self.get_version(version_id)

    def _insert(self, conn: Connection, v: NewVersion, status: str, reason: str | None) -> int:
        result = conn.execute(
            insert(list_versions).values(
                list_code=v.list_code,
                list_name=v.list_name,
                source=v.source,
                format=v.format,
                sha256=v.sha256,
                retrieved_at=v.retrieved_at or _now(),
                data_date=v.data_date,
                record_count=len(v.entities),
                status=status,
                warnings=orjson.dumps(list(v.warnings)).decode(),
                quarantine_reason=reason,
            )
        )
        pk = result.inserted_primary_key
        assert pk is not None
        vid = int(pk[0])
        seen: set[str] = set()
        batch: list[dict[str, Any]] = []
        for entity in v.entities:
            if entity.id in seen:
                raise StoreError(f"{v.list_code}: entity id {entity.id!r} appears twice")
            seen.add(entity.id)
            batch.append(entity_row(vid, entity))
            if len(batch) >= CHUNK:
                self._bulk(conn, batch)
                batch = []
        if batch:
            self._bulk(conn, batch)
        return vid

    def _bulk(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """executemany; on PostgreSQL (psycopg 3) a COPY inside the same transaction."""
        if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
            cols = ("version_id", "entity_id", "kind", "name", "content_hash", "data")
            raw = conn.connection.dbapi_connection
            assert raw is not None
            sql = f"COPY entities ({', '.join(cols)}) FROM STDIN"
            try:
                cur: Any = raw.cursor()  # a psycopg.Cursor
                with cur, cur.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(tuple(row[c] for c in cols))
            except Exception as exc:
                if type(exc).__module__.startswith("psycopg"):
                    raise StoreError(f"entities not stored: {_one_line(exc)}") from exc
                raise
            return
        conn.execute(insert(entities), rows)

    def _code(self, conn: Connection, version_id: int) -> str:
        return str(self._row(conn, version_id)["list_code"])

    def _reconcile(self, conn: Connection, list_code: str) -> None:
        """Mark the newest in-force version of ``list_code`` active and the others superseded."""
        rows = conn.execute(
            select(list_versions.c.id, list_versions.c.retrieved_at).where(
                list_versions.c.list_code == list_code,
                list_versions.c.status.in_(_IN_FORCE),
            )
        ).mappings()
        ordered = _newest_first(rows)
        if not ordered:
            return
        newest = ordered[0]["id"]
        conn.execute(
            update(list_versions)
            .where(
                list_versions.c.list_code == list_code,
                list_versions.c.status.in_(_IN_FORCE),
                list_versions.c.id != newest,
            )
            .values(status=STATUS_SUPERSEDED)
        )
        conn.execute(
            update(list_versions).where(list_versions.c.id == newest).values(status=STATUS_ACTIVE)
        )

    # -- reading versions -----------------------------------------------------------------

    def _row(self, conn: Connection, version_id: int) -> RowMapping:
        row = (
            conn.execute(select(list_versions).where(list_versions.c.id == version_id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"list version {version_id} not found")
        return row

    def get_version(self, version_id: int) -> ListVersion:
        with self.engine.connect() as conn:
            return _version(self._row(conn, version_id))

    def quarantine_reason(self, version_id: int) -> str | None:
        with self.engine.connect() as conn:
            reason = self._row(conn, version_id)["quarantine_reason"]
        return None if reason is None else str(reason)

    def versions(self, list_code: str | None = None) -> list[ListVersion]:
        stmt = select(list_versions)
        if list_code is not None:
            stmt = stmt.where(list_versions.c.list_code == list_code)
        with self.engine.connect() as conn:
            rows = list(conn.execute(stmt).mappings())
        return [_version(r) for r in _newest_first(rows)]

    def active_versions(self, known_at: datetime | None = None) -> list[ListVersion]:
        stmt = select(list_versions).where(list_versions.c.status.in_(_IN_FORCE))
        if known_at is not None:
            stmt = stmt.where(list_versions.c.retrieved_at <= _aware(known_at))
        with self.engine.connect() as conn:
            rows = list(conn.execute(stmt).mappings())
        chosen: dict[str, RowMapping] = {}
        for row in _newest_first(rows):
            chosen.setdefault(row["list_code"], row)
        return [_version(chosen[code]) for code in sorted(chosen)]

    # -- reading entities -----------------------------------------------------------------

    def iter_entities(self, version_ids: Sequence[int]) -> Iterator[Entity]:
        """Every entity of the versions, version by version, in entity id order."""
        for _, data in self.iter_entity_records(version_ids):
            yield entity_from_dict(orjson.loads(data))

    def iter_entity_records(self, version_ids: Sequence[int]) -> Iterator[tuple[str, str]]:
        """``(entity id, stored JSON)``, version by version, in entity id order. Pages of
        ``CHUNK`` rows are read by keyset, so no connection is held between pages."""
        for vid in version_ids:
            after: str | None = None
            while True:
                stmt = select(entities.c.entity_id, entities.c.data).where(
                    entities.c.version_id == vid
                )
                if after is not None:
                    stmt = stmt.where(entities.c.entity_id > after)
                stmt = stmt.order_by(entities.c.entity_id).limit(CHUNK)
                with self.engine.connect() as conn:
                    page = conn.execute(stmt).all()
                for entity_id, data in page:
                    yield entity_id, data
                    after = entity_id
                if len(page) < CHUNK:
                    break

    def get_entity(self, entity_id: str, version_ids: Sequence[int] | None = None) -> Entity | None:
        """The entity in the given versions (default: the active ones). When several versions
        hold it (one per list naming it), their listings are merged, newest version first."""
        if version_ids is None:
            version_ids = [v.id for v in self.active_versions()]
        if not version_ids:
            return None
        stmt = (
            select(entities.c.data)
            .where(entities.c.entity_id == entity_id, entities.c.version_id.in_(version_ids))
            .order_by(entities.c.version_id.desc())
        )
        with self.engine.connect() as conn:
            copies = [entity_from_dict(orjson.loads(d)) for (d,) in conn.execute(stmt)]
        if not copies:
            return None
        first = copies[0]
        listings = list(first.listings)
        for other in copies[1:]:
            listings.extend(x for x in other.listings if x not in listings)
        return replace(first, listings=tuple(listings))

    def entity_hashes(self, version_id: int) -> dict[str, str]:
        stmt = select(entities.c.entity_id, entities.c.content_hash).where(
            entities.c.version_id == version_id
        )
        with self.engine.connect() as conn:
            return {eid: h for eid, h in conn.execute(stmt)}

    def count_entities(self, version_id: int) -> int:
        stmt = select(func.count()).select_from(entities).where(entities.c.version_id == version_id)
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def diff(self, old_version: int | None, new_version: int) -> VersionDiff:
        new = self.entity_hashes(new_version)
        old = self.entity_hashes(old_version) if old_version is not None else {}
        if old_version is not None and not old:
            self.get_version(old_version)  # NotFound for an unknown id
        if not new:
            self.get_version(new_version)
        return VersionDiff(
            old_version=old_version,
            new_version=new_version,
            added=tuple(sorted(k for k in new if k not in old)),
            changed=tuple(sorted(k for k, h in new.items() if k in old and old[k] != h)),
            removed=tuple(sorted(k for k in old if k not in new)),
        )

    # -- blobs ----------------------------------------------------------------------------

    def put_blob(
        self, version_id: int, key: str, data: bytes, *, replaces: str | None = None
    ) -> None:
        try:
            with self.engine.begin() as conn:
                self._row(conn, version_id)
                conn.execute(
                    delete(blobs).where(and_(blobs.c.version_id == version_id, blobs.c.key == key))
                )
                if replaces:
                    conn.execute(delete(blobs).where(blobs.c.key.startswith(replaces)))
                conn.execute(insert(blobs).values(version_id=version_id, key=key, data=data))
        except SQLAlchemyError as exc:
            raise StoreError(f"blob {key!r} not stored: {_one_line(exc)}") from exc

    def get_blob(self, version_id: int, key: str) -> bytes | None:
        stmt = select(blobs.c.data).where(blobs.c.version_id == version_id, blobs.c.key == key)
        with self.engine.connect() as conn:
            data = conn.execute(stmt).scalar_one_or_none()
        return None if data is None else bytes(data)

    def close(self) -> None:
        self.engine.dispose()


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def open_store(settings: Settings, *, create: bool = True) -> SqlStore:
    """The store of ``settings.db`` with its schema created or migrated."""
    store = SqlStore.from_url(settings.db_url())
    if create:
        store.create_schema()
    return store


if TYPE_CHECKING:  # mypy proves SqlStore implements the Store Protocol exactly

    def _is_a_store(engine: Engine) -> Store:
        return SqlStore(engine)


__all__ = ["CHUNK", "SqlStore", "entity_row", "open_store", "plain"]
