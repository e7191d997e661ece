"""Delta re-screening: when a list version lands, screen only what changed against the register.

Reverse screening. The counterparty names are put in a candidate index built by the same code as
the list index (``tradescreen.index.build.NameIndex``). Each added or changed list entry's names
are looked up in it, and every proposed (counterparty, entry) pair is scored with the same pure
``compare`` a forward screen uses, on the same prepared list name and the counterparty prepared
with the list's token weights, so the score is the forward score. A counterparty with a pair at or
above the threshold is then screened forward once (``Screener.screen``) and its hits on the
changed entries go to ``review.alerts.raise_alerts``: the alerts are exactly those a full
re-screen would raise for those entries. Entries removed from a list close their alerts.

``rescreen_full`` screens the whole register forward (the reference the delta is tested against).
"""

from __future__ import annotations

import hashlib
import pickle
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, delete, insert, select

import tradescreen
from tradescreen.index.build import FORMAT as INDEX_FORMAT
from tradescreen.index.build import NameIndex
from tradescreen.match.compare import compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.prepared import PreparedQuery, prepare_name, prepare_query
from tradescreen.model import Entity, EntityKind, Name
from tradescreen.monitor.counterparties import (
    Counterparty,
    iter_counterparties,
    mark_screened,
)
from tradescreen.monitor.parallel import screen_parallel
from tradescreen.monitor.tables import (
    monitor_blobs,
    monitor_counterparties,
    monitor_runs,
    monitor_watch,
)
from tradescreen.results import ScreenResult
from tradescreen.review.alerts import (
    ACTIVE,
    TRUE_MATCH,
    close_alerts_for_entities,
    raise_alerts,
)
from tradescreen.review.tables import review_alerts
from tradescreen.screening.matcher import IndexBundle
from tradescreen.screening.screener import Screener
from tradescreen.screening.snapshot import SnapshotScreener
from tradescreen.settings import Settings
from tradescreen.store.base import Store, VersionDiff, sql_engine

SOURCE = "monitor"
# Reverse lookups propose every counterparty sharing evidence with the list name (no floor):
# forward's floor is a share of the *counterparty's* weight, which the reverse side cannot see,
# and any floor above zero lost alerts on real data (0.35 lost 32 of 57 in bench/scale.py).
REVERSE_FLOOR = 0.0
WATCH_MARGIN = 0.1  # near misses this far under the threshold are re-scored on list updates


@dataclass
class DeltaReport:
    kind: str  # delta | full
    versions: dict[str, int] = field(default_factory=dict)  # list code -> version in force
    diffs: list[dict[str, Any]] = field(default_factory=list)
    counterparties: int = 0  # in the register (active)
    entries_screened: int = 0  # list entries looked up in reverse (added + changed)
    pairs_scored: int = 0  # reverse candidate pairs scored with compare
    counterparties_screened: int = 0  # forward screens run
    alert_pairs: list[tuple[str, str]] = field(default_factory=list)  # (counterparty, entity)
    alerts_raised: int = 0
    alerts_closed: int = 0
    opened: list[dict[str, Any]] = field(default_factory=list)  # alerts new or changed by the run
    seconds: float = 0.0
    index_seconds: float = 0.0  # building the counterparty index (delta)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["alert_pairs"] = len(self.alert_pairs)
        d["opened"] = len(self.opened)
        return d


# ---------------------------------------------------------------------------
# The reverse index


