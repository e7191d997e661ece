"""``Authorization: Bearer KEY`` with nested roles, and per-key rate limiting.

401 without a key or with an unknown/revoked one; 403 when the key's role is too low;
429 when the key's token bucket is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tradescreen.access.keys import ApiKey, Role, verify_key
from tradescreen.api.context import Ctx
from tradescreen.api.errors import RateLimited
from tradescreen.errors import AuthError, Forbidden

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    description="An API key from `tradescreen keys create NAME --role ROLE`.",
)


def require(role: Role) -> Callable[..., ApiKey]:
    """A dependency admitting keys of ``role`` or above."""

    def dependency(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        ctx: Ctx,
    ) -> ApiKey:
        if creds is None:
            raise AuthError("missing API key: send 'Authorization: Bearer KEY'")
        key = verify_key(ctx.engine, creds.credentials)
        if key is None:
            raise AuthError("invalid or revoked API key")
        if not key.role.allows(role):
            raise Forbidden(f"this route needs the {role.value} role; the key is {key.role.value}")
        wait = ctx.limiter.acquire(key.id)
        if wait > 0:
            seconds = ctx.limiter.retry_after(wait)
            raise RateLimited(
                f"rate limit of {ctx.settings.api_rate_limit_per_minute}/minute exceeded; "
                f"retry in {seconds} s",
                retry_after=seconds,
            )
        request.state.api_key = key
        return key

    dependency.__name__ = f"require_{role.value}"
    return dependency


screener = require(Role.SCREENER)
reviewer = require(Role.REVIEWER)
admin = require(Role.ADMIN)

ScreenerKey = Annotated[ApiKey, Depends(screener)]
ReviewerKey = Annotated[ApiKey, Depends(reviewer)]
AdminKey = Annotated[ApiKey, Depends(admin)]

__all__ = [
    "AdminKey",
    "ReviewerKey",
    "ScreenerKey",
    "admin",
    "bearer",
    "require",
    "reviewer",
    "screener",
]
