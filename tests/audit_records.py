"""Reading the audit chain a test's commands wrote: checked whole first, then the records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tradescreen.audit.chain import iter_records, load_or_create_key, verify
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore


def audited(db: Path, action: str) -> list[dict[str, Any]]:
    """Payloads of ``action`` records, after checking the whole chain verifies."""
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        with store.engine.connect() as conn:
            report = verify(conn, load_or_create_key(Settings(), conn))
            assert report.ok, report.problem
            return [r.payload for r in iter_records(conn, action=action)]
    finally:
        store.close()
