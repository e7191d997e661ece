"""Request-size limit, body read timeout, UTF-8 and NUL checks, on the raw bytes before
anything parses them (and before authentication).

A NUL character (U+0000) anywhere in the URL or in a JSON body's strings is refused with 400
on every backend alike (PostgreSQL cannot store or search it: five routes answered 500;
SQLite would have stored it). ``tradescreen.db`` refuses it again at the database.
"""

from __future__ import annotations

import asyncio

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradescreen.api.render import error_body


class BodyLimitMiddleware:
    """Reads the request body up to ``max_bytes`` (413 beyond it), then replays it downstream."""

    def __init__(self, app: ASGIApp, max_bytes: int, body_timeout: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body_timeout = body_timeout  # the whole body, not per read: a drip cannot reset it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"").lower():
            await _reject(send, 400, "bad_request", "NUL character (U+0000) in the URL")
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reject(send, 400, "bad_request", "invalid Content-Length header")
                    return
                if declared > self.max_bytes:
                    await self._too_large(send)
                    return
        chunks: list[bytes] = []
        total = 0
        more = True
        deadline = asyncio.get_running_loop().time() + self.body_timeout
        while more:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                await _reject(
                    send,
                    408,
                    "request_timeout",
                    f"request body not received within {self.body_timeout:g} s",
                )
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        if body and _is_json(scope) and not _utf8(body):
            await _reject(send, 400, "malformed_body", "the JSON body is not valid UTF-8")
            return
        if b"\\u0000" in body and _is_json(scope) and _json_has_nul(body):
            await _reject(send, 400, "bad_request", "NUL character (U+0000) in the request body")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await _reject(
            send,
            413,
            "payload_too_large",
            f"request body larger than {self.max_bytes} bytes",
        )


def _is_json(scope: Scope) -> bool:
    """JSON bodies (declared so, or undeclared: FastAPI reads those as JSON)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            kind = bytes(value).split(b";", 1)[0].strip().lower()
            return bool(kind == b"application/json" or kind.endswith(b"+json"))
    return True


def _json_has_nul(body: bytes) -> bool:
    """A string (or key) of the JSON body holds U+0000 (not merely the text ``\\u0000``)."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False  # FastAPI answers malformed JSON itself
    stack = [doc]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if "\x00" in v:
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


async def _reject(send: Send, status: int, code: str, detail: str) -> None:
    body = error_body(code, detail)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


__all__ = ["BodyLimitMiddleware"]
