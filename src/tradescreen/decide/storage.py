"""Persist ownership edges and decisions; build a ``DecisionContext`` from a database."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from tradescreen.decide import tables
from tradescreen.decide.ownership import OwnershipEdge, party_key


def add_edges(engine: Engine, edges: Sequence[OwnershipEdge], *, source: str = "") -> str:
    """Store edges in one transaction (all or nothing). Returns the batch id."""
    batch = uuid.uuid4().hex
    now = datetime.now(UTC)
    rows = [
        {
            "owner": e.owner,
            "owned": e.owned,
            "owner_key": party_key(e.owner),
            "owned_key": party_key(e.owned),
            "percentage": e.percentage,
            "as_of": e.as_of,
            "source": e.source or source or None,
            "batch": batch,
            "loaded_at": now,
        }
        for e in edges
    ]
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(tables.ownership_edges), rows)
    return batch


def load_edges(engine: Engine) -> list[OwnershipEdge]:
    t = tables.ownership_edges
    with engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.id)).all()
    return [OwnershipEdge(r.owner, r.owned, r.percentage, r.as_of, r.source) for r in rows]


def digest(payload: Any) -> str:
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def record_decision(
    engine: Engine,
    *,
    transaction: dict[str, Any],
    result: dict[str, Any],
    data_versions: dict[str, str],
) -> int:
    """Store one decision with the list and data versions it used; returns its id."""
    version_ids = sorted(v["id"] for v in result.get("list_versions", []) if "id" in v)
    payload = {
        "transaction": transaction,
        "result": result,
        "list_versions": version_ids,
        "data_versions": data_versions,
    }
    with engine.begin() as conn:
        res = conn.execute(
            insert(tables.decisions).values(
                created_at=datetime.now(UTC),
                as_of=datetime.fromisoformat(transaction["date"]).date(),
                decision=result["decision"],
                transaction=transaction,
                result=result,
                list_versions=version_ids,
                data_versions=data_versions,
                digest=digest(payload),
            )
        )
        key = res.inserted_primary_key
        assert key is not None
        return int(key[0])


def get_decision(engine: Engine, decision_id: int) -> dict[str, Any] | None:
    t = tables.decisions
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.id == decision_id)).first()
    if row is None:
        return None
    return {
        "id": row.id,
        "as_of": row.as_of.isoformat(),
        "decision": row.decision,
        "transaction": row.transaction,
        "result": row.result,
        "list_versions": row.list_versions,
        "data_versions": row.data_versions,
        "digest": row.digest,
    }


__all__ = ["add_edges", "digest", "get_decision", "load_edges", "record_decision"]
