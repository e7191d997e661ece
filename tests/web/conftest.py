"""Web UI fixtures: the real app (create_app), SQL store and screener over a small list.

The list holds a few Entity List and Denied Persons List entries transcribed from the staged
data (Hikvision, Huawei, Dahua, one denied person), so screening, explanations and entity
pages run on realistic records while each test stays fast.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from tradescreen.access.keys import Role, create_key
from tradescreen.db import all_tables, make_engine
from tradescreen.model import Address, Citation, Entity, EntityKind, Listing, Name, NameKind
from tradescreen.screening.screener import Screener
from tradescreen.server import create_app
from tradescreen.settings import Settings
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import SqlStore

EL = "us_bis_el"
EL_NAME = "Entity List (15 CFR 744 Supp. 4)"
DPL = "us_bis_dpl"

HIKVISION = Entity(
    id="us_bis_el-hikvision",
    kind=EntityKind.ORGANIZATION,
    names=(
        Name("Hangzhou Hikvision Digital Technology Co., Ltd."),
        Name("Hikvision", NameKind.AKA),
    ),
    listings=(
        Listing(
            EL,
            EL_NAME,
            citations=(Citation(84, 54004, date(2019, 10, 9)), Citation(85, 34505)),
            start_date=date(2019, 10, 9),
            license_requirement="For all items subject to the EAR.",
            license_policy="Case-by-case review for ECCNs 1A004.c, 1A004.d, 1A995, 1A999...",
            source_url="https://www.ecfr.gov/current/title-15/part-744/appendix-Supplement%20No.%204%20to%20Part%20744",
        ),
    ),
    addresses=(
        Address(full="No. 555 Qianmo Road, Binjiang District, Hangzhou, 310052", country="CN"),
        Address(full="700 Dongliu Road, Binjiang District, Hangzhou", country="CN"),
    ),
    countries=("CN",),
)
HUAWEI = Entity(
    id="us_bis_el-huawei",
    kind=EntityKind.ORGANIZATION,
    names=(
        Name("Huawei Technologies Co., Ltd."),
        Name("Shenzhen Huawei Technologies", NameKind.AKA),
    ),
    listings=(
        Listing(
            EL,
            EL_NAME,
            citations=(Citation(84, 22963),),
            start_date=date(2019, 5, 21),
            license_policy="Presumption of denial",
        ),
    ),
    addresses=(Address(full="Bantian Huawei Base, Longgang District, Shenzhen 518129"),),
    countries=("CN",),
)
DAHUA = Entity(
    id="us_bis_el-dahua",
    kind=EntityKind.ORGANIZATION,
    names=(Name("Zhejiang Dahua Technology Co., Ltd."), Name("Dahua Technology", NameKind.AKA)),
    listings=(
        Listing(EL, EL_NAME, citations=(Citation(84, 54004),), start_date=date(2019, 10, 9)),
    ),
    countries=("CN",),
)
DENIED = Entity(
    id="us_bis_dpl-00042",
    kind=EntityKind.PERSON,
    names=(Name("Aleksandr Mikhailovich Ivanov"),),
    listings=(Listing(DPL, "Denied Persons List", start_date=date(2023, 3, 2)),),
    addresses=(Address(city="Moscow", country="RU"),),
    countries=("RU",),
)
ENTITIES = (HIKVISION, HUAWEI, DAHUA)


class ApprovalSettings(Settings):
    review_approval_score: float | None = None


class WebClient:
    """A synchronous browser-like client: httpx.AsyncClient over ASGITransport, with cookies."""

    def __init__(self, app: FastAPI) -> None:
        self._loop = asyncio.new_event_loop()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        self.csrf = ""

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        resp = self._loop.run_until_complete(self._client.request(method, url, **kwargs))
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', resp.text)
        if found:
            self.csrf = found.group(1)
        return resp

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: dict[str, str] | None = None, **kw: Any) -> httpx.Response:
        form = {"csrf": self.csrf, **(data or {})}
        return self.request("POST", url, data=form, **kw)

    def login(self, token: str) -> httpx.Response:
        self.get("/ui/login")  # the sign-in form's CSRF token and pre-session cookie
        resp = self.post("/ui/login", {"api_key": token})
        assert resp.status_code == 303, resp.text
        self.get("/ui/search")  # picks up the session's CSRF token
        return resp

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


def make_store(engine: Engine, entities: tuple[Entity, ...] = ENTITIES) -> SqlStore:
    all_tables().create_all(engine)
    store = SqlStore(engine)
    store.create_schema()
    store.add_versions(
        [
            NewVersion(
                EL,
                EL_NAME,
                "test",
                "test",
                uuid.uuid4().hex * 2,
                list(entities),
                # age counts from the data's own date: today's data, loaded now
                data_date=datetime.now(UTC).date(),
                retrieved_at=datetime.now(UTC),
            ),
            NewVersion(
                DPL,
                "Denied Persons List",
                "test",
                "test",
                uuid.uuid4().hex * 2,
                [DENIED],
                data_date=(datetime.now(UTC) - timedelta(days=30)).date(),
                retrieved_at=datetime.now(UTC) - timedelta(days=30),
            ),
        ]
    )
    return store


@pytest.fixture
def web_env(tmp_path: Path) -> Iterator[dict[str, Any]]:
    engine = make_engine("sqlite://")
    store = make_store(engine)
    settings = ApprovalSettings(
        db="sqlite://",
        audit_key_file=tmp_path / "audit.key",
        stale_after_days=7,
        api_rate_limit_per_minute=100_000,
    )
    screener = Screener(store, settings)
    app = create_app(settings, store=store, screener=screener, engine=engine)
    tokens = {
        name: create_key(engine, name, role)[1]
        for name, role in (
            ("ann", Role.REVIEWER),
            ("bob", Role.REVIEWER),
            ("sam", Role.SCREENER),
            ("ada", Role.ADMIN),
        )
    }
    clients: list[WebClient] = []

    def client(name: str | None = None) -> WebClient:
        c = WebClient(app)
        clients.append(c)
        if name:
            c.login(tokens[name])
        return c

    yield {
        "app": app,
        "engine": engine,
        "store": store,
        "settings": settings,
        "tokens": tokens,
        "client": client,
    }
    for c in clients:
        c.close()
    engine.dispose()


ClientFactory = Callable[..., WebClient]
