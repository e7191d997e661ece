"""API keys: create, list, revoke, verify. Only a SHA-256 of each key's secret is stored.

A key reads ``ts_<id>_<secret>``: ``id`` (12 hex characters) is public and finds the row;
``secret`` is 32 random bytes (URL-safe base64). Verification hashes the presented secret and
compares it with :func:`hmac.compare_digest`. Roles nest: screener < reviewer < admin.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.engine import Engine, RowMapping

from tradescreen.access.tables import api_keys
from tradescreen.errors import InvalidInput, NotFound

PREFIX = "ts_"
ID_HEX = 12
SECRET_BYTES = 32


class Role(StrEnum):
    SCREENER = "screener"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        """True when this role may do what ``needed`` may (roles nest)."""
        return self.rank >= needed.rank


_RANK = {Role.SCREENER: 0, Role.REVIEWER: 1, Role.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, str | bool | None]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "active": self.active,
        }


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite drops the zone
        return value.replace(tzinfo=UTC)
    return value


def _row(row: RowMapping) -> ApiKey:
    created = _utc(row["created_at"])
    assert created is not None
    return ApiKey(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        created_at=created,
        revoked_at=_utc(row["revoked_at"]),
    )


def _hash(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()


def create_key(engine: Engine, name: str, role: Role | str) -> tuple[ApiKey, str]:
    """A new key named ``name``; returns the record and the key, shown this once only."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a key name must be 1 to 200 characters")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}; use screener, reviewer or admin") from None
    raw = secrets.token_bytes(SECRET_BYTES)
    key_id = secrets.token_hex(ID_HEX // 2)
    token = PREFIX + key_id + "_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        taken = conn.execute(
            select(api_keys.c.id).where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
        ).first()
        if taken is not None:
            raise InvalidInput(f"an active key named {name!r} exists; revoke it first")
        conn.execute(
            api_keys.insert().values(
                id=key_id, name=name, role=role.value, key_hash=_hash(raw), created_at=now
            )
        )
    return ApiKey(id=key_id, name=name, role=role, created_at=now), token


def list_keys(engine: Engine, *, include_revoked: bool = True) -> list[ApiKey]:
    query = select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)
    if not include_revoked:
        query = query.where(api_keys.c.revoked_at.is_(None))
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(query).mappings()]


def revoke_key(engine: Engine, name_or_id: str) -> ApiKey:
    """Revoke the active key with this id or name. Raises NotFound when there is none."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        rows = list(
            conn.execute(
                select(api_keys).where(
                    (api_keys.c.id == name_or_id) | (api_keys.c.name == name_or_id),
                    api_keys.c.revoked_at.is_(None),
                )
            ).mappings()
        )
        if not rows:
            raise NotFound(f"no active API key with id or name {name_or_id!r}")
        by_id = [r for r in rows if r["id"] == name_or_id]
        row = by_id[0] if by_id else rows[0]
        conn.execute(update(api_keys).where(api_keys.c.id == row["id"]).values(revoked_at=now))
    key = _row(row)
    return ApiKey(key.id, key.name, key.role, key.created_at, now)


def parse_token(token: str) -> tuple[str, bytes] | None:
    """(id, secret bytes) of a well-formed key, else None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    key_id, sep, secret = token[len(PREFIX) :].partition("_")
    if not sep or len(key_id) != ID_HEX or not secret:
        return None
    try:
        raw = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    except (binascii.Error, ValueError):
        return None
    return (key_id, raw) if len(raw) == SECRET_BYTES else None


def verify_key(engine: Engine, token: str) -> ApiKey | None:
    """The active key this token is, else None (unknown, malformed, revoked or wrong secret)."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    key_id, raw = parsed
    with engine.connect() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
    if row is None:
        hmac.compare_digest(_hash(raw), "0" * 64)  # same work whether or not the id exists
        return None
    if not hmac.compare_digest(_hash(raw), row["key_hash"]) or row["revoked_at"] is not None:
        return None
    return _row(row)


__all__ = [
    "ApiKey",
    "Role",
    "create_key",
    "list_keys",
    "parse_token",
    "revoke_key",
    "verify_key",
]
