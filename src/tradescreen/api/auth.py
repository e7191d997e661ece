"""``Authorization: Bearer KEY`` (or ``ApiKey KEY``, as yente clients such as nomenklatura send
it) with nested roles, and per-key rate limiting.

401 without a key or with an unknown/revoked one; 403 when the key's role is too low;
429 when the key's token bucket is empty. The yente-compatible routes (``/match``, ``/search``,
``/entities``, ``/catalog``...) also admit requests without a key when
``Settings.yente_anonymous`` is on (off by default): read-only screener access, rate-limited per
client address, recorded as actor ``anonymous``. A key that is sent is always checked.
The trade.gov CSL-compatible routes also take the key as the government API does: a
``subscription-key`` header or query parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tradescreen.access.keys import ApiKey, Role, verify_key
from tradescreen.api.context import ApiContext, Ctx
from tradescreen.api.errors import RateLimited
from tradescreen.errors import AuthError, Forbidden

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    description="An API key from `tradescreen keys create NAME --role ROLE`.",
)


SCHEMES = ("bearer", "apikey")  # Authorization schemes accepted, compared case-insensitively
ANONYMOUS = ApiKey(
    id="anonymous",
    name="anonymous",
    role=Role.SCREENER,
    created_at=datetime(1970, 1, 1, tzinfo=UTC),
)


SUBSCRIPTION_KEY = "subscription-key"  # the trade.gov API's header and query parameter


def presented_key(
    request: Request,
    creds: HTTPAuthorizationCredentials | None,
    *,
    subscription_key: bool = False,
) -> str | None:
    """The key of ``Authorization: Bearer KEY`` or ``Authorization: ApiKey KEY``, if any;
    with ``subscription_key``, else the ``subscription-key`` header or query parameter."""
    if creds is not None:
        return creds.credentials
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() in SCHEMES and value.strip():
        return value.strip()
    if subscription_key:
        sent = request.headers.get(SUBSCRIPTION_KEY) or request.query_params.get(SUBSCRIPTION_KEY)
        if sent and sent.strip():
            return sent.strip()
    return None


def _throttle(ctx: ApiContext, bucket: str) -> None:
    wait = ctx.limiter.acquire(bucket)
    if wait > 0:
        seconds = ctx.limiter.retry_after(wait)
        raise RateLimited(
            f"rate limit of {ctx.settings.api_rate_limit_per_minute}/minute exceeded; "
            f"retry in {seconds} s",
            retry_after=seconds,
        )


def require(
    role: Role, *, anonymous_ok: bool = False, subscription_key: bool = False
) -> Callable[..., ApiKey]:
    """A dependency admitting keys of ``role`` or above (and, with ``anonymous_ok``, requests
    without a key when ``Settings.yente_anonymous`` is on; with ``subscription_key``, a key
    sent as the trade.gov API's ``subscription-key`` header or parameter)."""

    def dependency(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        ctx: Ctx,
    ) -> ApiKey:
        token = presented_key(request, creds, subscription_key=subscription_key)
        if token is None:
            if anonymous_ok and ctx.settings.yente_anonymous:
                host = request.client.host if request.client else "unknown"
                _throttle(ctx, f"anonymous:{host}")
                request.state.api_key = ANONYMOUS
                return ANONYMOUS
            also = " or a subscription-key header" if subscription_key else ""
            raise AuthError(
                f"missing API key: send 'Authorization: Bearer KEY' (or 'ApiKey KEY'){also}"
            )
        key = verify_key(ctx.engine, token)
        if key is None:
            raise AuthError("invalid or revoked API key")
        if not key.role.allows(role):
            raise Forbidden(f"this route needs the {role.value} role; the key is {key.role.value}")
        _throttle(ctx, key.id)
        request.state.api_key = key
        return key

    dependency.__name__ = f"require_{role.value}" + ("_or_anonymous" if anonymous_ok else "")
    return dependency


screener = require(Role.SCREENER)
reviewer = require(Role.REVIEWER)
admin = require(Role.ADMIN)
yente_reader = require(Role.SCREENER, anonymous_ok=True)
csl_reader = require(Role.SCREENER, subscription_key=True)

ScreenerKey = Annotated[ApiKey, Depends(screener)]
ReviewerKey = Annotated[ApiKey, Depends(reviewer)]
AdminKey = Annotated[ApiKey, Depends(admin)]
YenteReader = Annotated[ApiKey, Depends(yente_reader)]
CslReader = Annotated[ApiKey, Depends(csl_reader)]

__all__ = [
    "ANONYMOUS",
    "AdminKey",
    "CslReader",
    "ReviewerKey",
    "ScreenerKey",
    "YenteReader",
    "admin",
    "bearer",
    "csl_reader",
    "require",
    "reviewer",
    "screener",
    "yente_reader",
]
