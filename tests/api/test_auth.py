"""Keys and roles on EVERY route: 401 without/with a bad key, 403 below the role, else allowed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from tradescreen.access.keys import Role, create_key, revoke_key

from .support import Client, auth

# (method, path) -> the lowest role allowed, and a body that passes validation.
ROUTES: dict[tuple[str, str], tuple[Role, Any]] = {
    ("POST", "/v1/screen"): (Role.SCREENER, {"name": "Hikvision"}),
    ("POST", "/v1/screen/batch"): (Role.SCREENER, {"queries": [{"name": "Hikvision"}]}),
    ("GET", "/v1/lists"): (Role.SCREENER, None),
    ("GET", "/v1/entities/{entity_id}"): (Role.SCREENER, None),
    ("GET", "/v1/export"): (Role.SCREENER, None),
    ("GET", "/consolidated_screening_list/v1/search"): (Role.SCREENER, None),
    ("GET", "/consolidated_screening_list/v1/sources"): (Role.SCREENER, None),
    ("POST", "/match/{dataset}"): (
        Role.SCREENER,
        {"queries": {"q1": {"schema": "Company", "properties": {"name": ["Hikvision"]}}}},
    ),
    ("GET", "/entities/{entity_id}"): (Role.SCREENER, None),
    ("GET", "/search/{dataset}"): (Role.SCREENER, None),
    ("GET", "/catalog"): (Role.SCREENER, None),
    ("GET", "/manifest"): (Role.SCREENER, None),
    ("GET", "/algorithms"): (Role.SCREENER, None),
    ("POST", "/v1/check"): (
        Role.SCREENER,
        {"parties": [{"name": "Hikvision"}], "item": "EAR99", "destination": "CN"},
    ),
    ("GET", "/v1/cases"): (Role.REVIEWER, None),
    ("GET", "/v1/cases/{case_id}"): (Role.REVIEWER, None),
    ("POST", "/v1/cases/{case_id}/decision"): (
        Role.REVIEWER,
        {"verdict": "true_match", "reason": "same address"},
    ),
    ("POST", "/v1/cases/{case_id}/approve"): (Role.REVIEWER, {}),
    ("POST", "/v1/cases/{case_id}/reject"): (Role.REVIEWER, {"reason": "no"}),
    ("POST", "/v1/lists/load"): (Role.ADMIN, {"paths": ["nonexistent-list.csv"]}),
    ("GET", "/v1/keys"): (Role.ADMIN, None),
    ("POST", "/v1/keys"): (Role.ADMIN, {"name": "new-key", "role": "screener"}),
    ("DELETE", "/v1/keys/{name_or_id}"): (Role.ADMIN, None),
    ("GET", "/v1/audit/export"): (Role.ADMIN, None),
    ("GET", "/v1/audit/verify"): (Role.ADMIN, None),
}
PUBLIC = {"/healthz", "/readyz"}
YENTE = ("/match", "/search", "/entities", "/catalog", "/manifest", "/algorithms")
CSL = "/consolidated_screening_list/"
PARAMS = {
    "entity_id": "no-such-entity",
    "dataset": "default",
    "case_id": "999999",
    "name_or_id": "no-such-key",
}


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(METHOD, path) of every operation the OpenAPI document lists, web UI excluded."""
    out: list[tuple[str, str]] = []
    for path, ops in app.openapi()["paths"].items():
        if path.startswith(("/v1", *YENTE, CSL)):
            out.extend((m.upper(), path) for m in ops)
    return out


def _url(path: str) -> str:
    for name, value in PARAMS.items():
        path = path.replace("{" + name + "}", value)
    return path


def test_every_route_is_classified(app: FastAPI) -> None:
    mounted = set(api_routes(app))
    assert ("POST", "/v1/screen") in mounted
    unknown = mounted - set(ROUTES)
    assert not unknown, f"routes without a role in this test: {unknown}"
    paths = app.openapi()["paths"]
    for path, ops in paths.items():
        for op in ops.values():
            if path in PUBLIC:
                assert "security" not in op
            elif path.startswith(("/v1", *YENTE, CSL)):
                assert op["security"] == [{"apiKey": []}], path


@pytest.fixture
def mounted(app: FastAPI) -> set[tuple[str, str]]:
    return set(api_routes(app))


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_roles(
    route: tuple[str, str],
    mounted: set[tuple[str, str]],
    client: Client,
    keys: dict[str, str],
    api_engine: Engine,
) -> None:
    assert route in mounted, f"{route} is not mounted"
    method, path = route
    needed, body = ROUTES[route]
    url = _url(path)
    kw: dict[str, Any] = {"json": body} if body is not None else {}

    r = client.request(method, url, **kw)
    assert r.status_code == 401, r.text
    assert r.json()["error"] == "unauthorized" and r.headers["www-authenticate"] == "Bearer"
    for bad in ("garbage", "ts_000000000000_" + "A" * 43, keys["admin"][:-2] + "xx"):
        r = client.request(method, url, headers=auth(bad), **kw)
        assert r.status_code == 401, (bad, r.text)
    r = client.request(method, url, headers={"Authorization": "Basic dXNlcjpwdw=="}, **kw)
    assert r.status_code == 401

    for role in Role:
        r = client.request(method, url, headers=auth(keys[role.value]), **kw)
        if role.allows(needed):
            assert r.status_code not in (401, 403), (role, r.text)
            assert r.status_code < 500, (role, r.text)
        else:
            assert r.status_code == 403, (role, r.text)
            assert r.json()["error"] == "forbidden"

    # a revoked key of the right role is refused
    record, token = create_key(api_engine, f"revoked-{route[0]}-{route[1]}", needed)
    revoke_key(api_engine, record.id)
    r = client.request(method, url, headers=auth(token), **kw)
    assert r.status_code == 401
