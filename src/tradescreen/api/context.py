"""What every route needs, built once by ``create_app`` and kept on ``app.state.ctx``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from tradescreen.api.ratelimit import TokenBucketLimiter
from tradescreen.errors import Unavailable
from tradescreen.services import Services, Store
from tradescreen.services.csl import CslCatalogue
from tradescreen.services.ftm import EntityHistory
from tradescreen.settings import Settings

log = logging.getLogger("tradescreen.api")


@dataclass
class ApiContext:
    settings: Settings
    engine: Engine
    limiter: TokenBucketLimiter
    store: Store | None = None
    screener: Any = None  # a screening.screener.Screener (duck-typed: .screen, .screen_many)
    audit_key: bytes | None = None  # the audit MAC key, when tradescreen.audit is installed
    services: Services | None = None  # the application layer every route calls
    _history: EntityHistory | None = field(default=None, repr=False)
    _csl: CslCatalogue | None = field(default=None, repr=False)

    def entity_history(self) -> EntityHistory:
        """first_seen / last_seen / last_change of entities (cached per list version set)."""
        if self._history is None:
            self._history = EntityHistory(self.need_store())
        return self._history

    def csl_catalogue(self) -> CslCatalogue:
        """The CSL entries of the lists in force (cached per version set)."""
        if self._csl is None:
            self._csl = CslCatalogue(self.need_store())
        return self._csl

    def need_store(self) -> Store:
        if self.store is None:
            raise Unavailable("the list store is not available")
        return self.store

    def need_screener(self) -> Any:
        if self.screener is None:
            raise Unavailable("the screening engine is not available")
        return self.screener

    def need_services(self) -> Services:
        if self.services is None:
            raise Unavailable("the screening engine is not available")
        return self.services


def get_ctx(request: Request) -> ApiContext:
    ctx = request.app.state.ctx
    assert isinstance(ctx, ApiContext)
    return ctx


Ctx = Annotated[ApiContext, Depends(get_ctx)]


__all__ = ["ApiContext", "Ctx", "get_ctx"]
