"""API-only error kinds, on the shared ``TradescreenError`` base so one handler maps them all."""

from __future__ import annotations

from tradescreen.errors import TradescreenError, Unavailable


class BadRequest(TradescreenError):
    """A request yente would answer 400: an unparseable example, or a parameter that cannot be
    applied (refused rather than silently ignored)."""

    code = "bad_request"
    http_status = 400
    exit_code = 2


class PayloadTooLarge(TradescreenError):
    code = "payload_too_large"
    http_status = 413
    exit_code = 2


class RateLimited(TradescreenError):
    code = "rate_limited"
    http_status = 429
    exit_code = 2

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


__all__ = ["BadRequest", "PayloadTooLarge", "RateLimited", "Unavailable"]
