"""``Services``: the application layer, built once from ``Settings``.

It holds the store, its SQL engine, the screener, the audit key and the one clock, and owns the
use cases every adapter calls (CLI, API, web UI): screen-and-record, batch screening records,
the application's "today". No adapter opens a store or a screener itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from sqlalchemy.engine import Engine

from tradescreen.access.keys import ApiKey, create_key, list_keys, revoke_key
from tradescreen.audit.chain import AuditRecord, VerifyReport, load_or_create_key
from tradescreen.audit.chain import record as audit_record
from tradescreen.clock import Clock, SystemClock, zone
from tradescreen.decide.items import Transaction
from tradescreen.errors import InvalidInput, NotFound, Unavailable
from tradescreen.loading import Allow, LoadReport, load_files
from tradescreen.model import Entity, ListVersion, Query
from tradescreen.monitor.counterparties import Counterparty, ImportReport
from tradescreen.monitor.delta import DeltaReport
from tradescreen.monitor.webhooks import Delivery, Webhook
from tradescreen.results import ScreenResult
from tradescreen.review.alerts import Alert
from tradescreen.screening.freshness import require_lists
from tradescreen.screening.screener import Screener
from tradescreen.services import audit, decision_data, monitoring, review
from tradescreen.services.decision_data import OwnershipEdge, SpecificLicence
from tradescreen.services.decisions import CheckedDecision, check_and_record
from tradescreen.services.ftm import ExportReport, check_format, export_versions, write_export
from tradescreen.services.lists import update as update_feeds
from tradescreen.services.regulations import regulations_dir
from tradescreen.services.screening import ReviewedScreening, record_batch, screen_and_review
from tradescreen.services.status import ListStatus, list_status
from tradescreen.settings import Settings
from tradescreen.sources.download import FeedResult
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
            # open_store runs the migrations itself: upgrading again here cost a second
            # alembic pass (and a second connection) on every command.
            store = open_store(settings, create=upgrade_schema)
        elif upgrade_schema:
            schema_engine = sql_engine(store) if engine is None else engine
            if schema_engine is not None:
                migrate.upgrade(schema_engine)
        if engine is None:
            engine = sql_engine(store)
            if engine is None:
                raise TypeError("a store that is not SQL-backed needs its engine passed in")
        clock = clock or SystemClock(zone(settings.timezone))
        if screener is None:
            screener = Screener(store, settings, background_swap=background_swap, clock=clock)
        return cls(settings, store, engine, screener, load_or_create_key(settings, engine), clock)

    def close(self) -> None:
        """Release the database connections (a long-lived process opening many services)."""
        self.engine.dispose()

    def _need_screener(self) -> Any:
        """The screener, or Unavailable (an adapter built without one: a read-only API)."""
        if self.screener is None:
            raise Unavailable("the screening engine is not available")
        return self.screener

    @staticmethod
    def _options(
        known_at: datetime | None, threshold: float | None, limit: int | None
    ) -> dict[str, Any]:
        """Screening options as the screener takes them; ``limit`` only when given, so the
        screener's own default applies otherwise."""
        options: dict[str, Any] = {"known_at": known_at, "threshold": threshold}
        if limit is not None:
            options["limit"] = limit
        return options

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
        self.require_lists(known_at)
        return check_and_record(
            self.engine,
            self._need_screener(),
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
    def require_lists(self, known_at: datetime | None = None) -> None:
        """Refuse (:class:`NoListsLoaded`: exit 7, HTTP 503) a screening or decision with no
        list in force, or none known at ``known_at``: "no hit" against nothing is no answer.
        ``settings.screen_without_lists`` turns the refusal off."""
        if self.settings.screen_without_lists:
            return
        in_force = getattr(self.screener, "versions_in_force", None)
        versions = in_force(known_at) if callable(in_force) else None
        if versions is None:
            versions = self.store.active_versions(known_at)
        require_lists(versions, self.settings, known_at)

    def list_status(self, *, with_quarantined: bool = False) -> ListStatus:
        """The versions in force, their age at the clock's now, staleness, missing lists."""
        return list_status(self.store, self.settings, self.now(), with_quarantined=with_quarantined)

    def export_entities(
        self,
        fp: BinaryIO,
        *,
        fmt: str = "ftm",
        version_ids: Sequence[int] = (),
        known_at: datetime | None = None,
        as_of: date | None = None,
        lists: Sequence[str] = (),
    ) -> ExportReport:
        """Write the entities of the versions in force (at ``known_at``), or of stored versions
        by id, as FtM or tradescreen JSON lines (:mod:`tradescreen.services.ftm`)."""
        check_format(fmt)
        versions = export_versions(
            self.store, version_ids=version_ids, known_at=known_at, lists=lists
        )
        return write_export(self.store, fp, versions, fmt=fmt, as_of=as_of)

    # -- monitoring --------------------------------------------------------------------------
    def import_counterparties(
        self,
        path: Path,
        *,
        actor: str,
        channel: str,
        id_column: str = "id",
        name_column: str = "name",
        country_column: str | None = "country",
        identifier_columns: Sequence[str] = (),
        format: str | None = None,
        replace: bool = False,
    ) -> ImportReport:
        """Add or update the register (idempotent); audited as ``counterparties.import``."""
        rep = monitoring.import_register(
            self.engine,
            path,
            id_column=id_column,
            name_column=name_column,
            country_column=country_column,
            identifier_columns=identifier_columns,
            format=format,
            replace=replace,
        )
        summary = {k: v for k, v in rep.to_dict().items() if k != "rejects"}
        self.record_action(
            actor=actor,
            action="counterparties.import",
            payload={"source": str(path), **summary},
            channel=channel,
        )
        return rep

    def counterparties(
        self, *, active_only: bool = True, limit: int = 50
    ) -> tuple[int, list[Counterparty]]:
        return monitoring.register(self.engine, active_only=active_only, limit=limit)

    def monitor_run(
        self,
        *,
        as_of: date | None = None,
        full: bool = False,
        notify: bool = True,
        workers: int = 1,
    ) -> DeltaReport:
        """Re-screen what changed since the last run (lists and counterparties)."""
        return monitoring.run(
            self.store,
            self.settings,
            as_of=as_of or self.today(),
            now=self.now(),
            full=full,
            notify=notify,
            workers=workers,
        )

    def add_webhook(self, url: str, *, events: str, actor: str, channel: str) -> Webhook:
        hook = monitoring.add_hook(self.engine, url, events=events)
        self.record_action(
            actor=actor,
            action="webhooks.add",
            payload={"id": hook.id, "url": hook.url, "events": hook.events},
            channel=channel,
        )
        return hook

    def webhooks(self) -> tuple[list[Webhook], list[Delivery]]:
        """The active webhooks and the dead letters."""
        return monitoring.hooks(self.engine)

    def remove_webhook(self, webhook_id: int, *, actor: str, channel: str) -> None:
        monitoring.remove_hook(self.engine, webhook_id)
        self.record_action(
            actor=actor, action="webhooks.remove", payload={"id": webhook_id}, channel=channel
        )

    def retry_webhooks(self) -> list[Delivery]:
        return monitoring.retry_dead(self.engine, self.settings)

    # -- the audit trail -------------------------------------------------------------------
    def verify_audit(self, *, anchors: Path | None = None) -> VerifyReport:
        """Every record's MAC and the sequence (and the anchors, which detect a cut tail)."""
        return audit.verify_chain(self.engine, self.audit_key, anchors=anchors)

    def export_audit(
        self,
        out: TextIO,
        *,
        fmt: str = "csv",
        since_seq: int | None = None,
        until_seq: int | None = None,
    ) -> int:
        return audit.export_to(
            self.engine, self.audit_key, out, fmt=fmt, since_seq=since_seq, until_seq=until_seq
        )

    def audit_csv(
        self, *, since_seq: int | None, until_seq: int | None, action: str | None
    ) -> Iterator[bytes]:
        return audit.csv_stream(
            self.engine, since_seq=since_seq, until_seq=until_seq, action=action
        )

    def audit_records(
        self, *, since_seq: int | None, until_seq: int | None, action: str | None
    ) -> Iterator[dict[str, Any]]:
        return audit.records(self.engine, since_seq=since_seq, until_seq=until_seq, action=action)

    def anchor_audit(self, path: Path) -> dict[str, Any]:
        """Verify, then append the chain head to an anchor file kept elsewhere."""
        return audit.anchor(self.engine, self.audit_key, path, now=self.now())

    def prune_audit(self, *, keep_days: int, actor: str) -> tuple[int, datetime]:
        """Remove the records older than ``keep_days`` (a whole prefix, with a checkpoint)."""
        if keep_days < 1:
            raise InvalidInput("--days must be at least 1")
        before = self.now() - timedelta(days=keep_days)
        return audit.prune_before(
            self.engine, self.audit_key, before, actor=actor, now=self.now()
        ), before

    def recent_audit(self, *, limit: int = 100) -> list[tuple[AuditRecord, str]]:
        return audit.newest(self.engine, limit=limit)

    # -- administrative actions ------------------------------------------------------------
    def record_action(
        self, *, actor: str, action: str, payload: Mapping[str, Any], channel: str
    ) -> AuditRecord:
        """Append one audit record of a state-changing action (keys, list loads, settings)."""
        with self.engine.begin() as conn:
            return audit_record(
                conn,
                actor=actor,
                action=action,
                payload={**payload, "context": {"channel": channel}},
                key=self.audit_key,
                now=self.now(),
            )

    def create_key(self, name: str, role: str, *, actor: str, channel: str) -> tuple[ApiKey, str]:
        """A new API key (the secret returned this once) and its ``keys.create`` record."""
        created, token = create_key(self.engine, name, role)
        self.record_action(
            actor=actor, action="keys.create", payload=created.to_dict(), channel=channel
        )
        return created, token

    def revoke_key(self, name_or_id: str, *, actor: str, channel: str) -> ApiKey:
        revoked = revoke_key(self.engine, name_or_id)
        self.record_action(
            actor=actor, action="keys.revoke", payload=revoked.to_dict(), channel=channel
        )
        return revoked

    def keys(self, *, include_revoked: bool = False) -> list[ApiKey]:
        return list_keys(self.engine, include_revoked=include_revoked)

    # -- what decisions read besides the lists --------------------------------------------
    def add_licence(self, licence: SpecificLicence, *, actor: str, channel: str) -> None:
        """Record a specific licence (audited: it changes later decisions)."""
        decision_data.store_licence(self.engine, licence)
        self.record_action(
            actor=actor, action="licences.add", payload=licence.to_dict(), channel=channel
        )

    def licences(self) -> list[SpecificLicence]:
        return decision_data.licences(self.engine)

    def load_ownership(self, path: Path, *, actor: str, channel: str) -> list[OwnershipEdge]:
        """Load ownership edges, all or none (audited: they change the 50 % rules' answers)."""
        edges, batch = decision_data.load_ownership(self.engine, path)
        self.record_action(
            actor=actor,
            action="ownership.load",
            payload={"source": str(path), "edges": len(edges), "batch": batch},
            channel=channel,
        )
        return edges

    def ownership_edges(self) -> list[OwnershipEdge]:
        return decision_data.ownership_edges(self.engine)

    def expiry_alerts(self, *, days_ahead: int, as_of: date | None = None) -> list[Alert]:
        """Alerts for general authorisations and specific licences that expire within
        ``days_ahead`` of ``as_of`` (default: today)."""
        from tradescreen.monitor.expiry import raise_expiry_alerts

        licences = self.licences()
        with self.engine.begin() as conn:
            return list(
                raise_expiry_alerts(
                    conn, as_of=as_of or self.today(), days_ahead=days_ahead, licences=licences
                )
            )

    # -- lists -----------------------------------------------------------------------------
    def load_files(
        self,
        paths: Sequence[str | Path],
        *,
        actor: str,
        channel: str,
        format: str | None = None,
        allow: Allow | None = None,
    ) -> LoadReport:
        """Load the files of one source (fail-closed; a refusal raises its alert) and append
        a ``lists.load`` audit record of what it created, the same from every channel."""
        report = load_files(self.store, paths, format=format, settings=self.settings, allow=allow)
        self.record_action(
            actor=actor, action="lists.load", payload=report.to_dict(), channel=channel
        )
        return report

    def load_sources(
        self,
        paths: Sequence[Path],
        *,
        actor: str,
        channel: str,
        format: str | None = None,
        allow: Allow | None = None,
    ) -> Iterator[LoadReport]:
        """Each source among ``paths`` (an OFAC CSV set is one) loaded in turn, as
        :meth:`load_files`; the first that fails stops the rest."""
        from tradescreen.sources import group_sources

        for group in group_sources(list(paths)):
            yield self.load_files(group, actor=actor, channel=channel, format=format, allow=allow)

    def update_lists(
        self,
        *,
        actor: str,
        channel: str,
        lists: Sequence[str] | None = None,
        base_url: str | None = None,
        expected_sha256: Mapping[str, str] | None = None,
    ) -> list[tuple[FeedResult, LoadReport | None]]:
        """Download the official feeds, load what changed, and append one ``lists.update``
        record of what was fetched and created."""
        results = update_feeds(
            self.store,
            self.settings,
            lists=lists,
            base_url=base_url,
            expected_sha256=expected_sha256,
        )
        payload = {
            "feeds": [
                {
                    "feed": fetched.feed,
                    "files": [
                        {"url": f.url, "status": f.status, "sha256": f.sha256}
                        for f in fetched.files
                    ],
                    "created": report.to_dict()["created"] if report else [],
                }
                for fetched, report in results
            ]
        }
        self.record_action(actor=actor, action="lists.update", payload=payload, channel=channel)
        return results

    def versions(self, list_code: str) -> list[tuple[ListVersion, str | None]]:
        """Every stored version of one list, newest first, with the reason of a refusal."""
        found = self.store.versions(list_code)
        return [
            (v, self.store.quarantine_reason(v.id) if v.status == "quarantined" else None)
            for v in found
        ]

    # -- list entries ----------------------------------------------------------------------
    def entity(self, entity_id: str) -> Entity:
        """A list entry of the versions in force, or NotFound."""
        found = self.store.get_entity(entity_id)
        if found is None:
            raise NotFound(f"no list entry {entity_id!r} in the lists in force")
        return found

    # -- review ----------------------------------------------------------------------------
    def cases(
        self,
        *,
        status: str | None = None,
        counterparty_key: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Alert]:
        """The review queue, most recently changed first."""
        return review.cases(
            self.engine,
            status=status,
            counterparty_key=counterparty_key,
            limit=limit,
            offset=offset,
        )

    def cases_for_entity(self, entity_id: str) -> list[Alert]:
        return review.cases_for_entity(self.engine, entity_id)

    def case_counts(self) -> dict[str, int]:
        return review.case_counts(self.engine)

    def case(self, alert_id: int) -> review.Case:
        """One alert with its history, clearing, pending proposal and the entry in force."""
        alert = review.case(self.engine, alert_id)
        return review.Case(
            alert.alert,
            alert.history,
            alert.proposal,
            alert.clearing,
            self.store.get_entity(alert.alert.entity_id),
        )

    def decide_case(
        self, alert_id: int, *, reviewer: str, verdict: str, reason: str, escalate: bool = False
    ) -> Alert:
        """A reviewer's verdict (audited); clearings at or above ``review_approval_score``, or
        any with ``escalate``, wait for a second reviewer."""
        return review.decide_case(
            self.engine,
            alert_id,
            reviewer=reviewer,
            verdict=verdict,
            reason=reason,
            key=self.audit_key,
            approval_score=self.settings.review_approval_score,
            escalate=escalate,
            now=self.now(),
        )

    def approve_case(self, alert_id: int, *, approver: str, reason: str | None = None) -> Alert:
        return review.approve_case(
            self.engine,
            alert_id,
            approver=approver,
            key=self.audit_key,
            reason=reason,
            now=self.now(),
        )

    def reject_case(self, alert_id: int, *, approver: str, reason: str) -> Alert:
        return review.reject_case(
            self.engine,
            alert_id,
            approver=approver,
            reason=reason,
            key=self.audit_key,
            now=self.now(),
        )

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
        screener = self._need_screener()
        self.require_lists(known_at)
        options = self._options(known_at, threshold, limit)
        day = as_of or self.today()
        # screened before the transaction opens: a request holds one pooled connection at a
        # time (the screener reads versions on its own), so concurrent requests cannot starve
        # the pool waiting for a second one, and the audit append's lock is held only briefly
        result = screener.screen(query, as_of=day, **options)
        with self.engine.begin() as conn:
            return screen_and_review(
                conn,
                screener,
                query,
                result=result,
                as_of=day,
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
        screener = self._need_screener()
        self.require_lists(known_at)
        options = {"as_of": as_of or self.today(), **self._options(known_at, threshold, limit)}
        if hasattr(screener, "screen_many"):
            results = list(screener.screen_many(list(queries), **options))
        else:
            results = [screener.screen(q, **options) for q in queries]
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
