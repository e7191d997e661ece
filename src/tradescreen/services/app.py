"""``Services``: the application layer, built once from ``Settings``.

It holds the store, its SQL engine, the screener, the audit key and the one clock, and owns the
use cases every adapter calls (CLI, API, web UI): screen-and-record, batch screening records,
the application's "today". No adapter opens a store or a screener itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from tradescreen.audit.chain import AuditRecord, load_or_create_key
from tradescreen.clock import Clock, SystemClock, zone
from tradescreen.decide.items import Transaction
from tradescreen.errors import Unavailable
from tradescreen.model import Query
from tradescreen.results import ScreenResult
from tradescreen.screen import Screener
from tradescreen.services.decisions import CheckedDecision, check_and_record
from tradescreen.services.regulations import regulations_dir
from tradescreen.services.screening import ReviewedScreening, record_batch, screen_and_review
from tradescreen.services.status import ListStatus, list_status
from tradescreen.settings import Settings
from tradescreen.store import migrate
from tradescreen.store.base import Store, sql_engine
from tradescreen.store.sql import open_store


@dataclass
class Services:
    settings: Settings
    store: Store
    engine: Engine
    screener: Any  # a Screener, or a stand-in with .screen / .screen_many (tests)
    audit_key: bytes
    clock: Clock

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        store: Store | None = None,
        engine: Engine | None = None,
        screener: Any = None,
        clock: Clock | None = None,
        background_swap: bool = False,
        upgrade_schema: bool = True,
    ) -> Services:
        """Open the store named by ``settings`` (or use ``store``, with its ``engine``: a store
        that is not a :class:`SqlStore` must be given its engine, there is no other way to reach
        the tables of review, audit and monitoring)."""
        if store is None:
            store = open_store(settings)
        if engine is None:
            engine = sql_engine(store)
            if engine is None:
                raise TypeError("a store that is not SQL-backed needs its engine passed in")
        if upgrade_schema:
            migrate.upgrade(engine)
        clock = clock or SystemClock(zone(settings.timezone))
        if screener is None:
            screener = Screener(store, settings, background_swap=background_swap)
        return cls(settings, store, engine, screener, load_or_create_key(settings), clock)

    # -- the clock -------------------------------------------------------------------------
    def today(self) -> date:
        """The default "as of" of every channel: the clock's day in ``settings.timezone``."""
        return self.clock.today()

    def now(self) -> datetime:
        return self.clock.now()

    # -- decisions -----------------------------------------------------------------------
    def check_and_record(
        self,
        tx: Transaction,
        *,
        actor: str,
        channel: str,
        known_at: datetime | None = None,
        record: bool = True,
    ) -> CheckedDecision:
        """Decide ``tx`` on its date, store the decision (``record``) and audit it."""
        if self.screener is None:
            raise Unavailable("the screening engine is not available")
        return check_and_record(
            self.engine,
            self.screener,
            tx,
            actor=actor,
            channel=channel,
            key=self.audit_key,
            now=self.now(),
            known_at=known_at,
            record=record,
            regulations=regulations_dir(self.settings),
        )

    # -- lists ---------------------------------------------------------------------------
    def list_status(self, *, with_quarantined: bool = False) -> ListStatus:
        """The versions in force, their age at the clock's now, staleness, missing lists."""
        return list_status(self.store, self.settings, self.now(), with_quarantined=with_quarantined)

    # -- screening -------------------------------------------------------------------------
    def screen_and_record(
        self,
        query: Query,
        *,
        actor: str,
        channel: str,
        as_of: date | None = None,
        known_at: datetime | None = None,
        threshold: float | None = None,
        limit: int | None = None,
        counterparty_key: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> ReviewedScreening:
        """Screen one party, raise (or suppress) alerts for a named counterparty and append
        one audit record, in one transaction; the same payload through every channel."""
        if self.screener is None:
            raise Unavailable("the screening engine is not available")
        options: dict[str, Any] = {"known_at": known_at, "threshold": threshold}
        if limit is not None:
            options["limit"] = limit
        with self.engine.begin() as conn:
            return screen_and_review(
                conn,
                self.screener,
                query,
                as_of=as_of or self.today(),
                actor=actor,
                key=self.audit_key,
                counterparty_key=counterparty_key,
                channel=channel,
                now=self.now(),
                context=context,
                **options,
            )

    def screen_many_and_record(
        self,
        queries: Sequence[Query],
        *,
        actor: str,
        channel: str,
        as_of: date | None = None,
        known_at: datetime | None = None,
        threshold: float | None = None,
        limit: int | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> tuple[list[ScreenResult], AuditRecord | None]:
        """Screen many parties as one request and append one audit record (no alerts)."""
        if self.screener is None:
            raise Unavailable("the screening engine is not available")
        options: dict[str, Any] = {
            "as_of": as_of or self.today(),
            "known_at": known_at,
            "threshold": threshold,
        }
        if limit is not None:
            options["limit"] = limit
        if hasattr(self.screener, "screen_many"):
            results = list(self.screener.screen_many(list(queries), **options))
        else:
            results = [self.screener.screen(q, **options) for q in queries]
        return results, self.record_screenings(
            results, actor=actor, channel=channel, context=context
        )

    def record_screenings(
        self,
        results: Sequence[ScreenResult],
        *,
        actor: str,
        channel: str,
        context: Mapping[str, Any] | None = None,
    ) -> AuditRecord | None:
        """One audit record for screenings an adapter composed itself (yente's ``/match``
        screens each example's names and keeps the best hit per entity)."""
        with self.engine.begin() as conn:
            return record_batch(
                conn,
                list(results),
                actor=actor,
                key=self.audit_key,
                channel=channel,
                now=self.now(),
                context=context,
            )


__all__ = ["Services"]
