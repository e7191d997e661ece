"""Bad input never gives a 500: a clear 4xx with ``{"error": code, "detail": message}``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tradescreen.access.keys import Role, create_key

from .support import Client, auth, build_app

H = {"Content-Type": "application/json"}


def _err(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    return dict(body)


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b'{"name": "Huawei"', 400, "malformed_json"),
        (b"not json at all", 400, "malformed_json"),
        (b"", 422, "invalid_input"),
        (b"[]", 422, "invalid_input"),
        (b'"Huawei"', 422, "invalid_input"),
        (b"null", 422, "invalid_input"),
        (b'{"name": "\xff\xfeHua\xc3"}', 400, "malformed_body"),
        ('{"name": "Hikvision"}'.encode("utf-16"), 400, "malformed_body"),
        (b'{"name": 42}', 422, "invalid_input"),
        (b'{"name": ["Huawei"]}', 422, "invalid_input"),
        (b'{"name": ""}', 422, "invalid_input"),
        (b'{"name": "   "}', 422, "invalid_input"),
        (b'{"name": "Huawei", "colour": "red"}', 422, "invalid_input"),
        (b'{"name": "Huawei", "country": "Chinaa"}', 422, "invalid_input"),
        (b'{"name": "Huawei", "country": "ZZ"}', 422, "invalid_input"),
        (b'{"name": "A"}', 422, "invalid_input"),
        (b'{"name": "Huawei", "kind": "company"}', 422, "invalid_input"),
        (b'{"name": "Huawei", "as_of": "2024-13-45"}', 422, "invalid_input"),
        (b'{"name": "Huawei", "threshold": 7}', 422, "invalid_input"),
        (b'{"name": "Huawei", "limit": 0}', 422, "invalid_input"),
        (b'{"name": "Huawei", "limit": "many"}', 422, "invalid_input"),
        (b'{"name": "' + b"x" * 501 + b'"}', 422, "invalid_input"),
    ],
)
def test_bad_screen_bodies(
    client: Client, keys: dict[str, str], content: bytes, status: int, code: str
) -> None:
    r = client.post("/v1/screen", content=content, headers={**H, **auth(keys["screener"])})
    _err(r, status, code)


def test_unknown_field_is_named(client: Client, keys: dict[str, str]) -> None:
    r = client.post(
        "/v1/screen", json={"name": "Huawei", "colour": "red"}, headers=auth(keys["screener"])
    )
    body = _err(r, 422, "invalid_input")
    assert "colour" in body["detail"]


def test_oversized_body_413_before_parsing(client: Client, keys: dict[str, str]) -> None:
    big = b'{"name": "' + b"A" * 70_000 + b'"}'  # api_max_body_bytes = 64,000
    r = client.post("/v1/screen", content=big, headers={**H, **auth(keys["screener"])})
    _err(r, 413, "payload_too_large")
    # not even valid JSON, and no key: the size is checked first
    r = client.post("/v1/screen", content=b"\xff" * 65_000, headers=H)
    _err(r, 413, "payload_too_large")


def test_streamed_body_without_length_is_counted(client: Client, keys: dict[str, str]) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"name": "'
        for _ in range(70):
            yield b"B" * 1000
        yield b'"}'

    r = client.post("/v1/screen", content=chunks(), headers={**H, **auth(keys["screener"])})
    _err(r, 413, "payload_too_large")


def test_not_found_and_method_not_allowed(client: Client, keys: dict[str, str]) -> None:
    _err(client.get("/v1/nothing-here", headers=auth(keys["admin"])), 404, "not_found")
    _err(client.get("/v1/screen", headers=auth(keys["admin"])), 405, "method_not_allowed")


def test_library_errors_mapped_once(client: Client, keys: dict[str, str]) -> None:
    # NotFound from the key library -> 404; InvalidInput -> 422
    h = auth(keys["admin"])
    _err(client.delete("/v1/keys/nobody", headers=h), 404, "not_found")
    r = client.post("/v1/keys", json={"name": "dup", "role": "screener"}, headers=h)
    assert r.status_code == 201
    _err(
        client.post("/v1/keys", json={"name": "dup", "role": "screener"}, headers=h),
        422,
        "invalid_input",
    )
    client.delete("/v1/keys/dup", headers=h)


def test_rate_limit_429_per_key(api_settings, api_store, api_screener, api_engine) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings.model_copy(update={"api_rate_limit_per_minute": 5})
    app: FastAPI = build_app(settings, api_store, api_screener, api_engine)
    c = Client(app)
    try:
        _, a = create_key(api_engine, "rl-a", Role.SCREENER)
        _, b = create_key(api_engine, "rl-b", Role.SCREENER)
        codes = [c.get("/v1/lists", headers=auth(a)).status_code for _ in range(7)]
        assert codes == [200] * 5 + [429] * 2
        r = c.get("/v1/lists", headers=auth(a))
        body = _err(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1 and "5/minute" in body["detail"]
        assert c.get("/v1/lists", headers=auth(b)).status_code == 200  # buckets are per key
    finally:
        c.close()
