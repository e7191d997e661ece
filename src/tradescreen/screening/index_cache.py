"""The index cache: one candidate index per list version, merged once per set of versions.

A version's index is loaded from its blob in the store (keyed by :func:`code_fingerprint`, so an
index built by other code is never reused) or built and persisted there. The merged bundle of
the set in force is held as :attr:`IndexCache.current`; a few ``known_at`` replays are kept
besides it (LRU); the parts of superseded versions are dropped, so a long-running server holds
one set in memory, not one per update.

The background swap (what the API server uses) builds a new set's bundle off the request path
and switches it in whole once built. Where it runs is the ``spawn`` seam: a daemon thread by
default; a test passes its own (run the task later, or hold it behind a gate) instead of
patching private attributes.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable

from tradescreen import heap
from tradescreen.errors import StoreError
from tradescreen.index.build import NameIndex
from tradescreen.model import ListVersion
from tradescreen.screening.entities import EntityRows
from tradescreen.screening.matcher import IndexBundle, VersionSet, version_key
from tradescreen.store.base import Store

log = logging.getLogger(__name__)

Spawn = Callable[[Callable[[], None]], None]
"""Runs a background task (the swap): ``spawn(task)`` returns at once."""


def _fingerprinted_files() -> list[Traversable]:
    """The code and data that shape a persisted index: normalisation, weights, layout."""
    root = resources.files("tradescreen")
    names = root / "names"
    files = [root / "index" / "build.py", root / "match" / "prepared.py"]
    files += sorted(
        (f for f in names.iterdir() if f.is_file() and f.name.endswith(".py")),
        key=lambda f: f.name,
    )
    files += sorted((f for f in (names / "data").iterdir() if f.is_file()), key=lambda f: f.name)
    return files


@functools.cache
def code_fingerprint() -> str:
    """A digest of the code and data that shape a persisted index. Read through
    ``importlib.resources``, so it is the same when the package is imported from a zip or a
    wheel (as on Spark executors) as from a directory."""
    h = hashlib.sha256()
    for f in _fingerprinted_files():
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def blob_key() -> str:
    """The store key of a version's index blob built by this code."""
    return f"index/v1/{code_fingerprint()}"


SET_PREFIX = "index-set/"


def set_key(versions: Sequence[ListVersion]) -> str:
    """The store key of the merged index of a set of versions built by this code (kept beside
    the set's newest version; one such blob in a store, the last set persisted)."""
    return f"{SET_PREFIX}v1/{code_fingerprint()}/{'-'.join(map(str, version_key(versions)))}"


def start_thread(task: Callable[[], None]) -> None:
    """The default :data:`Spawn`: a daemon thread."""
    threading.Thread(target=task, name="tradescreen-index-swap", daemon=True).start()


