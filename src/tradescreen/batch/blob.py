"""The screener shipped to executors: a compact blob, keyed by its content hash, version-guarded.

A :class:`~tradescreen.screening.snapshot.SnapshotScreener` pickled whole is large and slow to
load (every derived key of the index). The blob holds what cannot be rebuilt cheaply: the
index's plain tuples (:meth:`NameIndex.to_bytes`, keys rebuilt on load), the entities, the pinned
list versions, the match config and the freshness warnings. It starts with a small JSON header
naming the tradescreen version and code fingerprint of the process that built it, so a worker
checks them before it unpickles anything (:func:`load`): a worker running other code fails the
job at once with :class:`CodeMismatch` instead of scoring with another matcher.

:func:`load` keeps one loaded screener per Python worker (keyed by the blob's SHA-256) and moves
it out of the cyclic garbage collector's reach with ``gc.freeze()``: PySpark's worker runs
``gc.collect()`` after every task, which would otherwise walk the whole index each time.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import pickle
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from tradescreen.errors import CodeMismatch
from tradescreen.index.build import NameIndex
from tradescreen.screening.matcher import IndexBundle
from tradescreen.screening.snapshot import SnapshotScreener

FORMAT = "tradescreen-screener/1"
_MAGIC = b"TSB1"


def _package_files(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for f in root.iterdir():
        rel = f"{prefix}{f.name}"
        if f.is_dir():
            if f.name != "__pycache__":
                out += _package_files(f, rel + "/")
        elif not f.name.endswith((".pyc", ".pyo")):
            out.append((rel, f))
    return out


@functools.cache
def package_fingerprint() -> str:
    """A digest of every source and data file of the installed tradescreen package, read
    through ``importlib.resources`` (the same from a zip on ``--py-files`` as from a directory)."""
    h = hashlib.sha256()
    for rel, f in sorted(_package_files(resources.files("tradescreen")), key=lambda x: x[0]):
        h.update(rel.encode())
        h.update(b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def code_identity() -> dict[str, str]:
    """What a worker must share with the driver: the package version and code fingerprint."""
    from tradescreen import __version__

    return {"tradescreen_version": __version__, "code_fingerprint": package_fingerprint()}


@dataclass(frozen=True)
class Blob:
    """The bytes shipped to executors and their identity."""

    data: bytes
    sha256: str
    header: dict[str, Any]


def dump(snapshot: SnapshotScreener, identity: dict[str, str] | None = None) -> Blob:
    """The compact blob of ``snapshot``; ``identity`` defaults to this process's code."""
    b = snapshot.bundle
    payload = pickle.dumps(
        {
            "index": b.index.to_bytes(),
            "entities": b.entities,
            "entity_version": b.entity_version,
            "versions": snapshot.versions,
            "config": snapshot.config,
            "max_hits": snapshot.max_hits,
            "known_at": snapshot.known_at,
            "warnings": snapshot.warnings,
        },
        protocol=5,
    )
    header = {
        "format": FORMAT,
        **(identity or code_identity()),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "list_versions": [v.id for v in snapshot.versions],
    }
    head = json.dumps(header, sort_keys=True).encode()
    data = _MAGIC + len(head).to_bytes(4, "big") + head + payload
    return Blob(data, hashlib.sha256(data).hexdigest(), header)


def read_header(data: bytes) -> tuple[dict[str, Any], int]:
    """The header of a blob and the offset of its payload."""
    if data[:4] != _MAGIC:
        raise CodeMismatch("not a tradescreen screener blob (built by another version?)")
    n = int.from_bytes(data[4:8], "big")
    header: dict[str, Any] = json.loads(data[8 : 8 + n])
    return header, 8 + n


def check_identity(header: dict[str, Any], mine: dict[str, str] | None = None) -> None:
    """Raise :class:`CodeMismatch` unless this process runs the code that built the blob."""
    mine = mine or code_identity()
    theirs = {k: header.get(k) for k in mine}
    if header.get("format") != FORMAT or theirs != mine:
        raise CodeMismatch(
            "this Spark worker runs tradescreen "
            f"{mine['tradescreen_version']} (code {mine['code_fingerprint']}) but the driver "
            f"runs {theirs.get('tradescreen_version')} (code {theirs.get('code_fingerprint')}): "
            "ship the driver's package to the executors (--py-files tradescreen.zip, "
            "docs/batch.md) or install the same build there"
        )


def loads(data: bytes) -> SnapshotScreener:
    """The screener in ``data`` (checked: code identity first, then the payload's hash)."""
    header, offset = read_header(data)
    check_identity(header)
    payload = data[offset:]
    if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        raise CodeMismatch("the screener blob is damaged (payload hash differs)")
    p = pickle.loads(payload)
    index = NameIndex.from_bytes(p["index"], with_keys=True)
    bundle = IndexBundle(index, p["entities"], p["entity_version"])
    return SnapshotScreener(
        p["versions"], bundle, p["config"], p["max_hits"], p["known_at"], p["warnings"]
    )


_LOADED: dict[str, SnapshotScreener] = {}


def load(sha256: str, data: Any) -> SnapshotScreener:
    """The screener of the blob ``sha256``, loaded once per process and frozen out of the
    garbage collector. ``data``: the blob's bytes, or a callable returning them (read only
    when this process has not loaded the blob yet)."""
    got = _LOADED.get(sha256)
    if got is not None:
        return got
    raw = data() if callable(data) else data
    screener = loads(raw)
    _LOADED.clear()  # one screener per worker: a new job's blob replaces the last one
    _LOADED[sha256] = screener
    gc.collect()
    gc.freeze()  # the index never becomes garbage while loaded; keep the per-task gc cheap
    return screener


__all__ = [
    "Blob",
    "CodeMismatch",
    "check_identity",
    "code_identity",
    "dump",
    "load",
    "loads",
    "package_fingerprint",
    "read_header",
]
