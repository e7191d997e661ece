"""Reviewer actions on alerts: verdicts, second-reviewer approval, rejection. Always audited.

See :mod:`tradescreen.review.alerts` for the status diagram.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from tradescreen.errors import Forbidden, InvalidInput
from tradescreen.review.alerts import (
    FALSE_POSITIVE,
    OPEN,
    PENDING_APPROVAL,
    TRUE_MATCH,
    VERDICTS,
    Alert,
    AlertEvent,
    audit_alert,
    events,
    get_alert,
    log_event,
    set_status,
)
from tradescreen.review.allowlist import add_clearing, now_utc, revoke_clearings


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(f"{what} needs a reason")
    return text


def decide(
    conn: Connection,
    alert_id: int,
    *,
    reviewer: str,
    verdict: str,
    reason: str,
    key: bytes,
    approval_score: float | None = None,
    now: datetime | None = None,
) -> Alert:
    """Record a reviewer's verdict on an open alert.

    A false positive clears the hit for this counterparty and list-entry content (allow-list)
    unless ``approval_score`` is set and the alert's score is at least that: then the alert waits
    in ``pending_approval`` for :func:`approve` by a different reviewer. A true match on a pending
    alert overrules the proposed clearing.
    """
    if verdict not in VERDICTS:
        raise InvalidInput(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    if not reviewer.strip():
        raise InvalidInput("a decision needs a reviewer")
    text = _reason(reason, "a decision")
    at = now_utc(now)
    before = get_alert(conn, alert_id)
    allowed = (OPEN, PENDING_APPROVAL) if verdict == TRUE_MATCH else (OPEN,)
    if before.status not in allowed:
        raise InvalidInput(f"alert {alert_id} is {before.status}; only an open alert is decided")
    if verdict == TRUE_MATCH:
        status = TRUE_MATCH
    elif approval_score is not None and before.score >= approval_score:
        status = PENDING_APPROVAL
    else:
        status = FALSE_POSITIVE
    alert = set_status(conn, alert_id, allowed, status=status, updated_at=at, note=text)
    log_event(conn, alert_id, at=at, actor=reviewer, action="decided", status=status, reason=text)
    if status == FALSE_POSITIVE:
        add_clearing(
            conn,
            counterparty_key=alert.counterparty_key,
            entity_id=alert.entity_id,
            entity_hash=alert.entity_hash,
            reviewer=reviewer,
            reason=text,
            alert_id=alert_id,
            now=at,
        )
    elif status == TRUE_MATCH:
        revoke_clearings(conn, alert.counterparty_key, alert.entity_id, actor=reviewer, now=at)
    audit_alert(
        conn,
        key,
        actor=reviewer,
        action="decide",
        alert=alert,
        at=at,
        verdict=verdict,
        reason=text,
        status_before=before.status,
        approval_score=approval_score,
    )
    return alert


def pending_proposal(conn: Connection, alert_id: int) -> AlertEvent | None:
    """The decision that put the alert in pending_approval (who proposed the clearing, why)."""
    found = None
    for ev in events(conn, alert_id):
        if ev.action == "decided" and ev.status == PENDING_APPROVAL:
            found = ev
    return found


def approve(
    conn: Connection,
    alert_id: int,
    *,
    approver: str,
    key: bytes,
    reason: str | None = None,
    now: datetime | None = None,
) -> Alert:
    """A second reviewer confirms a proposed false-positive clearing."""
    at = now_utc(now)
    before = get_alert(conn, alert_id)
    if before.status != PENDING_APPROVAL:
        raise InvalidInput(f"alert {alert_id} is {before.status}; nothing to approve")
    proposal = pending_proposal(conn, alert_id)
    proposer = proposal.actor if proposal else ""
    if approver.strip().casefold() == proposer.strip().casefold():
        raise Forbidden("the reviewer who proposed a clearing cannot approve it")
    text = (reason or "").strip() or (proposal.reason if proposal else "") or "approved"
    alert = set_status(conn, alert_id, (PENDING_APPROVAL,), status=FALSE_POSITIVE, updated_at=at)
    log_event(
        conn, alert_id, at=at, actor=approver, action="approved", status=FALSE_POSITIVE, reason=text
    )
    add_clearing(
        conn,
        counterparty_key=alert.counterparty_key,
        entity_id=alert.entity_id,
        entity_hash=alert.entity_hash,
        reviewer=proposer or approver,
        reason=proposal.reason or text if proposal else text,
        alert_id=alert_id,
        approved_by=approver,
        now=at,
    )
    audit_alert(
        conn,
        key,
        actor=approver,
        action="approve",
        alert=alert,
        at=at,
        reason=text,
        proposed_by=proposer,
    )
    return alert


def reject(
    conn: Connection,
    alert_id: int,
    *,
    approver: str,
    reason: str,
    key: bytes,
    now: datetime | None = None,
) -> Alert:
    """A second reviewer sends a proposed clearing back to the queue (status open)."""
    text = _reason(reason, "a rejection")
    at = now_utc(now)
    proposal = pending_proposal(conn, alert_id)
    alert = set_status(conn, alert_id, (PENDING_APPROVAL,), status=OPEN, updated_at=at, note=text)
    log_event(conn, alert_id, at=at, actor=approver, action="rejected", status=OPEN, reason=text)
    audit_alert(
        conn,
        key,
        actor=approver,
        action="reject",
        alert=alert,
        at=at,
        reason=text,
        proposed_by=proposal.actor if proposal else None,
    )
    return alert


__all__ = ["approve", "decide", "pending_proposal", "reject"]