class IndexCache:
    """Index parts per version, the merged set in force, a few replays, the background swap."""

    def __init__(self, store: Store, *, spawn: Spawn = start_thread, replays_kept: int = 4) -> None:
        self.store = store
        self.spawn = spawn
        self.replays_kept = replays_kept
        self._parts: dict[int, IndexBundle] = {}
        self._replays: dict[tuple[int, ...], VersionSet] = {}  # known_at replays, LRU order
        self._current: VersionSet | None = None
        self._building: tuple[int, ...] | None = None
        self._lock = threading.Lock()  # one build at a time

    # -- what is held ------------------------------------------------------------------------
    @property
    def current(self) -> VersionSet | None:
        """The set in force now, as last switched in (``None`` before the first screening)."""
        return self._current

    @property
    def building(self) -> tuple[int, ...] | None:
        """The key of the set being built in the background, if any."""
        return self._building

    def part_ids(self) -> frozenset[int]:
        """The versions whose index parts are held in memory."""
        with self._lock:
            return frozenset(self._parts)

    def replay_keys(self) -> list[tuple[int, ...]]:
        """The sets kept for ``known_at`` replays, least recently used first."""
        with self._lock:
            return list(self._replays)

    # -- building --------------------------------------------------------------------------
    def part(self, version: ListVersion) -> IndexBundle:
        """The index of one version: held, or loaded from its blob, or built and persisted."""
        part = self._parts.get(version.id)
        if part is not None:
            return part
        entities = EntityRows.of(self.store.iter_entity_records([version.id]))
        key = blob_key()
        blob = self.store.get_blob(version.id, key)
        index: NameIndex | None = None
        if blob is not None:
            try:
                index = NameIndex.from_bytes(blob, with_keys=False)
            except Exception:  # an unreadable or old blob is rebuilt, never trusted
                index = None
            if index is not None and [f.entity_id for f in index.facts] != entities.ids:
                index = None
        if index is None:
            index = NameIndex.build(entities, version.id)
            self.store.put_blob(version.id, key, index.to_bytes())
            index.drop_keys()  # rebuilt once, over all the versions in force, by merge()
        part = IndexBundle(index, entities, [version.id] * len(entities))
        self._parts[version.id] = part
        return part

    def build(self, versions: Sequence[ListVersion], *, persist: bool = False) -> VersionSet:
        """The merged bundle of ``versions`` (built under the lock, once per set). A merged set
        of several versions is loaded from the store when a process built and ``persist``-ed
        it before (the set in force: ``use`` and ``swap``; never a replay), else merged from
        the versions' parts."""
        key = version_key(versions)
        with self._lock:
            cur = self._current
            if cur is not None and cur.key == key:
                return cur
            kept = self._replays.get(key)
            if kept is not None:
                return kept
            with heap.paused():  # hundreds of thousands of long-lived containers (see heap)
                vs = self._load_set(versions) if persist and len(versions) > 1 else None
                if vs is None:
                    vs = VersionSet(
                        tuple(versions), IndexBundle.merge([self.part(v) for v in versions])
                    )
                    if persist and len(versions) > 1:
                        self._save_set(vs)
                return vs

    def _load_set(self, versions: Sequence[ListVersion]) -> VersionSet | None:
        """The persisted merged set of ``versions``, or None (absent, unreadable, or not over
        the entities the store holds now)."""
        blob = self.store.get_blob(versions[-1].id, set_key(versions))
        if blob is None:
            return None
        try:
            index = NameIndex.from_keyed_bytes(blob)
        except Exception:  # an unreadable or old blob is rebuilt, never trusted
            log.warning("persisted index of versions %s unreadable: rebuilt", version_key(versions))
            return None
        parts = [EntityRows.of(self.store.iter_entity_records([v.id])) for v in versions]
        entities = EntityRows.concat(parts)
        if (
            index.version_ids != version_key(versions)
            or [f.entity_id for f in index.facts] != entities.ids
        ):
            return None
        owner = [v.id for v, p in zip(versions, parts, strict=True) for _ in range(len(p))]
        return VersionSet(tuple(versions), IndexBundle(index, entities, list(owner)))

    def _save_set(self, vs: VersionSet) -> None:
        """Persist a merged set for the next process; a store that cannot take it (busy,
        read-only) costs that process the merge, nothing else."""
        try:
            self.store.put_blob(
                vs.versions[-1].id,
                set_key(vs.versions),
                vs.bundle.index.to_keyed_bytes(),
                replaces=SET_PREFIX,
            )
        except StoreError as exc:
            log.info("merged index of versions %s not persisted: %s", vs.key, exc)

    def make_current(self, vs: VersionSet) -> None:
        """Switch ``vs`` in whole; drop the parts no held set uses any more."""
        with self._lock:
            self._current = vs
            used = {i for k in self._replays for i in k} | set(vs.key)
            for vid in [v for v in self._parts if v not in used]:
                del self._parts[vid]
        heap.freeze()

    def use(self, versions: Sequence[ListVersion]) -> VersionSet:
        """The set of ``versions`` as the current one, built now if need be (waits)."""
        cur = self._current
        if cur is not None and cur.key == version_key(versions):
            return cur
        vs = self.build(versions, persist=True)
        self.make_current(vs)
        return vs

    def swap(self, versions: Sequence[ListVersion]) -> None:
        """Build the set of ``versions`` through ``spawn`` and switch it in once built, unless a
        newer set was asked for meanwhile; a failed build is logged and retried on the next
        call (the current set keeps answering)."""
        key = version_key(versions)
        if self._building == key:
            return
        self._building = key
        versions = list(versions)

        def run() -> None:
            try:
                vs = self.build(versions, persist=True)
                if self._building == key:  # not overtaken by a newer set meanwhile
                    self.make_current(vs)
            except Exception:
                log.exception("index of versions %s not built", key)
            finally:
                if self._building == key:
                    self._building = None

        self.spawn(run)

    def replay(self, versions: Sequence[ListVersion]) -> VersionSet:
        """The set of ``versions`` for a ``known_at`` replay, kept among the last few."""
        vs = self.build(versions)
        with self._lock:
            self._replays.pop(vs.key, None)
            self._replays[vs.key] = vs
            while len(self._replays) > self.replays_kept:
                self._replays.pop(next(iter(self._replays)))
        return vs


__all__ = ["IndexCache", "Spawn", "blob_key", "code_fingerprint", "set_key", "start_thread"]
