"""What every route needs, built once by ``create_app`` and kept on ``app.state.ctx``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from tradescreen.api.errors import Unavailable
from tradescreen.api.ratelimit import TokenBucketLimiter
from tradescreen.settings import Settings
from tradescreen.store.base import Store

log = logging.getLogger("tradescreen.api")


@dataclass
class ApiContext:
    settings: Settings
    engine: Engine
    limiter: TokenBucketLimiter
    store: Store | None = None
    screener: Any = None  # tradescreen.screen.Screener (duck-typed: .screen, .screen_many)
    audit_key: bytes | None = None  # the audit MAC key, when tradescreen.audit is installed

    def need_store(self) -> Store:
        if self.store is None:
            raise Unavailable("the list store is not available")
        return self.store

    def need_screener(self) -> Any:
        if self.screener is None:
            raise Unavailable("the screening engine is not available")
        return self.screener

    def need_audit_key(self) -> bytes:
        if self.audit_key is None:
            raise Unavailable("the audit trail is not available")
        return self.audit_key

    def audit_screening(
        self, actor: str, results: list[Any], *, counterparty: str | None = None, **context: Any
    ) -> None:
        """One audit record per screening request (a batch is one request); with a
        ``counterparty``, raise review alerts for its hits in the same transaction."""
        if not results or (self.audit_key is None and counterparty is None):
            return
        info = {"channel": "api", **context}
        with self.engine.begin() as conn:
            if counterparty is not None:
                from tradescreen.review import raise_alerts

                for result in results:
                    alerts = raise_alerts(
                        conn,
                        counterparty_key=counterparty,
                        result=result,
                        source="api",
                        key=self.audit_key,
                        actor=actor,
                    )
                info["counterparty_key"] = counterparty
                info["alerts"] = [a.id for a in alerts]
            if self.audit_key is None:
                return
            from tradescreen.audit import events

            if len(results) == 1:
                events.record_screening(
                    conn, actor=actor, result=results[0], key=self.audit_key, context=info
                )
            else:
                events.record_screenings(
                    conn, actor=actor, results=results, key=self.audit_key, context=info
                )

    def audit_decision(self, actor: str, decision: Any) -> None:
        if self.audit_key is None:
            return
        from tradescreen.audit import events

        with self.engine.begin() as conn:
            events.record_decision(
                conn, actor=actor, decision=decision, key=self.audit_key, context={"channel": "api"}
            )

    def audit_action(self, actor: str, action: str, payload: dict[str, Any]) -> None:
        """Administrative actions (keys, list loads)."""
        if self.audit_key is None:
            return
        from tradescreen.audit import record

        with self.engine.begin() as conn:
            record(conn, actor=actor, action=action, payload=payload, key=self.audit_key)


def get_ctx(request: Request) -> ApiContext:
    ctx = request.app.state.ctx
    assert isinstance(ctx, ApiContext)
    return ctx


Ctx = Annotated[ApiContext, Depends(get_ctx)]


__all__ = ["ApiContext", "Ctx", "get_ctx"]
