"""Alerts out: signed webhooks with retries and a dead-letter record.

Every POST carries ``X-Tradescreen-Signature: sha256=<hex>``, the HMAC-SHA256 of the exact raw
body with ``settings.webhook_secret``; receivers recompute it over the bytes they received (see
:func:`verify_signature`). A failed attempt (network error or a non-2xx status) is retried with
exponential backoff; after the last attempt the delivery row stays with status ``dead``: the
dead-letter record, which :func:`redeliver_dead` can send again.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import httpx
import orjson
from sqlalchemy import Connection, insert, select, update

from tradescreen.errors import InvalidInput, NotFound
from tradescreen.monitor.tables import monitor_deliveries, monitor_webhooks
from tradescreen.settings import Settings

SIGNATURE_HEADER = "X-Tradescreen-Signature"
EVENT_HEADER = "X-Tradescreen-Event"
DELIVERY_HEADER = "X-Tradescreen-Delivery"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """For receivers: constant-time check of the signature header over the raw body."""
    if not header:
        return False
    return hmac.compare_digest(sign(body, secret), header.strip())


@dataclass(frozen=True, slots=True)
class Webhook:
    id: int
    url: str
    events: str
    active: bool


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    webhook_id: int
    url: str
    event: str
    status: str  # delivered | dead
    attempts: int
    last_status: int | None
    last_error: str | None


def add_webhook(conn: Connection, url: str, *, events: str = "*") -> Webhook:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput(f"not an http(s) URL: {url!r}")
    existing = conn.execute(
        select(monitor_webhooks).where(monitor_webhooks.c.url == url, monitor_webhooks.c.active)
    ).first()
    if existing is not None:
        return Webhook(existing.id, existing.url, existing.events, existing.active)
    wid = conn.execute(
        insert(monitor_webhooks).values(
            url=url, events=events, active=True, created_at=datetime.now(UTC)
        )
    ).inserted_primary_key
    assert wid is not None
    return Webhook(int(wid[0]), url, events, True)


def remove_webhook(conn: Connection, webhook_id: int) -> None:
    res = conn.execute(
        update(monitor_webhooks).where(monitor_webhooks.c.id == webhook_id).values(active=False)
    )
    if not res.rowcount:
        raise NotFound(f"no webhook {webhook_id}")


def list_webhooks(conn: Connection, *, active_only: bool = True) -> list[Webhook]:
    q = select(monitor_webhooks).order_by(monitor_webhooks.c.id)
    if active_only:
        q = q.where(monitor_webhooks.c.active)
    return [Webhook(r.id, r.url, r.events, r.active) for r in conn.execute(q)]


def _wants(hook: Webhook, event: str) -> bool:
    return hook.events.strip() == "*" or event in hook.events.split()


def encode(event: str, data: Any) -> bytes:
    envelope = {
        "id": uuid.uuid4().hex,
        "event": event,
        "sent_at": datetime.now(UTC).isoformat(),
        "data": data,
    }
    return orjson.dumps(envelope, default=str, option=orjson.OPT_SORT_KEYS)


def _attempt(
    client: httpx.Client, url: str, body: bytes, headers: Mapping[str, str]
) -> tuple[bool, int | None, str | None]:
    try:
        resp = client.post(url, content=body, headers=dict(headers))
    except httpx.HTTPError as exc:
        return False, None, f"{type(exc).__name__}: {exc}"
    if 200 <= resp.status_code < 300:
        return True, resp.status_code, None
    return False, resp.status_code, f"HTTP {resp.status_code}: {resp.text[:200]}"


def _send(
    conn: Connection,
    delivery_id: int,
    url: str,
    event: str,
    body: bytes,
    secret: str,
    *,
    client: httpx.Client,
    attempts: int,
    base_delay: float,
    max_delay: float,
    sleep: Callable[[float], None],
) -> Delivery:
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret),
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        "User-Agent": "tradescreen-webhooks/1",
    }
    ok, status, error = False, None, None
    tried = 0
    for n in range(attempts):
        if n:
            sleep(min(max_delay, base_delay * 2 ** (n - 1)))
        tried += 1
        ok, status, error = _attempt(client, url, body, headers)
        conn.execute(
            update(monitor_deliveries)
            .where(monitor_deliveries.c.id == delivery_id)
            .values(
                attempts=monitor_deliveries.c.attempts + 1, last_status=status, last_error=error
            )
        )
        if ok:
            break
    final = "delivered" if ok else "dead"
    conn.execute(
        update(monitor_deliveries)
        .where(monitor_deliveries.c.id == delivery_id)
        .values(status=final, finished_at=datetime.now(UTC))
    )
    total = conn.execute(
        select(monitor_deliveries.c.attempts).where(monitor_deliveries.c.id == delivery_id)
    ).scalar_one()
    wid = conn.execute(
        select(monitor_deliveries.c.webhook_id).where(monitor_deliveries.c.id == delivery_id)
    ).scalar_one()
    return Delivery(delivery_id, wid, url, event, final, int(total or tried), status, error)


def _secret(settings: Settings) -> str:
    if not settings.webhook_secret:
        raise InvalidInput("set TRADESCREEN_WEBHOOK_SECRET: webhooks are always signed")
    return settings.webhook_secret


def deliver(
    conn: Connection,
    event: str,
    data: Any,
    settings: Settings,
    *,
    client: httpx.Client | None = None,
    attempts: int = 5,
    base_delay: float = 1.0,
    max_delay: float = 60.0,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """POST ``event`` with ``data`` to every active webhook that wants it; one Delivery each."""
    secret = _secret(settings)
    hooks = [h for h in list_webhooks(conn) if _wants(h, event)]
    if not hooks:
        return []
    body = encode(event, data)
    own = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=False)
    out: list[Delivery] = []
    try:
        for hook in hooks:
            did = conn.execute(
                insert(monitor_deliveries).values(
                    webhook_id=hook.id,
                    event=event,
                    body=body.decode("utf-8"),
                    status="pending",
                    attempts=0,
                    created_at=datetime.now(UTC),
                )
            ).inserted_primary_key
            assert did is not None
            out.append(
                _send(
                    conn,
                    int(did[0]),
                    hook.url,
                    event,
                    body,
                    secret,
                    client=http,
                    attempts=attempts,
                    base_delay=base_delay,
                    max_delay=max_delay,
                    sleep=sleep,
                )
            )
    finally:
        if own:
            http.close()
    return out


def dead_letters(conn: Connection) -> list[Delivery]:
    j = monitor_deliveries.join(monitor_webhooks)
    q = (
        select(monitor_deliveries, monitor_webhooks.c.url)
        .select_from(j)
        .where(monitor_deliveries.c.status == "dead")
        .order_by(monitor_deliveries.c.id)
    )
    return [
        Delivery(
            r.id, r.webhook_id, r.url, r.event, r.status, r.attempts, r.last_status, r.last_error
        )
        for r in conn.execute(q)
    ]


def redeliver_dead(
    conn: Connection,
    settings: Settings,
    *,
    client: httpx.Client | None = None,
    attempts: int = 3,
    base_delay: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send every dead letter again (same body, same signature)."""
    secret = _secret(settings)
    own = client is None
    http = client or httpx.Client(timeout=10.0)
    out = []
    try:
        for d in dead_letters(conn):
            body = (
                conn.execute(
                    select(monitor_deliveries.c.body).where(monitor_deliveries.c.id == d.id)
                )
                .scalar_one()
                .encode("utf-8")
            )
            out.append(
                _send(
                    conn,
                    d.id,
                    d.url,
                    d.event,
                    body,
                    secret,
                    client=http,
                    attempts=attempts,
                    base_delay=base_delay,
                    max_delay=60.0,
                    sleep=sleep,
                )
            )
    finally:
        if own:
            http.close()
    return out


def alert_payload(alert: Any) -> dict[str, Any]:
    """A JSON-able dict of an alert object from ``tradescreen.review.alerts``."""
    if hasattr(alert, "to_dict"):
        d = alert.to_dict()
        assert isinstance(d, dict)
        return d
    import dataclasses

    if dataclasses.is_dataclass(alert) and not isinstance(alert, type):
        return {k: v for k, v in dataclasses.asdict(alert).items()}
    return dict(alert) if isinstance(alert, Mapping) else {"alert": str(alert)}


__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "Delivery",
    "Webhook",
    "add_webhook",
    "alert_payload",
    "dead_letters",
    "deliver",
    "encode",
    "list_webhooks",
    "redeliver_dead",
    "remove_webhook",
    "sign",
    "verify_signature",
]
