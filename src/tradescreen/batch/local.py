"""The local batch engine: stream a file of any size through all cores, resumable.

- Rows are read in chunks and screened in worker processes; each worker builds its screener once
  (``screener_factory``), so the candidate index is loaded once per worker, not per row.
- At most ``2 x workers`` chunks are in flight, so memory stays bounded whatever the input size.
- Chunks are written in input order, flushed and fsynced, then a checkpoint records rows done and
  the byte size of the outputs. A killed run resumes from the checkpoint (outputs are cut back to
  the checkpointed size first, so a chunk half-written at the kill is written again exactly once).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from tradescreen.batch.core import (
    ChunkOut,
    RowOptions,
    ScreenerFactory,
    ScreenerLike,
    process_chunk,
)
from tradescreen.batch.io import (
    REJECT_COLUMNS,
    RESULT_CSV_COLUMNS,
    AppendFile,
    Checkpoint,
    InputRow,
    PartsWriter,
    chunked,
    count_rows,
    csv_line,
    detect_format,
    iter_rows,
)
from tradescreen.errors import InvalidInput
from tradescreen.settings import Settings


@dataclass
class BatchReport:
    input: str
    output: str
    rejects: str
    format: str
    engine: str
    workers: int
    rows: int  # rows read (screened + rejected), including rows done before a resume
    screened: int
    rejected: int
    rows_with_hits: int
    resumed_from: int  # rows already done when this run started
    seconds: float
    rows_per_second: float  # rows processed by this run / its wall time
    peak_rss_mb: float  # max resident set of this process and of any one worker

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_rejects_path(output: Path) -> Path:
    return output.with_name(output.name + ".rejects.csv")


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024  # Linux reports KiB
    return max(own, kids) * scale / 1e6


def sql_screener(settings: Settings) -> ScreenerLike:
    """The real screener over the store named by ``settings`` (a picklable factory target)."""
    from tradescreen.db import make_engine
    from tradescreen.screening.screener import Screener
    from tradescreen.store.sql import SqlStore

    store = SqlStore(make_engine(settings.db_url()))
    return Screener(store, settings)


class _SqlFactory:
    """Picklable: rebuilds the screener from settings in each worker."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self) -> ScreenerLike:
        return sql_screener(self.settings)


def sql_screener_factory(settings: Settings) -> ScreenerFactory:
    return _SqlFactory(settings)


def snapshot_factory(settings: Settings, known_at: datetime | None = None) -> ScreenerFactory:
    """The default: the versions in force, indexed once here; forked workers share it and the
    Spark engine broadcasts it."""
    from tradescreen.screening.snapshot import SnapshotFactory, SnapshotScreener

    return SnapshotFactory(SnapshotScreener.from_settings(settings, known_at))


# ---------------------------------------------------------------------------
# worker side

_WORKER: dict[str, Any] = {}


def _init_worker(factory: ScreenerFactory) -> None:
    _WORKER["screener"] = factory()


def _work(rows: list[InputRow], opts: RowOptions) -> ChunkOut:
    return process_chunk(_WORKER["screener"], rows, opts)


# ---------------------------------------------------------------------------


