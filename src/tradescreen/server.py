"""The served application: the REST API and the web UI mounted on one FastAPI app.

Neither adapter imports the other; this module is the only place both meet.
``tradescreen serve`` runs :func:`app_from_env` under uvicorn.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tradescreen.api.app import create_api
from tradescreen.settings import Settings
from tradescreen.web import routes as web
from tradescreen.web.headers import SecurityHeaders


def create_app(settings: Settings, **options: Any) -> FastAPI:
    """The API and the web UI over one ``Services`` (options: see ``create_api``); the UI's
    responses carry the security headers of :mod:`tradescreen.web.headers`."""
    app = create_api(settings, routers=(web.router,), **options)
    app.add_middleware(SecurityHeaders, prefix="/ui")
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (``tradescreen serve``): settings from TRADESCREEN_*."""
    return create_app(Settings(), warm=True)


__all__ = ["app_from_env", "create_app"]
