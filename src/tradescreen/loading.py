"""Load list files into the store: the library call behind ``tradescreen load``.

Fail closed. A file that cannot be read raises :class:`SourceError` (with file and line) and
nothing is stored. One file may hold several lists (the CSL holds 13): entities are grouped by
their listings' list code into one new version per list code, and each stored copy keeps only
the listings of its own list. Per list code:

- same SHA-256 as the version in force → ``unchanged``, no new version;
- fewer entries than the version in force by more than ``settings.max_shrink`` → the update is
  refused: it is kept as a *quarantined* version for inspection, nothing else of the load is
  stored, and :class:`QuarantinedError` is raised;
- otherwise a new version, and all new versions of the load are activated in one transaction.

The version in force stays in force on any failure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from tradescreen.digest import sha256_files
from tradescreen.errors import QuarantinedError, SourceError, TradescreenError
from tradescreen.list_alerts import alert_refused
from tradescreen.model import Entity, ListVersion
from tradescreen.settings import Settings
from tradescreen.sources.base import ParsedSource
from tradescreen.store.base import NewVersion, Store


@dataclass
class LoadReport:
    """What a load did. ``counts`` is entries per list code of this load."""

    format: str
    sha256: str
    paths: tuple[str, ...]
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


def read_all(paths: Sequence[Path], format: str | None) -> tuple[ParsedSource, list[Entity]]:
    """Read the files completely (the reader's lazy iterator is drained here, so a broken row
    anywhere fails before anything is stored), with effective and publication dates of the
    Federal Register rules that differ (``sources/notices.py``)."""
    from tradescreen.sources import read_source  # type: ignore[attr-defined,unused-ignore]
    from tradescreen.sources.notices import with_rule_dates

    for p in paths:
        if not Path(p).exists():
            raise SourceError("file not found", path=str(p))
    where = str(paths[0]) if len(paths) == 1 else ", ".join(str(p) for p in paths)
    try:
        parsed: ParsedSource = read_source(list(paths), format=format)
        ents = [with_rule_dates(e) for e in parsed.entities]
    except TradescreenError:
        raise
    except (OSError, ValueError, UnicodeError) as exc:
        raise SourceError(f"cannot read: {exc}", path=where) from exc
    if not ents:
        raise SourceError("no list entries found", path=where)
    return parsed, ents


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


def _refuse(
    store: Store,
    refused: Sequence[tuple[NewVersion, ListVersion]],
    report: LoadReport,
    settings: Settings,
    parsed: ParsedSource,
) -> QuarantinedError:
    """Quarantine the shrunk versions; the error that says which, from what to what."""
    share = f"more than {settings.max_shrink:.0%}"
    reasons = []
    for version, current in refused:
        reason = (
            f"{version.list_code} would shrink from {current.record_count} to "
            f"{len(version.entities)} entries ({share})"
        )
        reasons.append(reason)
        report.quarantined.append(store.quarantine(version, reason))
    ids = ", ".join(str(q.id) for q in report.quarantined)
    if len(refused) == 1:
        (version, current), q = refused[0], report.quarantined[0]
        message = (
            f"update refused: {version.list_code} would shrink from {current.record_count} to "
            f"{len(version.entities)} entries ({share}); quarantined as version {q.id}; "
            f"version {current.id} stays in force"
        )
    else:
        changes = ", ".join(
            f"{v.list_code} {c.record_count} -> {len(v.entities)}" for v, c in refused
        )
        message = (
            f"update refused: {len(refused)} lists would shrink by {share} ({changes}); "
            f"quarantined as versions {ids}; the versions in force stay"
        )
    details = tuple(
        {"id": q.id, "list": q.list_code, "records": q.record_count, "reason": reason}
        for q, reason in zip(report.quarantined, reasons, strict=True)
    )
    return QuarantinedError(message, path=", ".join(parsed.paths), quarantined=details)


def load_parsed(
    store: Store,
    parsed: ParsedSource,
    ents: Sequence[Entity],
    *,
    settings: Settings,
    retrieved_at: datetime | None = None,
    source: str | None = None,
) -> LoadReport:
    """Store already-read entities (see :func:`load_files`)."""
    when = retrieved_at or datetime.now(UTC)
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
    active = {v.list_code: v for v in store.active_versions()}
    new: list[NewVersion] = []
    refused: list[tuple[NewVersion, ListVersion]] = []
    listed = Counter(code for e in ents for code in {x.list_code for x in e.listings})
    for code, (name, group) in sorted(group_by_list(ents).items()):
        report.counts[code] = len(group)
        own_warnings = _list_warnings(code, group)
        if listed[code] > len(group):
            own_warnings.append(
                f"{code}: {listed[code] - len(group)} entries with a repeated id skipped"
            )
        report.warnings.extend(own_warnings)
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
        elif current is not None and len(group) < current.record_count * (1 - settings.max_shrink):
            refused.append((version, current))
        else:
            new.append(version)
    if refused:
        raise _refuse(store, refused, report, settings, parsed)
    if new:
        report.created = store.add_versions(new)
    return report


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
) -> LoadReport:
    """Read list file(s) and store one new version per list code they hold.

    ``paths`` are the files of ONE source (e.g. OFAC ``sdn.csv``, ``add.csv``, ``alt.csv``).
    ``source`` (default: the paths) is recorded on the versions, e.g. the official URL.
    Raises ``SourceError`` (unreadable, nothing stored) or ``QuarantinedError`` (shrink); either
    is first raised as an alert (:mod:`tradescreen.list_alerts`: log, audit record, webhooks).
    """
    files = [Path(p) for p in paths]
    if not files:
        raise SourceError("no file given")
    quick = _unchanged_without_parsing(store, files, format)
    if quick is not None:
        return quick
    try:
        parsed, ents = read_all(files, format)
        if not parsed.sha256:
            parsed.sha256 = sha256_files(files)
        return load_parsed(
            store, parsed, ents, settings=settings, retrieved_at=retrieved_at, source=source
        )
    except SourceError as exc:  # QuarantinedError too
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


__all__ = ["LoadReport", "group_by_list", "load_files", "load_parsed", "read_all", "sha256_files"]
