"""The tamper-evident audit trail: an append-only, HMAC-chained log.

Each record is ``(seq, at, actor, action, payload)``; its MAC is::

    mac = HMAC-SHA256(key, prev_mac || canonical_json({seq, at, actor, action, payload}))

where ``canonical_json`` is orjson with sorted keys and ``prev_mac`` is the previous record's MAC
(the empty string before the first record). The key is kept outside the database (see
:func:`load_or_create_key`), so whoever can write to the database cannot forge a MAC: changing,
removing, inserting or reordering rows breaks the chain at the first affected ``seq``.

Removing the *tail* leaves a shorter chain that still verifies; :func:`export_anchor` writes the
chain head to a file kept elsewhere, and :func:`verify` checks the chain against those anchors.

:func:`prune` removes only a whole prefix (records older than the retention date) and appends a
``audit.pruned`` checkpoint record carrying the last removed ``seq`` and MAC, so the remaining
chain still verifies from its new start.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, func, literal, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from tradescreen.audit.tables import audit_log
from tradescreen.errors import AuditError, AuditKeyMissing, InvalidInput
from tradescreen.settings import Settings

PRUNED = "audit.pruned"
GENESIS = ""  # prev_mac of the very first record
KEY_BYTES = 32
_MAX_RETRIES = 20
# The first key of the two-int PostgreSQL advisory lock serialising appends (the second is the
# schema's hash, as for the load lock of ``store/lock.py``, whose class is "tSLD").
PG_AUDIT_LOCK_CLASS = 0x74534155  # "tSAU"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: str  # ISO 8601, UTC, exactly as MAC'ed
    actor: str
    action: str
    payload: dict[str, Any]
    prev_mac: str
    mac: str

    @property
    def time(self) -> datetime:
        return datetime.fromisoformat(self.at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "payload": self.payload,
            "prev_mac": self.prev_mac,
            "mac": self.mac,
        }


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    records: int
    first_seq: int | None = None
    last_seq: int | None = None
    head_mac: str | None = None
    first_bad_seq: int | None = None
    problem: str | None = None
    anchors_checked: int = 0
    pruned_through: int | None = None
    problems: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "head_mac": self.head_mac,
            "first_bad_seq": self.first_bad_seq,
            "problem": self.problem,
            "anchors_checked": self.anchors_checked,
            "pruned_through": self.pruned_through,
        }


# ---------------------------------------------------------------------------
# The key


def default_key_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("tradescreen", appauthor=False)) / "audit.key"


def load_key(path: Path) -> bytes:
    """Read a key file (hex text). Raises AuditError when it is missing or malformed."""
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except FileNotFoundError as exc:
        raise AuditKeyMissing(f"audit key file not found: {path}") from exc
    except OSError as exc:
        raise AuditKeyMissing(f"audit key file cannot be read: {path}: {exc.strerror}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuditKeyMissing(f"audit key file is not hex text: {path}") from exc
    if len(key) < 16:
        raise AuditKeyMissing(f"audit key in {path} is too short (need at least 16 bytes)")
    return key


def key_path(settings: Settings) -> Path:
    return Path(settings.audit_key_file or default_key_path()).expanduser()


def load_or_create_key(settings: Settings, chain: Engine | Connection) -> bytes:
    """The MAC key of the audit chain in ``chain``'s database, from ``settings.audit_key_file``
    (default: ``audit.key`` in the user's config directory).

    A new key (random, file mode 0600) is made only while the chain is empty. A missing key file
    beside a chain that holds records is an error (:class:`AuditKeyMissing`): a new key would
    make every later record unverifiable against the earlier ones, so nothing is appended until
    the key is restored."""
    path = key_path(settings)
    if path.exists():
        return load_key(path)
    held = _records_in(chain)
    if held:
        raise AuditKeyMissing(
            f"audit key file not found: {path}; the audit chain holds {held} record(s) made "
            "with it: restore the key file (a new key would break the chain)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # created concurrently: use that one
        return load_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


def _records_in(chain: Engine | Connection) -> int:
    """How many records the chain holds (0 when the table does not exist yet)."""
    try:
        if isinstance(chain, Connection):
            return count(chain)
        with chain.connect() as conn:
            return count(conn)
    except SQLAlchemyError:
        return 0


# ---------------------------------------------------------------------------
# Recording


def canonical(value: Any) -> bytes:
    """Canonical JSON: orjson, sorted keys, dates as ISO text."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError as exc:
        raise InvalidInput(f"audit payload is not JSON-serialisable: {exc}") from exc


def compute_mac(
    key: bytes, prev_mac: str, *, seq: int, at: str, actor: str, action: str, payload: Any
) -> str:
    body = canonical({"seq": seq, "at": at, "actor": actor, "action": action, "payload": payload})
    return hmac.new(key, prev_mac.encode("ascii") + body, hashlib.sha256).hexdigest()


def _iso(now: datetime | None) -> str:
    t = now or datetime.now(UTC)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).isoformat(timespec="microseconds")


