"""The REST API application factory.

``create_api(settings)`` opens the store and the screener from the settings;
tests pass their own ``store``/``screener``/``engine``. Everything a route needs is on
``app.state.ctx`` (an :class:`ApiContext`); ``app.state.settings``, ``.store``, ``.screener``
and ``.engine`` are there too for the web UI's routes (``tradescreen.server`` mounts both).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy.engine import Engine

from tradescreen import __version__
from tradescreen.api.context import ApiContext
from tradescreen.api.docs import install_docs
from tradescreen.api.middleware import BodyLimitMiddleware
from tradescreen.api.ratelimit import TokenBucketLimiter
from tradescreen.api.render import install_error_handlers
from tradescreen.api.routes import (
    audit,
    csl,
    decisions,
    export,
    health,
    keys,
    lists,
    review,
    screening,
    yente,
)
from tradescreen.services import Services, Store
from tradescreen.settings import Settings

log = logging.getLogger("tradescreen.api")

DESCRIPTION = """
Restricted-party screening and export-control decisions.

Every `/v1` route needs `Authorization: Bearer KEY` (`ApiKey KEY` works too; create keys with
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
    {
        "name": "yente compatibility",
        "description": "yente's `/match`, `/search`, `/entities`, `/catalog`, `/algorithms`.",
    },
    {
        "name": "trade.gov CSL compatibility",
        "description": "The Consolidated Screening List API's `/search` and `/sources`.",
    },
    {"name": "health", "description": "Probes."},
]


def create_api(
    settings: Settings,
    *,
    store: Store | None = None,
    screener: Any = None,
    engine: Engine | None = None,
    warm: bool = False,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The API app. ``warm``: build the screener's index in a background thread at startup
    (a request arriving meanwhile waits for it), so the first screening is not the slow one."""
    # the one schema path: Alembic, idempotent (adopts existing tables); a list update swaps
    # indexes in the background, so no request waits for a build
    services = Services.open(
        settings, store=store, engine=engine, screener=screener, background_swap=True
    )
    store, engine, screener = services.store, services.engine, services.screener
    ctx = ApiContext(
        settings=settings,
        engine=engine,
        limiter=TokenBucketLimiter(settings.api_rate_limit_per_minute),
        store=store,
        screener=screener,
        audit_key=services.audit_key,
        services=services,
    )
    app = FastAPI(
        lifespan=_warming(screener) if warm else None,
        title="tradescreen",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.state.ctx = ctx
    app.state.settings = settings
    app.state.store = store
    app.state.screener = screener
    app.state.engine = engine
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.api_max_body_bytes,
        body_timeout=settings.api_body_timeout,
    )
    for module in (health, screening, lists, export, keys, yente, csl, decisions, review, audit):
        app.include_router(module.router)
    for router in routers:  # the web UI, mounted by tradescreen.server
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


__all__ = ["create_api"]
