"""The FastAPI application factory.

``create_app(settings)`` opens the store and the screener from the settings;
tests pass their own ``store``/``screener``/``engine``. Everything a route needs is on
``app.state.ctx`` (an :class:`ApiContext`); ``app.state.settings``, ``.store``, ``.screener``
and ``.engine`` are there too for the web UI's routes.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from tradescreen import __version__
from tradescreen.api.context import ApiContext, optional_module
from tradescreen.api.middleware import BodyLimitMiddleware
from tradescreen.api.ratelimit import TokenBucketLimiter
from tradescreen.api.render import install_error_handlers
from tradescreen.api.routes import health, keys, lists, screening, yente
from tradescreen.db import make_engine
from tradescreen.settings import Settings
from tradescreen.store import migrate
from tradescreen.store.base import Store

log = logging.getLogger("tradescreen.api")

DESCRIPTION = """
Restricted-party screening and export-control decisions.

Every `/v1` route needs `Authorization: Bearer KEY` (create keys with
`tradescreen keys create NAME --role screener|reviewer|admin`). Roles nest:
**screener** (screen, check, lists, entities, `/match`) < **reviewer** (+ cases and review
actions) < **admin** (+ keys, list loads, audit export).

Errors are always `{"error": code, "detail": message}`.
"""

TAGS = [
    {"name": "screening", "description": "Screen parties against the active lists."},
    {"name": "decisions", "description": "Licence decisions (listings, authorisations)."},
    {"name": "lists", "description": "List versions, freshness, loads and entities."},
    {"name": "review", "description": "Alerts (cases) and reviewer decisions."},
    {"name": "audit", "description": "The tamper-evident audit trail."},
    {"name": "keys", "description": "API key management."},
    {"name": "yente compatibility", "description": "yente's `/match/{dataset}`."},
    {"name": "health", "description": "Probes."},
]


def _open_store(settings: Settings) -> Store | None:
    sql = optional_module("tradescreen.store.sql")
    if sql is None:
        log.warning("tradescreen.store.sql is not available; store routes answer 503")
        return None
    store: Store = sql.open_store(settings)
    return store


def _make_screener(store: Store | None, settings: Settings) -> Any:
    mod = optional_module("tradescreen.screen")
    if mod is None or store is None:
        log.warning("tradescreen.screen is not available; screening routes answer 503")
        return None
    return mod.Screener(store, settings)


def _engine_of(store: Store | None, settings: Settings) -> Engine:
    engine = getattr(store, "engine", None)
    if isinstance(engine, Engine):
        return engine
    return make_engine(settings.db_url())


def audit_key(settings: Settings) -> bytes | None:
    """The audit MAC key (created on first use), or None when tradescreen.audit is absent."""
    audit = optional_module("tradescreen.audit")
    if audit is None:
        log.warning("tradescreen.audit is not available; answers are not audited")
        return None
    key: bytes = audit.load_or_create_key(settings)
    return key


OPTIONAL_ROUTERS = (
    "tradescreen.api.routes.decisions",  # needs tradescreen.decide.check
    "tradescreen.api.routes.review",  # needs tradescreen.review
    "tradescreen.api.routes.audit",  # needs tradescreen.audit
    "tradescreen.web.routes",  # the HTML UI
)


def _optional_router(name: str) -> Any:
    """The module's ``router``, or None when it (or the library part it needs) is absent."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("tradescreen"):
            log.warning("%s not mounted: %s", name, exc)
            return None
        raise
    except ImportError as exc:  # a library function the routes need is not written yet
        log.warning("%s not mounted: %s", name, exc)
        return None
    return getattr(module, "router", None)


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    screener: Any = None,
    engine: Engine | None = None,
    warm: bool = False,
) -> FastAPI:
    """The API app. ``warm``: build the screener's index in a background thread at startup
    (a request arriving meanwhile waits for it), so the first screening is not the slow one."""
    if store is None:
        store = _open_store(settings)
    if engine is None:
        engine = _engine_of(store, settings)
    migrate.upgrade(engine)  # the one schema path: Alembic, idempotent (adopts existing tables)
    if screener is None:
        screener = _make_screener(store, settings)
    ctx = ApiContext(
        settings=settings,
        engine=engine,
        limiter=TokenBucketLimiter(settings.api_rate_limit_per_minute),
        store=store,
        screener=screener,
        audit_key=audit_key(settings),
    )
    app = FastAPI(
        lifespan=_warming(screener) if warm else None,
        title="tradescreen",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
    )
    app.state.ctx = ctx
    app.state.settings = settings
    app.state.store = store
    app.state.screener = screener
    app.state.engine = engine
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api_max_body_bytes)
    for module in (health, screening, lists, keys, yente):
        app.include_router(module.router)
    for name in OPTIONAL_ROUTERS:
        router = _optional_router(name)
        if router is not None:
            app.include_router(router)
    return app


def _warming(screener: Any) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if screener is not None and hasattr(screener, "warm"):
            threading.Thread(target=_warm, args=(screener,), daemon=True).start()
        yield

    return lifespan


def _warm(screener: Any) -> None:
    try:
        screener.warm()
    except Exception:  # a broken store shows up on the first request instead
        log.exception("warming the screening index failed")


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (``tradescreen serve``): settings from TRADESCREEN_*."""
    return create_app(Settings(), warm=True)


__all__ = ["app_from_env", "audit_key", "create_app"]