def record(
    conn: Connection,
    *,
    actor: str,
    action: str,
    payload: Mapping[str, Any],
    key: bytes,
    now: datetime | None = None,
) -> AuditRecord:
    """Append one record to the chain (within the caller's transaction).

    The row is inserted first with ``seq = max(seq) + 1`` in one statement, which takes the
    database's write lock before the head is read (SQLite then never reads a stale head); its
    MACs are filled in right after, still inside the transaction. Two writers racing for the
    same ``seq`` cannot both succeed (primary key): the loser retries inside a savepoint.

    On PostgreSQL (READ COMMITTED) the insert takes no table lock, so concurrent writers all
    read the same head and all but one lose the key race: under 1,000 concurrent screenings
    some ran out of retries (HTTP 500). There a transaction-scoped advisory lock is taken first;
    it is held until the caller's transaction ends, so the next writer reads the committed head.
    Callers append their record last, just before committing, to keep that window short.
    """
    if not actor:
        raise InvalidInput("audit record needs an actor")
    if not action:
        raise InvalidInput("audit record needs an action")
    body = canonical(dict(payload))
    normalised: dict[str, Any] = orjson.loads(body)
    at = _iso(now)
    next_seq = select(func.coalesce(func.max(audit_log.c.seq), 0) + 1).scalar_subquery()
    claim = (
        audit_log.insert()
        .from_select(
            ["seq", "at", "actor", "action", "payload", "prev_mac", "mac"],
            select(
                next_seq,
                literal(at),
                literal(actor),
                literal(action),
                literal(body.decode("utf-8")),
                literal(""),
                literal(""),
            ),
        )
        .returning(audit_log.c.seq)
    )
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:cls, hashtext(coalesce(current_schema(), '')))"),
            {"cls": PG_AUDIT_LOCK_CLASS},
        )
    for _attempt in range(_MAX_RETRIES):
        try:
            with conn.begin_nested():
                seq = int(conn.execute(claim).scalar_one())
                prev = conn.execute(
                    select(audit_log.c.mac)
                    .where(audit_log.c.seq < seq)
                    .order_by(audit_log.c.seq.desc())
                    .limit(1)
                ).scalar()
                prev = str(prev) if prev is not None else GENESIS
                mac = compute_mac(
                    key, prev, seq=seq, at=at, actor=actor, action=action, payload=normalised
                )
                conn.execute(
                    audit_log.update().where(audit_log.c.seq == seq).values(prev_mac=prev, mac=mac)
                )
        except IntegrityError:
            continue
        return AuditRecord(seq, at, actor, action, normalised, prev, mac)
    raise AuditError("could not append to the audit log: too many concurrent writers")


# ---------------------------------------------------------------------------
# Reading


def _row_record(row: Any) -> AuditRecord:
    try:
        payload = orjson.loads(row.payload)
    except orjson.JSONDecodeError:
        payload = {"_unreadable": str(row.payload)}
    if not isinstance(payload, dict):
        payload = {"_value": payload}
    return AuditRecord(
        int(row.seq),
        str(row.at),
        str(row.actor),
        str(row.action),
        payload,
        str(row.prev_mac),
        str(row.mac),
    )


