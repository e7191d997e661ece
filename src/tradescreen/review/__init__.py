"""Hit review: alerts per (counterparty, list entry), reviewer verdicts, the allow-list."""

from tradescreen.review.alerts import (
    Alert,
    AlertEvent,
    close_alerts_for_entities,
    get_alert,
    list_alerts,
    raise_alerts,
)
from tradescreen.review.allowlist import suppressed
from tradescreen.review.decisions import approve, decide, reject

__all__ = [
    "Alert",
    "AlertEvent",
    "approve",
    "close_alerts_for_entities",
    "decide",
    "get_alert",
    "list_alerts",
    "raise_alerts",
    "reject",
    "suppressed",
]
