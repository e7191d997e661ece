"""Two emoji added to a listed name must not hide it, through any door (issue 12, item 11).

The library (``Screener.screen``), the CLI (``tradescreen screen --json``) and the API
(``POST /v1/screen`` over an ASGI transport) all screen the same damaged names against the
bundled sample CSL (Huawei) with one SDN row added for a person (Eric Badege).
"""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from tradescreen.access.keys import Role, create_key
from tradescreen.cli import main as cli_main
from tradescreen.model import Query
from tradescreen.screening.screener import Screener
from tradescreen.server import create_app
from tradescreen.settings import Settings
from tradescreen.store.sql import open_store

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lists" / "us_csl_sample.csv"
AS_OF = "2026-06-01"
CASES = [
    ("HUAWEI TECHNOLOGIES CO LTD 🚀🚀", "Huawei Technologies Co., Ltd."),
    ("ERIC BADEGE 🙂🙂", "BADEGE, Eric"),
    ("Huawei 🇨🇳 Technologies ✅ Co., Ltd.", "Huawei Technologies Co., Ltd."),
    ("ERIC\u200d BADEGE 👍🏽❤️", "BADEGE, Eric"),
]


def _list_file(tmp: Path) -> Path:
    """The sample CSL plus one SDN row (OFAC SDN entry 15718, public domain)."""
    path = tmp / "csl_plus_one.csv"
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0])
    row = dict.fromkeys(header, "")
    row.update(
        _id="15718",
        source="Specially Designated Nationals (SDN) - Treasury Department",
        entity_number="15718",
        type="Individual",
        programs="DRCONGO",
        name="BADEGE, Eric",
        start_date="2012-12-31",
        nationalities="CD",
    )
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, header)
        w.writeheader()
        w.writerows([*rows, row])
    return path


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TRADESCREEN_DB", str(tmp_path / "emoji.db"))
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    assert cli_main(["load", str(_list_file(tmp_path))]) == 0
    return Settings()


def _listed(hit_names: list[str], expected: str) -> bool:
    return any(expected in n for n in hit_names)


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_library(env: Settings, query: str, expected: str) -> None:
    store = open_store(env)
    res = Screener(store, env).screen(Query(query), as_of=date.fromisoformat(AS_OF))
    assert _listed([h.entity.name for h in res.hits], expected), res.hits
    assert max(h.score for h in res.hits) >= 0.99


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_cli(env: Settings, query: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["screen", query, "--as-of", AS_OF, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert _listed([h["name"] for h in out["hits"]], expected), out["hits"]


def test_api(env: Settings) -> None:
    app = create_app(env)
    token = create_key(app.state.services.engine, "ann", Role.REVIEWER)[1]

    async def go() -> list[dict[str, Any]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            out = []
            for query, _ in CASES:
                r = await client.post(
                    "/v1/screen",
                    json={"name": query, "as_of": AS_OF},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert r.status_code == 200, r.text
                out.append(r.json())
            return out

    bodies = asyncio.new_event_loop().run_until_complete(go())
    for (query, expected), body in zip(CASES, bodies, strict=True):
        names = [h["name"] for h in body["hits"]]
        assert _listed(names, expected), (query, names)