@dataclass
class CounterpartyIndex:
    """A NameIndex over the register (one pseudo-entity per counterparty) and the parties."""

    index: NameIndex
    parties: list[Counterparty]

    @classmethod
    def build(cls, parties: Iterable[Counterparty]) -> CounterpartyIndex:
        cps = list(parties)
        pseudo = (
            Entity(
                id=c.key,
                kind=EntityKind.UNKNOWN,
                names=(Name(c.name),),
                countries=(c.country,) if c.country else (),
                identifiers=c.identifiers,
            )
            for c in cps
        )
        return cls(NameIndex.build(pseudo), cps)

    def lookup(self, name: str, config: MatchConfig, limit: int) -> list[int]:
        """Counterparty positions whose names may match the list name ``name``."""
        p = prepare_name(name, self.index.weights)
        if not p.tokens:
            return []
        ratio = max(1.0, len(self.index.names) / 20_000)
        wide = replace(
            config,
            max_candidates=limit,
            max_posting=int(config.max_posting * ratio),
        )
        if hasattr(wide, "candidate_floor"):  # the list name may be the longer side: a lower
            wide = replace(wide, candidate_floor=REVERSE_FLOOR)  # floor than forward
        nids = self.index.candidates(p, wide)
        return [self.index.name_entity[n] for n in nids]


CP_INDEX_KEY = "counterparty-index"


def register_digest(conn: Connection) -> str:
    """A digest of the active register and of the index format: changes when either does."""
    h = hashlib.sha256(f"{INDEX_FORMAT}|{tradescreen.__version__}".encode())
    q = (
        select(monitor_counterparties.c.key, monitor_counterparties.c.row_hash)
        .where(monitor_counterparties.c.active)
        .order_by(monitor_counterparties.c.key)
    )
    for r in conn.execution_options(yield_per=20_000).execute(q):
        h.update(f"{r.key}\x1f{r.row_hash}\x1e".encode())
    return h.hexdigest()


def cached_counterparty_index(conn: Connection) -> CounterpartyIndex:
    """The counterparty index, loaded from ``monitor_blobs`` when the register has not changed
    since it was built, else built and stored."""
    digest = register_digest(conn)
    row = conn.execute(select(monitor_blobs).where(monitor_blobs.c.key == CP_INDEX_KEY)).first()
    if row is not None and row.digest == digest:
        try:
            loaded = pickle.loads(row.data)
            if isinstance(loaded, CounterpartyIndex):
                return loaded
        except Exception:  # an unreadable blob is rebuilt, never trusted
            pass
    built = CounterpartyIndex.build(iter_counterparties(conn))
    data = pickle.dumps(built, protocol=5)
    conn.execute(delete(monitor_blobs).where(monitor_blobs.c.key == CP_INDEX_KEY))
    conn.execute(
        insert(monitor_blobs).values(
            key=CP_INDEX_KEY, digest=digest, data=data, created_at=datetime.now(UTC)
        )
    )
    return built


# ---------------------------------------------------------------------------


def _positions(bundle: IndexBundle, ids: set[str]) -> list[int]:
    return [i for i, f in enumerate(bundle.index.facts) if f.entity_id in ids]


def _raise(
    conn: Connection,
    report: DeltaReport,
    cp: Counterparty,
    result: ScreenResult,
    at: datetime,
) -> None:
    for hit in result.hits:
        report.alert_pairs.append((cp.key, hit.entity.id))
    if not result.hits:
        return
    alerts = raise_alerts(conn, counterparty_key=cp.key, result=result, source=SOURCE, now=at)
    report.alerts_raised += len(alerts)
    for a in alerts:
        if a.updated_at == at:
            report.opened.append(a.to_dict())


class _Forward:
    """Forward screening of single counterparties: alerts at the threshold, near misses (within
    ``margin`` below it) kept in ``monitor_watch``."""

    def __init__(
        self,
        conn: Connection,
        screener: SnapshotScreener,
        report: DeltaReport,
        *,
        as_of: date,
        cut: float,
        margin: float,
        at: datetime,
    ) -> None:
        self.conn, self.screener, self.report = conn, screener, report
        self.as_of, self.cut, self.margin, self.at = as_of, cut, margin, at
        self.watch_rows: list[dict[str, Any]] = []

    @property
    def lowered(self) -> float:
        return max(0.0, self.cut - self.margin)

    def __call__(self, cp: Counterparty, *, replace_watch: bool = True) -> None:
        result = self.screener.screen(cp.query(), as_of=self.as_of, threshold=self.lowered)
        self.record(cp, result, replace_watch=replace_watch)

    def record(self, cp: Counterparty, result: ScreenResult, *, replace_watch: bool) -> None:
        """Alerts for the hits at the threshold, near misses to the watch list."""
        self.report.counterparties_screened += 1
        if replace_watch:
            self.conn.execute(
                delete(monitor_watch).where(monitor_watch.c.counterparty_key == cp.key)
            )
        seen: set[str] = set()
        for h in result.hits:
            if h.score < self.cut and h.entity.id not in seen:
                seen.add(h.entity.id)
                self.watch_rows.append(
                    {"counterparty_key": cp.key, "entity_id": h.entity.id, "score": h.score}
                )
        hits = tuple(h for h in result.hits if h.score >= self.cut)
        _raise(self.conn, self.report, cp, replace(result, hits=hits), self.at)
        if len(self.watch_rows) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self.watch_rows:
            self.conn.execute(insert(monitor_watch), self.watch_rows)
            self.watch_rows = []


