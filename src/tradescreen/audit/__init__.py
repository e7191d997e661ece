"""The tamper-evident audit trail: HMAC-chained, append-only, key kept outside the database."""

from tradescreen.audit.chain import (
    AuditRecord,
    VerifyReport,
    export_anchor,
    load_or_create_key,
    prune,
    record,
    verify,
)

__all__ = [
    "AuditRecord",
    "VerifyReport",
    "export_anchor",
    "load_or_create_key",
    "prune",
    "record",
    "verify",
]
