"""Check and record: the one use case the CLI's ``check`` and ``POST /v1/check`` run.

Decide a transaction on its date (``decide.decision.check``), store the decision with the list
and data versions it used (when asked), and append one audit record of it, the same through
every channel (the channel and the actor are arguments).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from tradescreen.audit.events import record_decision as audit_decision
from tradescreen.decide.decision import (
    Decision,
    DecisionContext,
    check,
    screener_from,
    transaction_to_dict,
)
from tradescreen.decide.items import Transaction
from tradescreen.decide.regulations import tables_for
from tradescreen.decide.storage import record_decision


@dataclass(frozen=True, slots=True)
class CheckedDecision:
    decision: Decision
    result: dict[str, Any]  # decision.to_dict(), the JSON every channel renders
    record_id: int | None  # the stored decision (``record=True``), for replay and review
    audit_seq: int


def check_and_record(
    engine: Engine,
    screener: Any,
    tx: Transaction,
    *,
    actor: str,
    channel: str,
    key: bytes,
    now: datetime,
    known_at: datetime | None = None,
    record: bool = True,
    regulations: Path | None = None,
) -> CheckedDecision:
    """``regulations``: the directory of stored eCFR versions (``update --regulations``); the
    Country Chart in force on the transaction's date is taken from there or the package."""
    ctx = DecisionContext.from_engine(engine, ear=tables_for(tx.date, regulations))
    decision = check(
        tx, screener=screener_from(screener, known_at=known_at), context=ctx, as_of=tx.date
    )
    result = decision.to_dict()
    transaction = {
        **transaction_to_dict(tx),
        "known_at": known_at.isoformat() if known_at else None,
    }
    record_id = None
    if record:
        record_id = record_decision(
            engine, transaction=transaction, result=result, data_versions=ctx.data_versions()
        )
    with engine.begin() as conn:
        rec = audit_decision(
            conn,
            actor=actor,
            decision={"transaction": transaction, **result, "record_id": record_id},
            key=key,
            now=now,
            context={"channel": channel},
        )
    return CheckedDecision(decision, result, record_id, rec.seq)


__all__ = ["CheckedDecision", "check_and_record"]
