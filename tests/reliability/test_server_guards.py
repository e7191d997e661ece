"""Issue 12 items 10 and 12, the server's part: screening routes with no list loaded, a store
locked by another writer, NUL and control characters in names, terminal output of key names.

(The served process's read timeouts and connection cap: ``test_serve_limits.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.api.support import Client

from tradescreen.access.keys import Role, create_key
from tradescreen.server import create_app
from tradescreen.settings import Settings


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[FastAPI]:
    settings = Settings(db="sqlite://", audit_key_file=tmp_path / "audit.key")
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


# -- item 12: every screening route refuses with no list in force ---------------------------


def test_every_screening_route_refuses_an_empty_store(empty_app: FastAPI) -> None:
    _, token = create_key(empty_app.state.engine, "s", Role.SCREENER)
    client = Client(empty_app, token)
    try:
        example = {"queries": {"q1": {"schema": "Company", "properties": {"name": ["ACME"]}}}}
        answers = {
            "/v1/screen": client.post("/v1/screen", json={"name": "ACME Corp"}),
            "/v1/screen/batch": client.post(
                "/v1/screen/batch", json={"queries": [{"name": "ACME Corp"}]}
            ),
            "/match/default": client.post("/match/default", json=example),
            "/match/sanctions": client.post("/match/sanctions", json=example),
            "/search/default": client.get("/search/default", params={"q": "ACME"}),
        }
        for route, r in answers.items():
            assert r.status_code == 503, (route, r.status_code, r.text)
            assert r.json()["error"] == "no_lists", (route, r.text)
            assert "no list loaded" in r.json()["detail"], (route, r.text)
        # a search without a name screens nothing: an empty answer, not a refusal
        assert client.get("/search/default").status_code == 200
        assert client.get("/catalog").status_code == 200
    finally:
        client.close()


def test_yente_anonymous_match_refuses_an_empty_store(tmp_path: Path) -> None:
    settings = Settings(db="sqlite://", audit_key_file=tmp_path / "k", yente_anonymous=True)
    app = create_app(settings)
    client = Client(app)
    try:
        example = {"queries": {"q1": {"schema": "Person", "properties": {"name": ["Jo Doe"]}}}}
        r = client.post("/match/default", json=example, headers={})
        assert r.status_code == 503 and r.json()["error"] == "no_lists", r.text
    finally:
        client.close()
        app.state.engine.dispose()
