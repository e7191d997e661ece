"""Forward screening of many counterparties on all cores (full re-screens of big registers).

Workers are forked after the pinned index is built, so they share it; chunks of counterparties
are screened in the workers and the results come back in input order for the parent to record
(alerts and near misses are written by the parent only: one writer, one transaction).
"""

from __future__ import annotations

import multiprocessing as mp
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import Any

from tradescreen.monitor.counterparties import Counterparty
from tradescreen.results import ScreenResult
from tradescreen.screening.snapshot import SnapshotScreener

_STATE: dict[str, Any] = {}


def _screen_chunk(parties: list[Counterparty], as_of: date, threshold: float) -> list[ScreenResult]:
    snap: SnapshotScreener = _STATE["snap"]
    return [snap.screen(cp.query(), as_of=as_of, threshold=threshold) for cp in parties]


def screen_parallel(
    snap: SnapshotScreener,
    parties: Iterable[Counterparty],
    *,
    as_of: date,
    threshold: float,
    workers: int,
    chunk_size: int = 500,
) -> Iterator[tuple[Counterparty, ScreenResult]]:
    """(counterparty, result) for every party, in input order; ``workers`` processes."""
    it = iter(parties)
    if workers <= 1 or sys.platform == "win32":
        for cp in it:
            yield cp, snap.screen(cp.query(), as_of=as_of, threshold=threshold)
        return
    _STATE["snap"] = snap  # inherited by the forked workers
    ctx = mp.get_context("fork")
    with ctx.Pool(workers) as pool:
        window: deque[tuple[list[Counterparty], AsyncResult[list[ScreenResult]]]] = deque()
        while True:
            chunk = list(islice(it, chunk_size))
            if chunk:
                window.append((chunk, pool.apply_async(_screen_chunk, (chunk, as_of, threshold))))
            if window and (len(window) >= 2 * workers or not chunk):
                done, fut = window.popleft()
                yield from zip(done, fut.get(), strict=True)
            elif not chunk:
                break
    _STATE.pop("snap", None)


__all__ = ["screen_parallel"]