def _iter_rows(
    conn: Connection,
    *,
    since_seq: int | None = None,
    until_seq: int | None = None,
    action: str | None = None,
    batch: int = 1000,
) -> Iterator[Any]:
    last = (since_seq - 1) if since_seq is not None else None
    while True:
        q = select(audit_log).order_by(audit_log.c.seq).limit(batch)
        if last is not None:
            q = q.where(audit_log.c.seq > last)
        if until_seq is not None:
            q = q.where(audit_log.c.seq <= until_seq)
        if action is not None:
            q = q.where(audit_log.c.action == action)
        rows = conn.execute(q).all()
        yield from rows
        if len(rows) < batch:
            return
        last = int(rows[-1].seq)


def iter_records(
    conn: Connection,
    *,
    since_seq: int | None = None,
    until_seq: int | None = None,
    action: str | None = None,
    batch: int = 1000,
) -> Iterator[AuditRecord]:
    """Records in ``seq`` order, streamed in batches."""
    for row in _iter_rows(
        conn, since_seq=since_seq, until_seq=until_seq, action=action, batch=batch
    ):
        yield _row_record(row)


def recent(conn: Connection, *, limit: int = 50, action: str | None = None) -> list[AuditRecord]:
    """The newest records first."""
    q = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if action is not None:
        q = q.where(audit_log.c.action == action)
    return [_row_record(r) for r in conn.execute(q)]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


# ---------------------------------------------------------------------------
# Verification


