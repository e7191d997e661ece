"""One act, one record: the same screening made through the CLI, the API and the web UI opens the
same alerts and appends an audit record with the same payload, apart from the channel and the
actor (issue 11). Every channel calls ``Services.screen_and_record``; this test would fail if one
of them screened or recorded its own way again."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tradescreen.access.keys import Role, create_key
from tradescreen.audit.chain import iter_records, load_or_create_key, verify
from tradescreen.cli import main as cli_main
from tradescreen.review.alerts import list_alerts
from tradescreen.server import create_app
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lists" / "us_csl_sample.csv"
NAME = "Hangzhou Hikvision Digital Technology Co., Ltd."
AS_OF = "2026-06-01"


def _run(coro: Any) -> Any:
    return asyncio.new_event_loop().run_until_complete(coro)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    db = tmp_path / "channels.db"
    monkeypatch.setenv("TRADESCREEN_DB", str(db))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    assert cli_main(["load", str(SAMPLE)]) == 0
    return {"db": db, "settings": Settings()}


def _api_and_web(settings: Settings, cp: str) -> None:
    app = create_app(settings)
    engine = app.state.services.engine
    token = create_key(engine, "ann", Role.REVIEWER)[1]

    async def go() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            r = await client.post(
                "/v1/screen",
                json={"name": NAME, "as_of": AS_OF, **({"counterparty": cp} if cp else {})},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert r.status_code == 200, r.text
            assert r.json()["hits"], "the API found no hit for the listed name"
            form = await client.get("/ui/login")
            found = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
            assert found, form.text
            login = await client.post("/ui/login", data={"api_key": token, "csrf": found.group(1)})
            assert login.status_code == 303, login.text
            page = await client.get("/ui/search")
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
            assert csrf is not None
            r = await client.post(
                "/ui/search",
                data={"name": NAME, "as_of": AS_OF, "counterparty": cp, "csrf": csrf.group(1)},
            )
            assert r.status_code == 200, r.text

    _run(go())


def _screenings(settings: Settings, db: Path) -> list[Any]:
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        with store.engine.connect() as conn:
            assert verify(conn, load_or_create_key(settings, conn)).ok
            return [r for r in iter_records(conn) if r.action == "screening"]
    finally:
        store.close()


def _alerts(db: Path) -> list[Any]:
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        with store.engine.connect() as conn:
            return list_alerts(conn)
    finally:
        store.close()


def _same_but_channel(payload: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(payload))
    out["context"].pop("channel")
    out["context"].pop("alerts")  # alert ids: the first screening opens, the others keep them
    return out


@pytest.mark.parametrize("cp", ["CUST-1", None])
def test_cli_api_and_web_record_the_same_screening(
    env: dict[str, Any], capsys: pytest.CaptureFixture[str], cp: str | None
) -> None:
    args = ["screen", NAME, "--as-of", AS_OF, "--json"]
    assert cli_main(args + (["--counterparty", cp] if cp else [])) == 0
    assert json.loads(capsys.readouterr().out)["hits"]
    _api_and_web(env["settings"], cp or "")
    records = _screenings(env["settings"], env["db"])
    assert [r.payload["context"]["channel"] for r in records] == ["cli", "api", "web"]
    assert records[0].actor.startswith("cli:") and {r.actor for r in records[1:]} == {"ann"}
    first, *others = (_same_but_channel(r.payload) for r in records)
    assert all(o == first for o in others), "a channel recorded a different payload"
    alerts = _alerts(env["db"])
    if cp is None:  # an exploratory search opens no alert, through any door
        assert alerts == [] and all(r.payload["context"]["alerts"] == [] for r in records)
    else:  # the first door opens the alerts, the others meet the same ones
        assert alerts and {a.counterparty_key for a in alerts} == {cp}
        ids = {a.id for a in alerts}
        assert all(set(r.payload["context"]["alerts"]) == ids for r in records)
