"""The counterparty register: import from CSV, Parquet or JSONL under the customer's own ids.

Import is idempotent: every row's content is hashed; an unchanged row is left alone, a changed
row is updated (and its ``screened_at`` cleared so the next monitor run screens it), a new row is
inserted. Bad rows (no id, a name that is not a name) are reported with their row number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, select, update

from tradescreen.batch.io import chunked, iter_rows
from tradescreen.errors import InvalidInput
from tradescreen.model import Identifier, Query, name_problem
from tradescreen.monitor.tables import monitor_counterparties as cp_table

_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class Counterparty:
    key: str
    name: str
    country: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def query(self) -> Query:
        return Query(name=self.name, country=self.country, identifiers=self.identifiers)


@dataclass
class ImportReport:
    path: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    deactivated: int = 0
    rejects: list[str] = field(default_factory=list)  # "row N: reason" (first 100)
    changed_keys: list[str] = field(default_factory=list)  # inserted or updated

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["changed_keys"] = len(self.changed_keys)
        return d


def _country(value: Any) -> str | None:
    if isinstance(value, str):
        v = value.strip()
        if len(v) == 2 and v.isalpha():
            return v.upper()
    return None


def _identifiers(cols: dict[str, Any], identifier_columns: Sequence[str]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for col in identifier_columns:
        v = cols.get(col)
        if v not in (None, ""):
            out.append({"kind": col, "value": str(v).strip()})
    packed = cols.get("identifiers")
    if isinstance(packed, str) and packed.strip():
        for part in packed.split(";"):
            kind, sep, value = part.partition(":")
            if sep and value.strip():
                out.append({"kind": kind.strip(), "value": value.strip()})
    elif isinstance(packed, list):
        for item in packed:
            if isinstance(item, dict) and item.get("value"):
                out.append({"kind": str(item.get("kind", "id")), "value": str(item["value"])})
    return out


def import_counterparties(
    conn: Connection,
    path: str | Path,
    *,
    id_column: str = "id",
    name_column: str = "name",
    country_column: str | None = "country",
    identifier_columns: Sequence[str] = (),
    format: str | None = None,
    deactivate_missing: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Insert new counterparties, update changed ones, leave unchanged ones alone.

    With ``deactivate_missing`` the file is the whole register: counterparties absent from it
    are marked inactive (no longer monitored).
    """
    now = now or datetime.now(UTC)
    report = ImportReport(path=str(path))
    seen: set[str] = set()
    for chunk in chunked(iter_rows(path, format), _CHUNK):
        staged: dict[str, dict[str, Any]] = {}
        for row in chunk:
            report.rows += 1
            reason = row.error
            cols = row.columns
            key = str(cols.get(id_column) or "").strip() if not reason else ""
            if not reason and not key:
                reason = f"missing id ({id_column!r})"
            if not reason:
                if name_column not in cols:
                    reason = f"missing name column {name_column!r}"
                else:
                    reason = name_problem(cols.get(name_column))
            if reason:
                report.rejected += 1
                if len(report.rejects) < 100:
                    report.rejects.append(f"row {row.number}: {reason}")
                continue
            name = " ".join(str(cols[name_column]).split())
            idents = _identifiers(cols, identifier_columns)
            skip = {id_column, name_column, country_column, "identifiers", *identifier_columns}
            attrs = {k: v for k, v in cols.items() if k not in skip}
            country = _country(cols.get(country_column)) if country_column else None
            payload = {"name": name, "country": country, "identifiers": idents, "attrs": attrs}
            digest = hashlib.sha256(
                orjson.dumps(payload, option=orjson.OPT_SORT_KEYS, default=str)
            ).hexdigest()
            staged[key] = {
                "key": key,
                "name": name,
                "country": country,
                "identifiers": orjson.dumps(idents).decode(),
                "attributes": orjson.dumps(attrs, default=str).decode(),
                "row_hash": digest,
            }
            seen.add(key)
        if not staged:
            continue
        existing = {
            r.key: (r.row_hash, r.active)
            for r in conn.execute(
                select(cp_table.c.key, cp_table.c.row_hash, cp_table.c.active).where(
                    cp_table.c.key.in_(list(staged))
                )
            )
        }
        inserts = []
        for key, values in staged.items():
            old = existing.get(key)
            if old is None:
                inserts.append({**values, "active": True, "created_at": now, "updated_at": now})
                report.inserted += 1
                report.changed_keys.append(key)
            elif old[0] != values["row_hash"] or not old[1]:
                conn.execute(
                    update(cp_table)
                    .where(cp_table.c.key == key)
                    .values(**values, active=True, updated_at=now, screened_at=None)
                )
                report.updated += 1
                report.changed_keys.append(key)
            else:
                report.unchanged += 1
        if inserts:
            conn.execute(cp_table.insert(), inserts)
    if deactivate_missing:
        active = [r.key for r in conn.execute(select(cp_table.c.key).where(cp_table.c.active))]
        gone = [k for k in active if k not in seen]
        for part in range(0, len(gone), 500):
            conn.execute(
                update(cp_table)
                .where(cp_table.c.key.in_(gone[part : part + 500]))
                .values(active=False, updated_at=now)
            )
        report.deactivated = len(gone)
    if report.rows and report.rejected == report.rows:
        raise InvalidInput(
            f"{path}: every row was rejected ({report.rejects[0] if report.rejects else ''})"
        )
    return report


def _from_row(r: Any) -> Counterparty:
    idents = tuple(
        Identifier(kind=i["kind"], value=i["value"]) for i in orjson.loads(r.identifiers or "[]")
    )
    return Counterparty(
        key=r.key,
        name=r.name,
        country=r.country,
        identifiers=idents,
        attributes=orjson.loads(r.attributes or "{}"),
    )


def iter_counterparties(
    conn: Connection, *, active_only: bool = True, keys: Sequence[str] | None = None
) -> Iterator[Counterparty]:
    """The register in key order (streamed)."""
    if keys is not None:
        wanted = sorted(set(keys))
        for i in range(0, len(wanted), 500):
            q = select(cp_table).where(cp_table.c.key.in_(wanted[i : i + 500]))
            if active_only:
                q = q.where(cp_table.c.active)
            for r in conn.execute(q.order_by(cp_table.c.key)):
                yield _from_row(r)
        return
    q = select(cp_table).order_by(cp_table.c.key)
    if active_only:
        q = q.where(cp_table.c.active)
    for r in conn.execution_options(yield_per=5000).execute(q):
        yield _from_row(r)


def count_counterparties(conn: Connection, *, active_only: bool = True) -> int:
    from sqlalchemy import func

    q = select(func.count()).select_from(cp_table)
    if active_only:
        q = q.where(cp_table.c.active)
    return int(conn.execute(q).scalar_one())


def mark_screened(conn: Connection, keys: Sequence[str], when: datetime) -> None:
    for i in range(0, len(keys), 500):
        conn.execute(
            update(cp_table)
            .where(cp_table.c.key.in_(list(keys[i : i + 500])))
            .values(screened_at=when)
        )


def unscreened_keys(conn: Connection) -> list[str]:
    """Active counterparties added or changed since they were last screened."""
    q = select(cp_table.c.key).where(cp_table.c.active, cp_table.c.screened_at.is_(None))
    return [r.key for r in conn.execute(q.order_by(cp_table.c.key))]


__all__ = [
    "Counterparty",
    "ImportReport",
    "count_counterparties",
    "import_counterparties",
    "iter_counterparties",
    "mark_screened",
    "unscreened_keys",
]
