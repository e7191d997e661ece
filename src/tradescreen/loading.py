"""Load list files into the store: the library call behind ``tradescreen load``.

Fail closed. A file that cannot be read raises :class:`SourceError` (with file and line) and
nothing is stored. One file may hold several lists (the CSL holds 13): entities are grouped by
their listings' list code into one new version per list code, and each stored copy keeps only
the listings of its own list.

- An incomplete multi-file set (an OFAC ``sdn.csv`` without ``alt.csv`` or ``add.csv``) raises
  :class:`IncompleteSource` before anything is stored, unless ``Allow(partial=True)``.
- The checks against what is in force, and the activation, run under the store's load lock
  (:mod:`tradescreen.store.lock`), so two loads at once are serialised: the second is checked
  against what the first put in force. Per list code *of this load's source*
  (:mod:`tradescreen.origins`: the CSL's Entity List and the eCFR's are two lists in force,
  each checked against its own previous versions only):

  - same SHA-256 as the version in force → ``unchanged``, no new version;
  - data whose own date (``data_date``: UN ``dateGenerated``, OFAC XML ``dataAsOf`` …) is older
    than that of the version in force → refused (a rollback) unless ``Allow(rollback=True)``;
  - fewer entries, names, aliases, addresses or identifiers by more than
    ``settings.max_shrink`` than the largest version in force over the last
    ``settings.shrink_window_days`` (and the version in force) → refused unless
    ``Allow(shrink=True)``;
  - otherwise a new version, and all new versions of the load are activated in one
    transaction.

  A refused update is kept as a *quarantined* version for inspection, nothing else of the load
  is stored, and :class:`QuarantinedError` is raised.

Every refusal is raised as an alert first (:mod:`tradescreen.list_alerts`); every override
used is audited (``list.override``). The version in force stays in force on any failure.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson

from tradescreen.controlchars import without_controls
from tradescreen.digest import sha256_files
from tradescreen.errors import (
    IncompleteSource,
    LimitExceeded,
    QuarantinedError,
    SourceError,
    TradescreenError,
)
from tradescreen.list_alerts import alert_refused, audit_override
from tradescreen.model import Entity, ListVersion, NameKind
from tradescreen.origins import origin_of
from tradescreen.settings import Settings
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.limits import Limits, using
from tradescreen.store.base import NewVersion, Store, sql_engine
from tradescreen.store.lock import load_lock

log = logging.getLogger("tradescreen.lists")


@dataclass
class LoadReport:
    """What a load did. ``counts`` is entries per list code of this load."""

    format: str
    sha256: str
    paths: tuple[str, ...]
    origin: str = ""  # the source (origins.py) whose versions this load replaces
    data_date: date | None = None
    created: list[ListVersion] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # list codes
    quarantined: list[ListVersion] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "format": self.format,
            "origin": self.origin,
            "sha256": self.sha256,
            "paths": list(self.paths),
            "data_date": self.data_date.isoformat() if self.data_date else None,
            "created": [
                {"id": v.id, "list": v.list_code, "records": v.record_count} for v in self.created
            ],
            "unchanged": self.unchanged,
            "quarantined": [
                {"id": v.id, "list": v.list_code, "records": v.record_count}
                for v in self.quarantined
            ],
            "counts": self.counts,
            "warnings": self.warnings,
            "rejected": self.rejected,
        }


def read_all(
    paths: Sequence[Path], format: str | None, limits: Limits | None = None
) -> tuple[ParsedSource, list[Entity]]:
    """Read the files completely (the reader's lazy iterator is drained here, so a broken row
    anywhere fails before anything is stored), with effective and publication dates of the
    Federal Register rules that differ (``sources/notices.py``), within ``limits``
    (``sources/limits.py``; default: the defaults of ``Settings``)."""
    from tradescreen.sources import read_source  # type: ignore[attr-defined,unused-ignore]
    from tradescreen.sources.notices import with_rule_dates

    for p in paths:
        if not Path(p).exists():
            raise SourceError("file not found", path=str(p))
    where = str(paths[0]) if len(paths) == 1 else ", ".join(str(p) for p in paths)
    try:
        with using(limits):
            parsed: ParsedSource = read_source(list(paths), format=format)
            ents = [with_rule_dates(e) for e in parsed.entities]
        _remove_controls(parsed, ents)
    except TradescreenError:
        raise
    except MemoryError as exc:  # the limits should prevent it; refuse rather than crash
        raise LimitExceeded("ran out of memory reading the file", path=where) from exc
    except (OSError, ValueError, UnicodeError) as exc:
        raise SourceError(f"cannot read: {exc}", path=where) from exc
    if not ents:
        raise SourceError("no list entries found", path=where)
    return parsed, ents


def _remove_controls(parsed: ParsedSource, ents: list[Entity]) -> None:
    """NUL and the other control characters removed from the entries' text (in place), the
    same on every backend (PostgreSQL cannot store NUL: one such byte failed the whole load);
    the entries changed are counted in a warning."""
    changed = 0
    for i, e in enumerate(ents):
        clean = without_controls(e)
        if clean is not e:
            ents[i] = clean
            changed += 1
    if changed:
        parsed.warnings.append(
            f"{changed} entries had control characters (NUL, ...) in their text: removed"
        )


def group_by_list(ents: Sequence[Entity]) -> dict[str, tuple[str, list[Entity]]]:
    """list code -> (list name, entities carrying only that list's listings), in first-seen
    order. An entity id seen twice for one list keeps its first occurrence."""
    groups: dict[str, tuple[str, list[Entity]]] = {}
    seen: dict[str, set[str]] = {}
    for e in ents:
        codes: dict[str, str] = {}
        for x in e.listings:
            codes.setdefault(x.list_code, x.list_name)
        for code, name in codes.items():
            ids = seen.setdefault(code, set())
            if e.id in ids:
                continue
            ids.add(e.id)
            own = tuple(x for x in e.listings if x.list_code == code)
            copy = e if len(own) == len(e.listings) else replace(e, listings=own)
            groups.setdefault(code, (name, []))[1].append(copy)
    return groups


def _list_warnings(code: str, ents: Sequence[Entity]) -> list[str]:
    undated = sum(1 for e in ents for x in e.listings if x.start_date is None)
    return [f"{code}: {undated} listings have no start date"] if undated else []


# -- completeness ------------------------------------------------------------------------

# The parts of an OFAC legacy CSV set without which names or addresses vanish unnoticed
# (``sdn_comments.csv`` only holds overflow remarks, so it is not required).
OFAC_PARTS: dict[str, tuple[str, ...]] = {
    "sdn.csv": ("add.csv", "alt.csv"),
    "cons_prim.csv": ("cons_add.csv", "cons_alt.csv"),
}


def missing_parts(parsed: ParsedSource) -> list[str]:
    """The required files of a multi-file set that were not read (empty: complete)."""
    if parsed.format != "ofac_csv":
        return []
    names = {Path(p).name.lower().removesuffix(".gz") for p in parsed.paths}
    parts = next((v for k, v in OFAC_PARTS.items() if k in names), OFAC_PARTS["sdn.csv"])
    return [p for p in parts if p not in names]


# -- what a version holds, for the shrink guard ---------------------------------------------

COUNTS_BLOB = "counts/v1"
MEASURES = ("entities", "names", "aliases", "addresses", "identifiers")


def list_counts(ents: Iterable[Entity]) -> dict[str, int]:
    """Entries, names (all), aliases (names that are not primary), addresses, identifiers."""
    c = dict.fromkeys(MEASURES, 0)
    for e in ents:
        c["entities"] += 1
        c["names"] += len(e.names)
        c["aliases"] += sum(1 for n in e.names if n.kind is not NameKind.PRIMARY)
        c["addresses"] += len(e.addresses)
        c["identifiers"] += len(e.identifiers)
    return c


def stored_counts(store: Store, version: ListVersion) -> dict[str, int]:
    """The counts of a stored version: kept as a blob beside it at load time, or counted from
    its entities (and kept) for a version stored before counts were."""
    blob = store.get_blob(version.id, COUNTS_BLOB)
    if blob is not None:
        data = orjson.loads(blob)
        if isinstance(data, dict) and all(isinstance(data.get(m), int) for m in MEASURES):
            return {m: int(data[m]) for m in MEASURES}
    counts = list_counts(store.iter_entities([version.id]))
    try:
        store.put_blob(version.id, COUNTS_BLOB, orjson.dumps(counts))
    except TradescreenError as exc:  # a read-only store still answers
        log.warning("counts of version %d not kept: %s", version.id, exc)
    return counts


def shrink_reference(
    store: Store, current: ListVersion, when: datetime, settings: Settings
) -> tuple[dict[str, int], dict[str, int]]:
    """Per measure, the largest value over the version in force and every version in force
    loaded within ``settings.shrink_window_days`` before ``when``, of the same source only;
    and which version it is."""
    since = when - timedelta(days=settings.shrink_window_days)
    window = [current] + [
        v
        for v in store.versions(current.list_code)
        if v.id != current.id
        and v.origin == current.origin
        and v.status in ("active", "superseded")
        and since <= v.retrieved_at <= when
    ]
    best = dict.fromkeys(MEASURES, -1)
    which = dict.fromkeys(MEASURES, current.id)
    for v in window:
        counts = stored_counts(store, v)
        for m in MEASURES:
            if counts[m] > best[m]:
                best[m], which[m] = counts[m], v.id
    return best, which


def _shrinks(
    new: dict[str, int], reference: dict[str, int], settings: Settings
) -> list[tuple[str, int, int]]:
    """(measure, reference, new) for what would shrink by more than ``settings.max_shrink``
    (a measure other than the entries only when it loses ``settings.shrink_min_loss`` or more)."""
    return [
        (m, reference[m], new[m])
        for m in MEASURES
        if new[m] < reference[m] * (1 - settings.max_shrink)
        and (m == "entities" or reference[m] - new[m] >= settings.shrink_min_loss)
    ]


def _shrink_words(
    code: str, shrunk: list[tuple[str, int, int]], which: dict[str, int], settings: Settings
) -> tuple[str, str]:
    """(the reason, its short form ``code 665 -> 74`` for a message naming several lists)."""
    share = f"more than {settings.max_shrink:.0%}"
    others = [(m, r, n) for m, r, n in shrunk if m != "entities"]
    ent = next(((r, n) for m, r, n in shrunk if m == "entities"), None)
    if ent is not None:
        reason = f"{code} would shrink from {ent[0]} to {ent[1]} entries ({share})"
        short = f"{code} {ent[0]} -> {ent[1]}"
    else:
        reason = f"{code} would shrink ({share})"
        short = code
    if others:
        lost = ", ".join(f"{m} {r} -> {n}" for m, r, n in others)
        reason += f", {lost}"
        short += f" ({lost})"
    refs = sorted({which[m] for m, _, _ in shrunk})
    reason += (
        f", against the largest version in force from the same source over "
        f"{settings.shrink_window_days} days (version {', '.join(map(str, refs))})"
    )
    return reason, short


# -- refusals -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Allow:
    """Checks the caller explicitly overrides (each use is audited as ``list.override``).

    ``partial``: load a multi-file set with a part missing; ``rollback``: load data whose own
    date is older than the version in force; ``shrink``: load an update the shrink guard
    would refuse."""

    partial: bool = False
    rollback: bool = False
    shrink: bool = False


@dataclass(frozen=True, slots=True)
class _Refusal:
    version: NewVersion
    current: ListVersion
    reason: str
    short: str  # "us_bis_el 2001 -> 919" in a message naming several lists
    shrink: bool = True


def _refuse(
    store: Store,
    refused: Sequence[_Refusal],
    report: LoadReport,
    parsed: ParsedSource,
    settings: Settings,
) -> QuarantinedError:
    """Quarantine the refused versions; the error that says which and why."""
    for r in refused:
        report.quarantined.append(store.quarantine(r.version, r.reason))
    if len(refused) == 1:
        r, q = refused[0], report.quarantined[0]
        message = (
            f"update refused: {r.reason}; quarantined as version {q.id}; "
            f"version {r.current.id} stays in force"
        )
    else:
        ids = ", ".join(str(q.id) for q in report.quarantined)
        if all(r.shrink for r in refused):
            share = f"more than {settings.max_shrink:.0%}"
            what = f"would shrink by {share} ({', '.join(r.short for r in refused)})"
        else:
            what = f"were refused ({'; '.join(r.reason for r in refused)})"
        message = (
            f"update refused: {len(refused)} lists {what}; "
            f"quarantined as versions {ids}; the versions in force stay"
        )
    details = tuple(
        {"id": q.id, "list": q.list_code, "records": q.record_count, "reason": r.reason}
        for q, r in zip(report.quarantined, refused, strict=True)
    )
    return QuarantinedError(message, path=", ".join(parsed.paths), quarantined=details)


def _check(
    store: Store,
    version: NewVersion,
    current: ListVersion,
    counts: dict[str, int],
    settings: Settings,
    allow: Allow,
    overridden: list[str],
) -> _Refusal | None:
    """Why ``version`` may not replace ``current`` (None: it may). Overridden checks are
    noted in ``overridden`` instead."""
    code = version.list_code
    new_date, old_date = version.data_date, current.data_date
    if new_date is not None and old_date is not None and new_date < old_date:
        reason = (
            f"{code} data dated {new_date.isoformat()} is older than {old_date.isoformat()} "
            f"of version {current.id} in force (a rollback)"
        )
        if not allow.rollback:
            return _Refusal(version, current, reason, reason, shrink=False)
        overridden.append(f"rollback allowed: {reason}")
    assert version.retrieved_at is not None
    reference, which = shrink_reference(store, current, version.retrieved_at, settings)
    shrunk = _shrinks(counts, reference, settings)
    if shrunk:
        reason, short = _shrink_words(code, shrunk, which, settings)
        if not allow.shrink:
            return _Refusal(version, current, reason, short)
        overridden.append(f"shrink allowed: {reason}")
    return None


# -- loading --------------------------------------------------------------------------------


def load_parsed(
    store: Store,
    parsed: ParsedSource,
    ents: Sequence[Entity],
    *,
    settings: Settings,
    retrieved_at: datetime | None = None,
    source: str | None = None,
    allow: Allow | None = None,
) -> LoadReport:
    """Store already-read entities (see :func:`load_files`)."""
    allow = allow or Allow()
    report = LoadReport(
        format=parsed.format,
        sha256=parsed.sha256,
        paths=tuple(parsed.paths),
        data_date=parsed.data_date,
        rejected=list(parsed.rejected),
    )
    report.warnings.extend(parsed.warnings)
    if parsed.rejected:
        report.warnings.append(f"{len(parsed.rejected)} rows rejected")
    overridden: list[str] = []
    missing = missing_parts(parsed)
    if missing:
        reason = (
            f"incomplete OFAC set: no {', '.join(missing)} beside "
            f"{', '.join(Path(p).name for p in parsed.paths)} (every alias or address they "
            "hold would vanish)"
        )
        if not allow.partial:
            raise IncompleteSource(
                f"{reason}; give the whole set, or --allow-partial to load it anyway",
                path=", ".join(parsed.paths),
            )
        overridden.append(f"partial set allowed: {reason}")
    listed = Counter(code for e in ents for code in {x.list_code for x in e.listings})
    groups: list[tuple[str, str, list[Entity], list[str]]] = []
    for code, (name, group) in sorted(group_by_list(ents).items()):
        report.counts[code] = len(group)
        own_warnings = _list_warnings(code, group)
        if listed[code] > len(group):
            own_warnings.append(
                f"{code}: {listed[code] - len(group)} entries with a repeated id skipped"
            )
        report.warnings.extend(own_warnings)
        groups.append((code, name, group, own_warnings))
    counts = {code: list_counts(group) for code, _, group, _ in groups}
    engine = sql_engine(store)
    origin = origin_of(parsed.format)
    report.origin = origin
    with load_lock(engine, owner=store, timeout=settings.load_lock_timeout):
        # Inside the lock: what is in force now is what the checks compare with and what the
        # new versions replace; no other load can commit in between. Only this source's
        # versions: another source's copy of a list is neither replaced nor compared with.
        in_force = store.active_versions()
        active = {v.list_code: v for v in in_force if v.origin == origin}
        when = retrieved_at or _after(datetime.now(UTC), in_force)
        new: list[NewVersion] = []
        refused: list[_Refusal] = []
        for code, name, group, own_warnings in groups:
            version = NewVersion(
                list_code=code,
                list_name=name,
                source=source or ", ".join(parsed.paths),
                format=parsed.format,
                sha256=parsed.sha256,
                entities=group,
                data_date=parsed.data_date,
                retrieved_at=when,
                warnings=tuple(own_warnings + list(parsed.warnings)),
            )
            current = active.get(code)
            if current is not None and current.sha256 == parsed.sha256:
                report.unchanged.append(code)
                continue
            why = (
                None
                if current is None
                else _check(store, version, current, counts[code], settings, allow, overridden)
            )
            if why is None:
                new.append(version)
            else:
                refused.append(why)
        if refused:
            raise _refuse(store, refused, report, parsed, settings)
        if new:
            report.created = store.add_versions(new)
            for v in report.created:
                _keep_counts(store, v, counts[v.list_code])
    if overridden and report.created:
        audit_override(store, settings, overridden, report.to_dict())
        report.warnings.extend(overridden)
    return report


def _after(now: datetime, in_force: Iterable[ListVersion]) -> datetime:
    """``now``, or just after the newest version in force when a clock behind another
    host's would otherwise load a version that is never the newest."""
    newest = max((v.retrieved_at for v in in_force), default=None)
    return now if newest is None or now > newest else newest + timedelta(microseconds=1)


def _keep_counts(store: Store, version: ListVersion, counts: dict[str, int]) -> None:
    try:
        store.put_blob(version.id, COUNTS_BLOB, orjson.dumps(counts))
    except TradescreenError as exc:  # counted again from the entities when next needed
        log.warning("counts of version %d not kept: %s", version.id, exc)


def _unchanged_without_parsing(
    store: Store, files: Sequence[Path], format: str | None
) -> LoadReport | None:
    """The report of a load whose files are byte for byte those of versions in force (the
    daily case of ``update`` against an unchanged list): no need to parse them again."""
    if not all(f.is_file() for f in files):
        return None
    sha = sha256_files(files)
    same = [v for v in store.active_versions() if v.sha256 == sha]
    if not same or (format is not None and any(v.format != format for v in same)):
        return None
    return LoadReport(
        format=same[0].format,
        origin=same[0].origin,
        sha256=sha,
        paths=tuple(str(f) for f in files),
        data_date=same[0].data_date,
        unchanged=[v.list_code for v in same],
        counts={v.list_code: v.record_count for v in same},
    )


def load_files(
    store: Store,
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    settings: Settings,
    retrieved_at: datetime | None = None,
    source: str | None = None,
    allow: Allow | None = None,
) -> LoadReport:
    """Read list file(s) and store one new version per list code they hold.

    ``paths`` are the files of ONE source (e.g. OFAC ``sdn.csv``, ``add.csv``, ``alt.csv``).
    ``source`` (default: the paths) is recorded on the versions, e.g. the official URL.
    ``allow`` overrides checks explicitly (audited). Raises ``SourceError`` (unreadable or
    incomplete, nothing stored), ``QuarantinedError`` (shrink, rollback) or ``StoreError``
    (the store failed, or another load held the lock too long); each is first raised as an
    alert (:mod:`tradescreen.list_alerts`: log, audit record, webhooks).
    """
    files = [Path(p) for p in paths]
    if not files:
        raise SourceError("no file given")
    quick = _unchanged_without_parsing(store, files, format)
    if quick is not None:
        return quick
    try:
        parsed, ents = read_all(files, format, Limits.from_settings(settings))
        if not parsed.sha256:
            parsed.sha256 = sha256_files(files)
        return load_parsed(
            store,
            parsed,
            ents,
            settings=settings,
            retrieved_at=retrieved_at,
            source=source,
            allow=allow,
        )
    except TradescreenError as exc:  # QuarantinedError, IncompleteSource, StoreError too
        held = exc.quarantined if isinstance(exc, QuarantinedError) else ()
        alert_refused(
            store,
            settings,
            exc,
            source=[source] if source else [str(f) for f in files],
            list_codes=sorted({str(q["list"]) for q in held}),
            quarantined=held,
        )
        raise


__all__ = [
    "COUNTS_BLOB",
    "MEASURES",
    "Allow",
    "LoadReport",
    "group_by_list",
    "list_counts",
    "load_files",
    "load_parsed",
    "missing_parts",
    "read_all",
    "sha256_files",
    "stored_counts",
]