def _csv_columns(input_path: Path, fmt: str, name_column: str) -> tuple[str, ...]:
    """Input columns for CSV output: the header (CSV), the schema (Parquet), the first object."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return tuple(pq.ParquetFile(input_path).schema_arrow.names)
    for row in iter_rows(input_path, fmt):
        if row.error is None:
            return tuple(k for k in row.columns if k != "_extra")
        if fmt == "csv":
            return tuple(k for k in row.columns if k != "_extra")
    return (name_column,)


def _progress(total: int | None, done: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.speed
            return Text(f"{speed:,.0f} rows/s" if speed else "- rows/s")

    prog = Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        transient=False,
    )
    prog.start()
    prog.add_task("rows", total=total, completed=done)
    return prog


def _writer(
    out_path: Path, output_dir: str | Path | None, offset: int | None, header: bytes | None
) -> AppendFile | PartsWriter:
    if output_dir is None:
        return AppendFile(out_path, offset, header if offset is None else None)
    return PartsWriter(Path(output_dir), out_path.suffix.lstrip("."), offset, header)


def screen_file(
    input: str | Path,
    output: str | Path | None,
    *,
    output_dir: str | Path | None = None,
    settings: Settings | None = None,
    screener_factory: ScreenerFactory | None = None,
    name_column: str = "name",
    country_column: str | None = "country",
    as_of: date | None = None,
    known_at: datetime | None = None,
    threshold: float | None = None,
    out_format: str | None = None,
    input_format: str | None = None,
    rejects: str | Path | None = None,
    workers: int | None = None,
    resume: bool = True,
    chunk_size: int = 2000,
    progress: bool | None = None,
    max_chunks: int | None = None,
    engine: str = "local",
    spark_master: str | None = None,
    spark_session: Any = None,
    id_column: str | None = None,
    audit_actor: str | None = None,
) -> BatchReport:
    """Screen every row of ``input`` into ``output`` (JSONL or CSV), bad rows into ``rejects``.

    ``screener_factory`` builds one screener per worker (default: the SQL store of
    ``settings``). ``as_of`` defaults to today. With ``resume`` (default) a previous interrupted
    run of the same input into the same output continues where it stopped. ``max_chunks`` stops
    after that many chunks (tests use it to simulate an interruption). ``audit_actor``: append
    one ``screening_file`` record to the audit chain of ``settings``' store once the whole file
    is done (the CLI passes its user): the input, output and rejects by SHA-256, the counts and
    the list versions every row was screened against.
    """
    t0 = time.monotonic()
    settings = settings or Settings()
    if engine == "spark":
        return _screen_spark(
            str(input),
            output_dir if output_dir is not None else output,
            settings=settings,
            screener_factory=screener_factory,
            opts=RowOptions(
                name_column=name_column,
                country_column=country_column,
                as_of=as_of or date.today(),
                out_format="jsonl",  # each row's line; the files holding them: out_format
                threshold=threshold,
                known_at=known_at,
            ),
            input_format=input_format,
            output_format=(out_format or "jsonl").lower(),
            id_column=id_column,
            spark_master=spark_master,
            spark_session=spark_session,
            audit_actor=audit_actor,
        )
    in_path = Path(input)
    if not in_path.is_file():  # before the index is built: a typo costs nothing
        raise InvalidInput(f"input: {in_path}: no such file")
    factory = screener_factory or snapshot_factory(settings, known_at)
    if output_dir is not None:
        ext = detect_format(output or "x.jsonl", out_format)
        out_path = Path(output_dir) / f"_output.{ext}"
    elif output is not None:
        out_path = Path(output)
    else:
        raise InvalidInput("give an output file (-o) or an output directory (--output-dir)")
    rej_path = Path(rejects) if rejects else default_rejects_path(out_path)
    fmt_in = detect_format(in_path, input_format)
    fmt_out = detect_format(out_path, out_format)
    if fmt_out == "parquet":
        raise InvalidInput("batch output is JSONL or CSV; use --format jsonl|csv")
    if engine not in ("local", "spark"):
        raise InvalidInput(f"unknown engine {engine!r}: local or spark")
    n_workers = max(1, workers if workers else (os.cpu_count() or 1))
    cols = _csv_columns(in_path, fmt_in, name_column) if fmt_out == "csv" else ()
    opts = RowOptions(
        name_column=name_column,
        country_column=country_column,
        as_of=as_of or date.today(),
        out_format=fmt_out,
        threshold=threshold,
        known_at=known_at,
        csv_columns=cols,
    )

    ck_path = Checkpoint.path_for(out_path)
    ck = Checkpoint.load(ck_path) if resume else None
    if ck is not None and (not ck.matches(in_path, out_path) or ck.complete):
        ck = None
    st = in_path.stat()
    if ck is None:
        ck = Checkpoint(str(in_path.resolve()), st.st_size, st.st_mtime_ns, str(out_path.resolve()))
        header = csv_line([*cols, *RESULT_CSV_COLUMNS]) if fmt_out == "csv" else None
        out_f = _writer(out_path, output_dir, None, header)
        rej_f = AppendFile(rej_path, None, csv_line(REJECT_COLUMNS))
        ck.output_bytes, ck.rejects_bytes = out_f.commit(), rej_f.commit()
        ck.save(ck_path)
    else:
        header = csv_line([*cols, *RESULT_CSV_COLUMNS]) if fmt_out == "csv" else None
        out_f = _writer(out_path, output_dir, ck.output_bytes, header)
        rej_f = AppendFile(rej_path, ck.rejects_bytes)
    resumed_from = ck.rows_done

    rows: Iterator[InputRow] = (r for r in iter_rows(in_path, fmt_in) if r.number > resumed_from)
    chunks = chunked(rows, chunk_size)
    show = sys.stderr.isatty() if progress is None else progress
    prog = _progress(count_rows(in_path, fmt_in) if show else None, resumed_from, show)

    def commit(res: ChunkOut, n_rows: int) -> None:
        out_f.write(res.output)
        rej_f.write(res.rejects)
        ck.output_bytes, ck.rejects_bytes = out_f.commit(), rej_f.commit()
        ck.rows_done += n_rows
        ck.screened += res.screened
        ck.rejected += res.rejected
        ck.hits_rows += res.with_hits
        ck.save(ck_path)
        if prog is not None:
            prog.advance(prog.task_ids[0], n_rows)

    processed_chunks = 0
    stop = False

    def done_one() -> bool:
        nonlocal processed_chunks
        processed_chunks += 1
        return max_chunks is not None and processed_chunks >= max_chunks

    try:
        if n_workers == 1:
            screener = factory()
            for chunk in chunks:
                commit(process_chunk(screener, chunk, opts), len(chunk))
                if done_one():
                    stop = True
                    break
        else:
            ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
            with ctx.Pool(n_workers, initializer=_init_worker, initargs=(factory,)) as pool:
                window: deque[tuple[AsyncResult[ChunkOut], int]] = deque()
                for chunk in chunks:
                    window.append((pool.apply_async(_work, (chunk, opts)), len(chunk)))
                    if len(window) >= 2 * n_workers:
                        fut, n = window.popleft()
                        commit(fut.get(), n)
                        if done_one():
                            stop = True
                            break
                while window and not stop:
                    fut, n = window.popleft()
                    commit(fut.get(), n)
                    stop = done_one()
                pool.terminate()
        if not stop:
            ck.complete = True
            ck.save(ck_path)
    finally:
        out_f.close()
        rej_f.close()
        if prog is not None:
            prog.stop()

    elapsed = time.monotonic() - t0
    done_now = ck.rows_done - resumed_from
    report = BatchReport(
        input=str(in_path),
        output=str(output_dir if output_dir is not None else out_path),
        rejects=str(rej_path),
        format=fmt_out,
        engine=engine,
        workers=n_workers,
        rows=ck.rows_done,
        screened=ck.screened,
        rejected=ck.rejected,
        rows_with_hits=ck.hits_rows,
        resumed_from=resumed_from,
        seconds=round(elapsed, 3),
        rows_per_second=round(done_now / elapsed, 1) if elapsed > 0 else 0.0,
        peak_rss_mb=round(peak_rss_mb(), 1),
    )
    if audit_actor and not stop:
        _audit_file(report, settings, factory, opts, audit_actor)
    return report


def _screen_spark(
    input: str,
    output: str | Path | None,
    *,
    settings: Settings,
    screener_factory: ScreenerFactory | None,
    opts: RowOptions,
    input_format: str | None,
    output_format: str,
    id_column: str | None,
    spark_master: str | None,
    spark_session: Any,
    audit_actor: str | None,
) -> BatchReport:
    """The Spark engine (:func:`tradescreen.batch.spark.run_job`): executors read ``input`` and
    write the directory ``output`` (Hadoop paths both); the driver pins the lists and writes
    the manifest."""
    from tradescreen.batch import spark as engine
    from tradescreen.screening.snapshot import SnapshotScreener

    if output is None:
        raise InvalidInput("the Spark engine writes a directory: give --output-dir DIR")
    factory = screener_factory or snapshot_factory(settings, opts.known_at)
    snapshot = factory()
    if not isinstance(snapshot, SnapshotScreener):
        raise InvalidInput("the Spark engine ships a pinned SnapshotScreener to its executors")
    session = spark_session or engine.spark_session(spark_master)
    try:
        rep = engine.run_job(
            session,
            input,
            str(output),
            snapshot,
            opts,
            input_format=input_format,
            output_format=output_format,
            id_column=id_column,
        )
    finally:
        if spark_session is None:
            session.stop()
    report = BatchReport(
        input=input,
        output=rep.output,
        rejects=rep.output.rstrip("/") + "/kind=reject",
        format=rep.format,
        engine="spark",
        workers=rep.executor_cores,
        rows=rep.rows,
        screened=rep.screened,
        rejected=rep.rejected,
        rows_with_hits=rep.rows_with_hits,
        resumed_from=0,
        seconds=rep.seconds,
        rows_per_second=round(rep.rows / rep.seconds, 1) if rep.seconds > 0 else 0.0,
        peak_rss_mb=round(peak_rss_mb(), 1),
    )
    if audit_actor:
        _audit_spark(report, rep.manifest, settings, snapshot, opts, audit_actor)
    return report


def _audit_spark(
    report: BatchReport,
    manifest: str,
    settings: Settings,
    snapshot: Any,
    opts: RowOptions,
    actor: str,
) -> None:
    """The Spark run's ``screening_file`` record: its output is a directory at a Hadoop path
    the driver does not read back, so the record names the manifest instead of file digests."""
    from tradescreen.audit.events import SCREENING_FILE, engine_version, record_now
    from tradescreen.db import make_engine
    from tradescreen.results import version_to_json

    payload = {
        "kind": SCREENING_FILE,
        "engine_version": engine_version(),
        "engine": "spark",
        "input": report.input,
        "output": report.output,
        "manifest": manifest,
        "rows": report.rows,
        "screened": report.screened,
        "rejected": report.rejected,
        "rows_with_hits": report.rows_with_hits,
        "as_of": opts.as_of.isoformat(),
        "known_at": opts.known_at.isoformat() if opts.known_at else None,
        "threshold": opts.threshold,
        "list_versions": [version_to_json(v) for v in snapshot.versions],
        "warnings": list(snapshot.warnings),
    }
    engine = make_engine(settings.db_url())
    try:
        record_now(engine, settings, actor=actor, action=SCREENING_FILE, payload=payload)
    finally:
        engine.dispose()


def _audit_file(
    report: BatchReport,
    settings: Settings,
    factory: ScreenerFactory,
    opts: RowOptions,
    actor: str,
) -> None:
    from tradescreen.audit.events import SCREENING_FILE, batch_file_payload, record_now
    from tradescreen.db import make_engine

    snapshot = getattr(factory, "snapshot", None)  # the default factory's pinned versions
    payload = batch_file_payload(
        report.to_dict(),
        versions=getattr(snapshot, "versions", ()),
        warnings=getattr(snapshot, "warnings", ()),
        as_of=opts.as_of,
        known_at=opts.known_at,
        threshold=opts.threshold,
    )
    engine = make_engine(settings.db_url())
    try:
        record_now(engine, settings, actor=actor, action=SCREENING_FILE, payload=payload)
    finally:
        engine.dispose()


__all__ = [
    "BatchReport",
    "default_rejects_path",
    "peak_rss_mb",
    "screen_file",
    "snapshot_factory",
    "sql_screener",
    "sql_screener_factory",
]
