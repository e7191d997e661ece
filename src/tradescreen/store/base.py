"""The store interface. ``store/sql.py`` implements it on SQLAlchemy (SQLite and PostgreSQL).

Two times are kept apart:
- *known at*: when a list version was loaded (``ListVersion.retrieved_at``). ``active_versions(
  known_at=t)`` gives, per list code, the newest non-quarantined version loaded at or before ``t``,
  so a past screening replays exactly;
- *as of*: when a listing was in force (its own start and end dates), applied by screening over
  the versions chosen above.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from tradescreen.model import Entity, ListVersion

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True, slots=True)
class NewVersion:
    """What a caller hands the store to create one list version."""

    list_code: str
    list_name: str
    source: str
    format: str
    sha256: str
    entities: Sequence[Entity]
    data_date: date | None = None
    retrieved_at: datetime | None = None  # default: now (UTC)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """Entries added, changed (content hash differs) and removed between two versions."""

    old_version: int | None
    new_version: int
    added: tuple[str, ...] = field(default=())
    changed: tuple[str, ...] = field(default=())
    removed: tuple[str, ...] = field(default=())


class Store(Protocol):
    @property
    def generation(self) -> int:
        """Bumped whenever the versions in force change through this store's database handle;
        lets a long-running screener skip re-reading them on every query."""

    def create_schema(self) -> None:
        """Create or migrate the schema (idempotent)."""

    def add_versions(
        self, versions: Iterable[NewVersion], *, activate: bool = True
    ) -> list[ListVersion]:
        """Store several list versions in one transaction and (by default) make each the active
        version of its list code. All or nothing: on any error none is stored."""

    def quarantine(self, version: NewVersion, reason: str) -> ListVersion:
        """Keep a refused update for inspection, never active."""

    def versions(self, list_code: str | None = None) -> list[ListVersion]:
        """Every version, newest first."""

    def quarantine_reason(self, version_id: int) -> str | None:
        """Why a quarantined version was refused (None for any other)."""

    def active_versions(self, known_at: datetime | None = None) -> list[ListVersion]:
        """Per list code, the version in force at ``known_at`` (default: now)."""

    def get_version(self, version_id: int) -> ListVersion: ...

    def iter_entities(self, version_ids: Sequence[int]) -> Iterator[Entity]: ...

    def iter_entity_records(self, version_ids: Sequence[int]) -> Iterator[tuple[str, str]]:
        """``(entity id, stored JSON)`` of every entity of the versions, in the order of
        :meth:`iter_entities` (a screener decodes only the entities its hits need)."""

    def get_entity(self, entity_id: str, version_ids: Sequence[int] | None = None) -> Entity | None:
        """The entity in the given versions (default: the active ones)."""

    def entity_hashes(self, version_id: int) -> dict[str, str]:
        """entity id -> content hash, for diffs and hit review."""

    def diff(self, old_version: int | None, new_version: int) -> VersionDiff: ...

    def put_blob(
        self, version_id: int, key: str, data: bytes, *, replaces: str | None = None
    ) -> None:
        """Persist derived data (the candidate index) beside a version; ``replaces``: first
        delete every blob, of any version, whose key starts with it (one kept per kind)."""

    def get_blob(self, version_id: int, key: str) -> bytes | None: ...


@runtime_checkable
class SqlBacked(Protocol):
    """A store whose tables live in a SQL database. Review, audit, monitoring and decisions keep
    their own tables beside the lists and take this engine (or a connection of it) openly:
    they are not behind the ``Store`` interface, which covers list versions only."""

    @property
    def engine(self) -> Engine: ...


def sql_engine(store: object) -> Engine | None:
    """The SQL engine of a :class:`SqlBacked` store, None for any other store."""
    return store.engine if isinstance(store, SqlBacked) else None
