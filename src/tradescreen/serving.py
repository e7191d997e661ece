"""The HTTP protocol ``tradescreen serve`` runs: uvicorn's h11 protocol with a header read
timeout and a cap on open connections.

Slow clients held open before authentication exhausted the process's file descriptors for
everyone (260 dripping request bodies). Now, per process:

- a client that has not sent its request line and headers within
  ``settings.server_header_timeout`` seconds (from the connection, or from the first byte of
  the next request on a kept-alive one) gets 408 and the connection is closed;
- the request body is read within ``settings.api_body_timeout`` seconds or answered 408
  (``api.middleware.BodyLimitMiddleware``, before authentication);
- a connection beyond ``settings.server_max_connections`` open ones is answered 503 with
  ``Retry-After`` at once and closed, so the descriptors held stay bounded.

uvicorn loads the class by name (``http="tradescreen.serving:GuardedH11Protocol"``) in every
worker; the limits are read from ``TRADESCREEN_*`` there, once per process.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import h11
import orjson
from uvicorn.protocols.http.h11_impl import H11Protocol

from tradescreen.settings import Settings

RETRY_AFTER = 1  # seconds: a busy server sheds connections quickly, so come back soon

PROTOCOL = "tradescreen.serving:GuardedH11Protocol"  # what `tradescreen serve` passes uvicorn


@functools.cache
def _limits() -> tuple[float, int]:
    s = Settings()
    return s.server_header_timeout, s.server_max_connections


def _raw(status: str, code: str, detail: str, *extra: str) -> bytes:
    body = orjson.dumps({"error": code, "detail": detail})
    head = [
        f"HTTP/1.1 {status}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        "connection: close",
        *extra,
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's ``H11Protocol`` with a header read timeout and a connection cap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout, self._max_connections = _limits()
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._max_connections:
            transport.write(
                _raw(
                    "503 Service Unavailable",
                    "busy",
                    f"too many open connections (limit {self._max_connections}); try again",
                    f"retry-after: {RETRY_AFTER}",
                )
            )
            transport.close()
            return
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.transport.is_closing():
            self._disarm()
        elif self.conn.their_state is h11.IDLE:  # a request line or headers still to come
            self._arm()
        else:  # headers complete: the body has its own timeout
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()  # the idle keep-alive timer takes over
        self._disarm()

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self._header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a response is being written; the headers of the next request can wait
        self.transport.write(
            _raw(
                "408 Request Timeout",
                "request_timeout",
                f"request headers not received within {self._header_timeout:g} s",
            )
        )
        self.transport.close()


__all__ = ["PROTOCOL", "GuardedH11Protocol"]