def _start_point(conn: Connection) -> tuple[int, str, int | None]:
    """Where the chain should start: (expected first seq, expected prev_mac, pruned through).

    After pruning, the newest ``audit.pruned`` record names the last removed seq and MAC; that
    record is itself part of the chain verified afterwards, so the start point is authenticated.
    """
    row = conn.execute(
        select(audit_log.c.payload)
        .where(audit_log.c.action == PRUNED)
        .order_by(audit_log.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return 1, GENESIS, None
    try:
        info = orjson.loads(row.payload)
        through = int(info["through_seq"])
        return through + 1, str(info["through_mac"]), through
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return 1, GENESIS, None


def _bad(n: int, first: int | None, seq: int, problem: str, **kw: Any) -> VerifyReport:
    return VerifyReport(
        ok=False,
        records=n,
        first_seq=first,
        first_bad_seq=seq,
        problem=problem,
        problems=(problem,),
        **kw,
    )


def _check_row(row: Any, key: bytes, expected_seq: int, prev: str) -> str | None:
    """Why this row breaks the chain, or None when it is the expected next link."""
    seq = int(row.seq)
    if seq != expected_seq:
        what = "missing" if seq > expected_seq else "out of order"
        return f"record {expected_seq} {what} (found {seq} after {expected_seq - 1})"
    if row.prev_mac != prev:
        return f"record {seq} does not link to the previous record (prev_mac differs)"
    try:
        payload = orjson.loads(row.payload)
    except orjson.JSONDecodeError:
        return f"record {seq} was altered (payload is not valid JSON)"
    # The MAC covers canonical JSON, and the stored text must be exactly that: otherwise an edit
    # that parses to the same value (a duplicate key, other spacing) would verify.
    if canonical(payload).decode("utf-8") != row.payload:
        return f"record {seq} was altered (payload is not the text that was MAC'ed)"
    mac = compute_mac(
        key, prev, seq=seq, at=row.at, actor=row.actor, action=row.action, payload=payload
    )
    if not hmac.compare_digest(mac, str(row.mac)):
        return f"record {seq} was altered (MAC mismatch)"
    return None


def verify(conn: Connection, key: bytes, *, anchors: Path | None = None) -> VerifyReport:
    """Check every MAC and the seq sequence; with ``anchors``, check each anchored head too.

    Returns a report naming the first bad sequence number; never raises on a broken chain.
    """
    expected_seq, prev, pruned = _start_point(conn)
    wanted = _read_anchors(anchors) if anchors is not None else []
    wanted_seqs = {a[0] for a in wanted}
    macs_at: dict[int, str] = {pruned: prev} if pruned is not None else {}
    n = 0
    first: int | None = None
    for row in _iter_rows(conn):
        n += 1
        first = int(row.seq) if first is None else first
        problem = _check_row(row, key, expected_seq, prev)
        if problem is not None:
            return _bad(n, first, expected_seq, problem, pruned_through=pruned)
        if expected_seq in wanted_seqs:
            macs_at[expected_seq] = str(row.mac)
        prev = str(row.mac)
        expected_seq += 1
    last = expected_seq - 1 if n else None
    head = prev or None
    checked = 0
    for seq, mac, _time in wanted:
        if last is None or seq > last:
            return _bad(
                n,
                first,
                seq,
                f"anchored record {seq} is missing: the log ends at {last or 0} (tail removed)",
                last_seq=last,
                head_mac=head,
                anchors_checked=checked,
                pruned_through=pruned,
            )
        if seq not in macs_at:
            continue  # removed by retention: nothing left to compare with
        if not hmac.compare_digest(macs_at[seq], mac):
            return _bad(
                n,
                first,
                seq,
                f"record {seq} differs from its anchor",
                last_seq=last,
                head_mac=head,
                anchors_checked=checked,
                pruned_through=pruned,
            )
        checked += 1
    return VerifyReport(
        ok=True,
        records=n,
        first_seq=first,
        last_seq=last,
        head_mac=head,
        anchors_checked=checked,
        pruned_through=pruned,
    )


def verify_or_raise(conn: Connection, key: bytes, *, anchors: Path | None = None) -> VerifyReport:
    report = verify(conn, key, anchors=anchors)
    if not report.ok:
        raise AuditError(f"audit chain broken at record {report.first_bad_seq}: {report.problem}")
    return report


# ---------------------------------------------------------------------------
# Anchors


def _read_anchors(path: Path) -> list[tuple[int, str, str]]:
    if not path.exists():
        raise AuditError(f"anchor file not found: {path}")
    out: list[tuple[int, str, str]] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = orjson.loads(line)
            out.append((int(d["seq"]), str(d["mac"]), str(d.get("time", ""))))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise AuditError(f"{path}:{lineno}: not an anchor line") from exc
    return out


def export_anchor(
    conn: Connection, key: bytes, path: Path, *, now: datetime | None = None
) -> dict[str, Any]:
    """Verify the chain, then append its head ``{"seq", "mac", "time"}`` as one JSON line to
    ``path`` (keep that file outside the database host: e-mail it, commit it, print it)."""
    report = verify_or_raise(conn, key)
    if report.last_seq is None or report.head_mac is None:
        raise AuditError("the audit log is empty: nothing to anchor")
    line = {"seq": report.last_seq, "mac": report.head_mac, "time": _iso(now)}
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as fh:
        fh.write(orjson.dumps(line, option=orjson.OPT_SORT_KEYS) + b"\n")
    return line


# ---------------------------------------------------------------------------
# Retention


def prune(
    conn: Connection,
    before: datetime,
    *,
    key: bytes,
    actor: str = "system",
    now: datetime | None = None,
) -> int:
    """Remove the records older than ``before``, as a whole prefix only, and append an
    ``audit.pruned`` checkpoint. A record newer than ``before`` stops the prefix (so nothing
    after it is removed even if older). Verifies the chain first; returns how many were removed.
    """
    verify_or_raise(conn, key)
    cutoff = _iso(before)
    through_seq: int | None = None
    through_mac = GENESIS
    removed = 0
    for rec in iter_records(conn):
        if rec.at >= cutoff:
            break
        through_seq, through_mac = rec.seq, rec.mac
        removed += 1
    if through_seq is None:
        return 0
    # Keep the last removed record until the checkpoint is linked after the head, so ``seq``
    # keeps counting up even when every record is pruned.
    conn.execute(audit_log.delete().where(audit_log.c.seq < through_seq))
    record(
        conn,
        actor=actor,
        action=PRUNED,
        payload={
            "through_seq": through_seq,
            "through_mac": through_mac,
            "removed": removed,
            "before": cutoff,
        },
        key=key,
        now=now,
    )
    conn.execute(audit_log.delete().where(audit_log.c.seq == through_seq))
    return removed


__all__ = [
    "PRUNED",
    "AuditRecord",
    "VerifyReport",
    "canonical",
    "compute_mac",
    "count",
    "default_key_path",
    "export_anchor",
    "iter_records",
    "key_path",
    "load_key",
    "load_or_create_key",
    "prune",
    "recent",
    "record",
    "verify",
    "verify_or_raise",
]