def _alert_holders(conn: Connection, entity_ids: Sequence[str]) -> set[str]:
    """Counterparties with an active alert on one of ``entity_ids``."""
    out: set[str] = set()
    ids = list(entity_ids)
    for i in range(0, len(ids), 500):
        q = select(review_alerts.c.counterparty_key).where(
            review_alerts.c.entity_id.in_(ids[i : i + 500]),
            review_alerts.c.status.in_([*ACTIVE, TRUE_MATCH]),
        )
        out.update(r.counterparty_key for r in conn.execute(q))
    return out


def _drifted(
    conn: Connection,
    bundle: IndexBundle,
    cp_index: CounterpartyIndex,
    skip: set[str],
    prepare: Any,
    config: MatchConfig,
    cut: float,
    report: DeltaReport,
) -> set[int]:
    """Near-miss pairs on unchanged entries, re-scored with the new token weights: the
    counterparties whose pair now reaches the threshold."""
    pos_of = {f.entity_id: i for i, f in enumerate(bundle.index.facts)}
    names_of: dict[int, list[int]] = {}
    key_pos = {c.key: i for i, c in enumerate(cp_index.parties)}
    out: set[int] = set()
    gone: list[tuple[str, str]] = []
    for r in conn.execute(select(monitor_watch)):
        if r.entity_id in skip:
            continue
        epos = pos_of.get(r.entity_id)
        cpos = key_pos.get(r.counterparty_key)
        if epos is None or cpos is None:
            gone.append((r.counterparty_key, r.entity_id))
            continue
        if epos not in names_of:
            names_of[epos] = bundle.names_of(epos)
        pq = prepare(cpos)
        report.pairs_scored += len(names_of[epos])
        best = max(
            compare(pq, bundle.index.names[n], config, explain=False).score for n in names_of[epos]
        )
        if best >= cut:
            out.add(cpos)
    for k, e in gone:
        conn.execute(
            delete(monitor_watch).where(
                monitor_watch.c.counterparty_key == k, monitor_watch.c.entity_id == e
            )
        )
    return out


