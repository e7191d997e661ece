"""Browser sessions for the web UI: sign in once with an API key, then a signed cookie.

The cookie holds only the key's public id and an expiry, signed with a secret derived from the
audit key (so every worker agrees and a restart keeps sessions). The key is looked up again on
every request, so revoking it, or changing its role, ends or narrows the session at once.
Forms carry a CSRF token bound to the session; the cookie is HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

COOKIE = "ts_ui"
TTL_SECONDS = 8 * 3600
_CONTEXT = b"tradescreen web session v1"


@dataclass(frozen=True, slots=True)
class WebUser:
    key_id: str
    name: str
    role: str  # screener | reviewer | admin

    def allows(self, role: str) -> bool:
        from tradescreen.access.keys import Role

        return Role(self.role).allows(Role(role))


def session_secret(audit_key: bytes) -> bytes:
    return hmac.new(audit_key, _CONTEXT, hashlib.sha256).digest()


def _sign(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def make_cookie(secret: bytes, key_id: str, *, now: float | None = None) -> str:
    expiry = int((now if now is not None else time.time()) + TTL_SECONDS)
    body = f"{key_id}.{expiry}"
    return f"{body}.{_sign(secret, body)}"


def read_cookie(secret: bytes, value: str | None, *, now: float | None = None) -> str | None:
    """The key id of a valid, unexpired cookie, else None."""
    if not value or value.count(".") != 2:
        return None
    key_id, expiry, mac = value.split(".")
    if not hmac.compare_digest(_sign(secret, f"{key_id}.{expiry}"), mac):
        return None
    try:
        if int(expiry) < (now if now is not None else time.time()):
            return None
    except ValueError:
        return None
    return key_id


def csrf_token(secret: bytes, cookie: str) -> str:
    return _sign(secret, "csrf:" + cookie)[:32]


def check_csrf(secret: bytes, cookie: str | None, token: str | None) -> bool:
    if not cookie or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie), token)


def login(engine: Engine, token: str) -> WebUser | None:
    """The user of an API key (``ts_<id>_<secret>``), or None when it is unknown or revoked."""
    from tradescreen.access.keys import verify_key

    key = verify_key(engine, token.strip())
    if key is None:
        return None
    return WebUser(key.id, key.name, key.role.value)


def user_of(engine: Engine, key_id: str) -> WebUser | None:
    """The active key with this id, looked up again on every request."""
    from sqlalchemy import select

    from tradescreen.access.tables import api_keys

    with engine.connect() as conn:
        row: Any = conn.execute(
            select(api_keys.c.id, api_keys.c.name, api_keys.c.role).where(
                api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None)
            )
        ).first()
    return WebUser(row.id, row.name, row.role) if row else None


__all__ = [
    "COOKIE",
    "WebUser",
    "check_csrf",
    "csrf_token",
    "login",
    "make_cookie",
    "read_cookie",
    "session_secret",
    "user_of",
]
