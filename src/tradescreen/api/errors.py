"""API-only error kinds, on the shared ``TradescreenError`` base so one handler maps them all."""

from __future__ import annotations

from tradescreen.errors import TradescreenError


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


class Unavailable(TradescreenError):
    """A part of the engine this route needs is not installed or not ready."""

    code = "unavailable"
    http_status = 503
    exit_code = 2


__all__ = ["PayloadTooLarge", "RateLimited", "Unavailable"]