def screen_entries(
    conn: Connection,
    screener: SnapshotScreener,
    entity_ids: set[str],
    *,
    as_of: date,
    threshold: float | None = None,
    cp_index: CounterpartyIndex | None = None,
    report: DeltaReport | None = None,
    now: datetime | None = None,
    reverse_limit: int = 5000,
    margin: float = WATCH_MARGIN,
) -> DeltaReport:
    """Reverse-screen the list entries ``entity_ids`` (of the versions in force) against the
    register; raise the alerts a forward screen of the whole register would raise."""
    report = report or DeltaReport(kind="delta")
    at = now or datetime.now(UTC)
    bundle = screener.bundle
    config = screener.config
    cut = config.threshold if threshold is None else threshold
    if cp_index is None:
        t0 = time.monotonic()
        cp_index = cached_counterparty_index(conn)
        report.index_seconds = round(time.monotonic() - t0, 3)
    report.counterparties = len(cp_index.parties)
    prepared: dict[int, PreparedQuery] = {}

    def prepare(cpos: int) -> PreparedQuery:
        pq = prepared.get(cpos)
        if pq is None:
            pq = prepare_query(cp_index.parties[cpos].query(), bundle.index.weights)
            prepared[cpos] = pq
        return pq

    positions = set(_positions(bundle, entity_ids))
    report.entries_screened = len(positions)
    affected: set[int] = set()
    for pos in sorted(positions):
        for nid in bundle.names_of(pos):
            list_name = bundle.index.names[nid]
            for cpos in cp_index.lookup(list_name.text, config, reverse_limit):
                if cpos in affected:
                    continue
                report.pairs_scored += 1
                if compare(prepare(cpos), list_name, config, explain=False).score >= cut - margin:
                    affected.add(cpos)  # near misses too: their watch rows are refreshed
        for value in bundle.index.facts[pos].identifiers:  # forward also matches identifiers
            affected.update(cp_index.index.identifiers.get(value, ()))
    affected |= _drifted(conn, bundle, cp_index, entity_ids, prepare, config, cut, report)
    keys = {cp_index.parties[i].key for i in affected}
    keys |= _alert_holders(conn, sorted(entity_ids))
    by_key = {c.key: c for c in cp_index.parties if c.key in keys}
    forward = _Forward(conn, screener, report, as_of=as_of, cut=cut, margin=margin, at=at)
    for key in sorted(by_key):
        forward(by_key[key])
    forward.flush()
    return report


def _versions_now(snap: SnapshotScreener) -> dict[str, int]:
    return {v.stream: v.id for v in snap.versions}


def rescreen_delta(
    store: Store,
    old_version: int | None,
    new_version: int,
    settings: Settings,
    *,
    conn: Connection | None = None,
    screener: Screener | None = None,
    as_of: date | None = None,
    threshold: float | None = None,
    cp_index: CounterpartyIndex | None = None,
    now: datetime | None = None,
) -> DeltaReport:
    """Re-screen the register for one list's change ``old_version`` → ``new_version``."""
    return rescreen_diffs(
        store,
        [store.diff(old_version, new_version)],
        settings,
        conn=conn,
        screener=screener,
        as_of=as_of,
        threshold=threshold,
        cp_index=cp_index,
        now=now,
    )


def rescreen_diffs(
    store: Store,
    diffs: Sequence[VersionDiff],
    settings: Settings,
    *,
    conn: Connection | None = None,
    screener: Screener | None = None,
    as_of: date | None = None,
    threshold: float | None = None,
    cp_index: CounterpartyIndex | None = None,
    now: datetime | None = None,
) -> DeltaReport:
    t0 = time.monotonic()
    at = now or datetime.now(UTC)
    snap = SnapshotScreener.from_screener(screener or Screener(store, settings))
    report = DeltaReport(kind="delta", versions=_versions_now(snap))
    targets: set[str] = set()
    removed: set[str] = set()
    for d in diffs:
        report.diffs.append(
            {
                "old_version": d.old_version,
                "new_version": d.new_version,
                "added": len(d.added),
                "changed": len(d.changed),
                "removed": len(d.removed),
            }
        )
        targets.update(d.added)
        targets.update(d.changed)
        removed.update(d.removed)
    removed -= targets

    def run(c: Connection) -> None:
        if targets:
            screen_entries(
                c,
                snap,
                targets,
                as_of=as_of or date.today(),
                threshold=threshold,
                cp_index=cp_index,
                report=report,
                now=at,
            )
        if removed:
            for i in range(0, len(removed_ids := sorted(removed)), 500):
                c.execute(
                    delete(monitor_watch).where(
                        monitor_watch.c.entity_id.in_(removed_ids[i : i + 500])
                    )
                )
            report.alerts_closed = close_alerts_for_entities(
                c, sorted(removed), "list entry removed from the list", now=at
            )

    _with_conn(store, conn, run)
    report.seconds = round(time.monotonic() - t0, 3)
    return report


