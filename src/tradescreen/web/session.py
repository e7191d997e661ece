"""Browser sessions for the web UI: sign in once with an API key, then a signed cookie.

The cookie holds only the key's public id, an expiry and a random session nonce, signed with a
secret derived from the audit key (so every worker agrees and a restart keeps sessions). The key
is looked up again on every request, so revoking it, or changing its role, ends or narrows the
session at once; signing out records the nonce in ``web_sessions_ended``, so a copy of the cookie
taken before is refused too. Forms carry a CSRF token bound to the session (the sign-in form, before
there is a session, one bound to a pre-session cookie); the cookie is HttpOnly and
SameSite=Strict.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

COOKIE = "ts_ui"
LOGIN_COOKIE = "ts_login"  # pre-session cookie the sign-in form's CSRF token is bound to
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


@dataclass(frozen=True, slots=True)
class Session:
    key_id: str
    nonce: str
    expiry: int


def make_cookie(
    secret: bytes, key_id: str, *, now: float | None = None, nonce: str | None = None
) -> str:
    expiry = int((now if now is not None else time.time()) + TTL_SECONDS)
    body = f"{key_id}.{expiry}.{nonce or secrets.token_hex(16)}"
    return f"{body}.{_sign(secret, body)}"


def read_cookie(secret: bytes, value: str | None, *, now: float | None = None) -> Session | None:
    """The session of a valid, unexpired cookie, else None."""
    if not value or value.count(".") != 3:
        return None
    key_id, expiry, nonce, mac = value.split(".")
    if not hmac.compare_digest(_sign(secret, f"{key_id}.{expiry}.{nonce}"), mac):
        return None
    try:
        when = int(expiry)
    except ValueError:
        return None
    if when < (now if now is not None else time.time()):
        return None
    return Session(key_id, nonce, when)


def end_session(engine: Engine, found: Session) -> None:
    """Sign-out: the session's nonce is refused from now on, whoever holds a copy."""
    from sqlalchemy.exc import IntegrityError

    from tradescreen.access.tables import web_sessions_ended

    row = {
        "nonce": found.nonce,
        "key_id": found.key_id,
        "ended_at": datetime.now(UTC),
        "expires_at": datetime.fromtimestamp(found.expiry, UTC),
    }
    try:
        with engine.begin() as conn:
            conn.execute(web_sessions_ended.insert().values(**row))
    except IntegrityError:  # signed out twice
        pass


def _ended(engine: Engine, nonce: str) -> bool:
    from sqlalchemy import select

    from tradescreen.access.tables import web_sessions_ended

    with engine.connect() as conn:
        q = select(web_sessions_ended.c.nonce).where(web_sessions_ended.c.nonce == nonce)
        return conn.execute(q).first() is not None


def login_nonce() -> str:
    return secrets.token_hex(16)


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


def user_of(engine: Engine, found: Session) -> WebUser | None:
    """The active key of a session not signed out, looked up again on every request."""
    from sqlalchemy import select

    from tradescreen.access.tables import api_keys

    with engine.connect() as conn:
        row: Any = conn.execute(
            select(api_keys.c.id, api_keys.c.name, api_keys.c.role).where(
                api_keys.c.id == found.key_id, api_keys.c.revoked_at.is_(None)
            )
        ).first()
    if row is None or _ended(engine, found.nonce):
        return None
    return WebUser(row.id, row.name, row.role)


__all__ = [
    "COOKIE",
    "LOGIN_COOKIE",
    "Session",
    "WebUser",
    "check_csrf",
    "csrf_token",
    "end_session",
    "login",
    "login_nonce",
    "make_cookie",
    "read_cookie",
    "session_secret",
    "user_of",
]
