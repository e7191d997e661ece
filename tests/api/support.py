"""API test support: the real SQL store and screener over real list data, in-process HTTP.

The store holds the BIS Entity List (eCFR, July 2026) and the BIS Denied Persons List read from
the real-data folder (``tests/data_paths.py``; skipped without it, failed in CI) by a small reader
here (the project's readers may not be installed yet), so
every test screens real names: Hikvision, Huawei, Dahua and the unrelated "DAHUA ELECTRONICS".
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from tests.data_paths import LISTS, require_data

from tradescreen.model import Citation, Entity, EntityKind, Listing, Name, NameKind
from tradescreen.screening.screener import Screener
from tradescreen.server import create_app
from tradescreen.settings import Settings
from tradescreen.store.sql import SqlStore

EL_FILE = LISTS / "us_bis_entity_list" / "bis_entity_list_ecfr_2026-07.json"
DPL_FILE = LISTS / "us_bis_dpl" / "bis_dpl_2026-04-14.json"
AS_OF = date(2026, 8, 1)
_FR = re.compile(r"(\d{2,3})\s*F\.?\s*R\.?\s*(\d{3,6})")


# The countries most entries name (a reader-independent subset; others stay unset).
COUNTRIES = {
    "China": "CN", "Russia": "RU", "United States": "US", "United Arab Emirates": "AE",
    "Pakistan": "PK", "Iran": "IR", "Turkey": "TR", "United Kingdom": "GB", "Malaysia": "MY",
    "Singapore": "SG", "Belarus": "BY", "Canada": "CA", "Germany": "DE", "Afghanistan": "AF",
    "Cyprus": "CY", "Lebanon": "LB", "France": "FR", "Syria": "SY", "Burma": "MM",
    "Finland": "FI", "India": "IN", "Iraq": "IQ", "Hong Kong": "HK", "Taiwan": "TW",
}  # fmt: skip


def _country(name: str | None) -> tuple[str, ...]:
    code = COUNTRIES.get(name or "")
    return (code,) if code else ()


def _entities(path: Path, code: str, list_name: str) -> list[Entity]:
    rows = json.loads(require_data(path).read_text(encoding="utf-8"))["entities"]
    out = []
    for i, row in enumerate(rows):
        cites = tuple(
            Citation(int(v), int(p)) for v, p in _FR.findall(row.get("federal_register") or "")
        )
        eff = row.get("effective_date")
        listing = Listing(
            list_code=code,
            list_name=list_name,
            citations=cites,
            start_date=date.fromisoformat(eff) if eff else date(2019, 1, 1),
            license_requirement=row.get("notes"),
            source_id=str(i),
        )
        names = (Name(row["name"]), *(Name(a, NameKind.AKA) for a in row.get("aliases") or ()))
        out.append(
            Entity(
                id=f"{code}-{i:05d}",
                kind=EntityKind.ORGANIZATION,
                names=names,
                listings=(listing,),
                countries=_country(row.get("country")),
            )
        )
    return out


def build_app(settings: Settings, store: SqlStore, screener: Screener, engine: Engine) -> FastAPI:
    return create_app(settings, store=store, screener=screener, engine=engine)


class Client:
    """A synchronous face on ``httpx.AsyncClient`` over ``httpx.ASGITransport`` (in-process)."""

    def __init__(self, app: FastAPI, token: str | None = None) -> None:
        self._loop = asyncio.new_event_loop()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