def _engine_of(store: Store) -> Engine:
    engine = sql_engine(store)
    if engine is None:
        raise TypeError("monitoring needs a SQL store (tradescreen.store.sql.SqlStore)")
    return engine


def _with_conn(store: Store, conn: Connection | None, fn: Any) -> None:
    if conn is not None:
        fn(conn)
        return
    with _engine_of(store).begin() as c:
        fn(c)


def screen_counterparties(
    conn: Connection,
    screener: SnapshotScreener,
    parties: Iterable[Counterparty],
    report: DeltaReport,
    *,
    as_of: date,
    threshold: float | None = None,
    now: datetime | None = None,
    margin: float = WATCH_MARGIN,
    whole_register: bool = False,
    workers: int = 1,
) -> None:
    """Forward-screen ``parties`` (all their hits raise alerts) and mark them screened."""
    at = now or datetime.now(UTC)
    cut = screener.config.threshold if threshold is None else threshold
    forward = _Forward(conn, screener, report, as_of=as_of, cut=cut, margin=margin, at=at)
    if whole_register:
        conn.execute(delete(monitor_watch))
    done: list[str] = []
    results = screen_parallel(
        screener, parties, as_of=as_of, threshold=forward.lowered, workers=workers
    )
    for cp, result in results:
        forward.record(cp, result, replace_watch=not whole_register)
        done.append(cp.key)
        if len(done) >= 2000:
            mark_screened(conn, done, at)
            done = []
    forward.flush()
    mark_screened(conn, done, at)


def close_gone(conn: Connection, bundle: IndexBundle, at: datetime) -> int:
    """Close alerts on entries no longer in any version in force."""
    present = {f.entity_id for f in bundle.index.facts}
    q = select(review_alerts.c.entity_id).where(review_alerts.c.status.in_([*ACTIVE, TRUE_MATCH]))
    gone = sorted({r.entity_id for r in conn.execute(q)} - present)
    return close_alerts_for_entities(conn, gone, "list entry removed from the list", now=at)


def rescreen_full(
    store: Store,
    settings: Settings,
    *,
    conn: Connection | None = None,
    screener: Screener | None = None,
    as_of: date | None = None,
    threshold: float | None = None,
    now: datetime | None = None,
    workers: int = 1,
) -> DeltaReport:
    """Screen every active counterparty forward against the versions in force
    (``workers`` processes screen, this one records)."""
    t0 = time.monotonic()
    at = now or datetime.now(UTC)
    snap = SnapshotScreener.from_screener(screener or Screener(store, settings))
    report = DeltaReport(kind="full", versions=_versions_now(snap))

    def run(c: Connection) -> None:
        parties = list(iter_counterparties(c))
        report.counterparties = len(parties)
        screen_counterparties(
            c,
            snap,
            parties,
            report,
            as_of=as_of or date.today(),
            threshold=threshold,
            now=at,
            whole_register=True,
            workers=workers,
        )
        report.alerts_closed = close_gone(c, snap.bundle, at)

    _with_conn(store, conn, run)
    report.seconds = round(time.monotonic() - t0, 3)
    return report


def last_run_versions(conn: Connection) -> dict[str, int] | None:
    row = conn.execute(
        select(monitor_runs.c.versions).order_by(monitor_runs.c.id.desc()).limit(1)
    ).first()
    return None if row is None else {k: int(v) for k, v in orjson.loads(row.versions).items()}


def record_run(conn: Connection, report: DeltaReport, started: datetime) -> None:
    conn.execute(
        insert(monitor_runs).values(
            kind=report.kind,
            started_at=started,
            finished_at=datetime.now(UTC),
            versions=orjson.dumps(report.versions).decode(),
            summary=orjson.dumps(report.to_dict(), default=str).decode(),
        )
    )


__all__ = [
    "SOURCE",
    "CounterpartyIndex",
    "DeltaReport",
    "cached_counterparty_index",
    "close_gone",
    "last_run_versions",
    "record_run",
    "rescreen_delta",
    "rescreen_diffs",
    "rescreen_full",
    "screen_counterparties",
    "screen_entries",
]
