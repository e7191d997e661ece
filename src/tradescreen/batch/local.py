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
import signal
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
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
    CSV_ROWS,
    HIT_CSV_COLUMNS,
    REJECT_COLUMNS,
    RESULT_CSV_COLUMNS,
    AppendFile,
    Checkpoint,
    InputRow,
    PartsWriter,
    check_columns,
    chunked,
    count_rows,
    csv_header,
    csv_line,
    detect_format,
    iter_rows,
)
from tradescreen.batch.manifest import (
    build_manifest,
    manifest_path,
    read_manifest,
    version_ids,
    write_manifest,
)
from tradescreen.errors import Interrupted, InvalidInput, TradescreenError
from tradescreen.screening.freshness import require_lists
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
    seconds: float  # wall time of this run, index load included
    rows_per_second: float  # rows processed by this run / its screening time (index load apart)
    peak_rss_mb: float  # max resident set of this process and of any one worker
    index_seconds: float = 0.0  # loading the list index (before the first row)
    manifest: str = ""  # the run's manifest: list versions, settings, code fingerprint
    complete: bool = True  # every row was read (False: interrupted, or stopped on an error)
    already_complete: bool = False  # the job had completed before: nothing was screened again
    reject_notes: list[str] = field(default_factory=list)  # the first rejects, "line N: why"

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
    # Ctrl-C reaches the whole process group: the parent handles it (checkpoint, resume hint);
    # a worker dying of it would only print a traceback per process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["screener"] = factory()


def _work(rows: list[InputRow], opts: RowOptions) -> ChunkOut:
    return process_chunk(_WORKER["screener"], rows, opts)


# ---------------------------------------------------------------------------


class _Progress:
    """The progress display (rich, on a terminal): the list index load as its own step, then the
    rows with the true rate (rows this run / screening time, the figure the summary reports)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)  # stdout is the summary (or its --json)
        self.prog = Progress(
            SpinnerColumn(finished_text="done"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.prog.start()
        self.task = self.prog.add_task("loading the list index", total=None)
        self.rows = False

    def index_loaded(self, seconds: float) -> None:
        self.prog.update(
            self.task, total=1, completed=1, description=f"list index loaded in {seconds:.1f} s"
        )
        self.prog.stop()

    def start_rows(self, total: int | None, done: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class TrueRate(ProgressColumn):
            """Rows done by this run over the time since screening started: the figure the
            summary reports (rich's own speed is a moving window over the last chunks)."""

            def render(self, task: Task) -> Text:
                rate = _true_rate(task)
                return Text(f"{rate:,.0f} rows/s" if rate else "- rows/s")

        class TrueEta(ProgressColumn):
            def render(self, task: Task) -> Text:
                rate = _true_rate(task)
                if not rate or task.total is None:
                    return Text("ETA -")
                left = int(max(0.0, (task.total - task.completed) / rate))
                return Text(f"ETA {left // 60}:{left % 60:02d}")

        self.prog = Progress(
            TextColumn("screening"),
            BarColumn(),
            MofNCompleteColumn(),
            TrueRate(),
            TimeElapsedColumn(),
            TrueEta(),
            console=self.console,
            transient=False,
        )
        self.prog.start()
        self.task = self.prog.add_task("rows", total=total, completed=done, resumed=done)
        self.rows = True

    def advance(self, n: int) -> None:
        if self.rows:
            self.prog.advance(self.task, n)

    def stop(self) -> None:
        self.prog.stop()


def _true_rate(task: Any) -> float:
    elapsed = task.elapsed or 0.0
    done = task.completed - task.fields.get("resumed", 0)
    return done / elapsed if elapsed > 0 else 0.0


def _writer(
    out_path: Path, output_dir: str | Path | None, offset: int | None, header: bytes | None
) -> AppendFile | PartsWriter:
    if output_dir is None:
        return AppendFile(out_path, offset, header if offset is None else None)
    return PartsWriter(Path(output_dir), out_path.suffix.lstrip("."), offset, header)


def _intact(ck: Checkpoint, out_path: Path, rej_path: Path, output_dir: Path | None) -> bool:
    """The outputs of a completed checkpoint are still there, at their checkpointed sizes."""
    try:
        if output_dir is None and out_path.stat().st_size != ck.output_bytes:
            return False
        return rej_path.stat().st_size == ck.rejects_bytes
    except OSError:
        return False


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
    csv_rows: str = "input",
    bom: bool | None = None,
) -> BatchReport:
    """Screen every row of ``input`` into ``output`` (JSONL or CSV), bad rows into ``rejects``.

    ``screener_factory`` builds one screener per worker (default: a snapshot of the versions in
    force in ``settings``' store; none in force is :class:`NoListsLoaded`). ``as_of`` defaults to
    today. ``name_column`` must be a column of the input, and so must ``country_column`` unless
    it is the default ``country`` (then optional): else :class:`InvalidInput` before any work.
    CSV output: ``csv_rows`` ``"input"`` (one row per input, its top hit) or ``"hit"`` (one row
    per hit); ``bom`` (default on) starts the file with a UTF-8 byte-order mark for Excel.

    The list versions, settings and code fingerprint go once into the run's manifest
    (``OUTPUT.manifest.json``), not on every row. With ``resume`` (default) an interrupted run of
    the same input into the same output continues where it stopped, and a completed one is not
    screened again (``already_complete``). Ctrl-C saves the checkpoint and raises
    :class:`Interrupted`, whose message says how to resume. ``max_chunks`` stops after that many
    chunks (tests use it to simulate an interruption). ``audit_actor``: append one
    ``screening_file`` record to the audit chain of ``settings``' store when the run ends,
    completed or not (``complete``): the input, output and rejects by SHA-256, the counts and
    the list versions every row was screened against.
    """
    t0 = time.monotonic()
    started_at = datetime.now(UTC)
    settings = settings or Settings()
    if engine == "spark":
        from tradescreen.batch.spark import screen_file_spark

        return screen_file_spark(
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
            session=spark_session,
            audit_actor=audit_actor,
        )
    in_path = Path(input)
    if not in_path.is_file():  # before the index is built: a typo costs nothing
        raise InvalidInput(f"input: {in_path}: no such file")
    out_dir = Path(output_dir) if output_dir is not None else None
    if out_dir is not None:
        ext = detect_format(output or "x.jsonl", out_format)
        out_path = out_dir / f"_output.{ext}"
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
    if csv_rows not in CSV_ROWS:
        raise InvalidInput(f"--csv-rows {csv_rows!r}: one of {', '.join(CSV_ROWS)}")
    n_workers = max(1, workers if workers else (os.cpu_count() or 1))
    columns = check_columns(in_path, fmt_in, name_column, country_column)
    if country_column not in columns:  # the default "country", absent: screened without one
        country_column = None
    cols = tuple(c for c in columns if c != "_extra") if fmt_out == "csv" else ()
    with_bom = fmt_out == "csv" and (True if bom is None else bom)
    opts = RowOptions(
        name_column=name_column,
        country_column=country_column,
        as_of=as_of or date.today(),
        out_format=fmt_out,
        threshold=threshold,
        known_at=known_at,
        csv_columns=cols,
        csv_rows=csv_rows,
    )
    header_cols = HIT_CSV_COLUMNS if csv_rows == "hit" else RESULT_CSV_COLUMNS
    header = csv_header([*cols, *header_cols], bom=with_bom) if fmt_out == "csv" else None

    ck_path = Checkpoint.path_for(out_path)
    man_path = manifest_path(out_path, out_dir)
    ck = Checkpoint.load(ck_path) if resume else None
    if ck is not None and not ck.matches(in_path, out_path):
        ck = None
    if ck is not None and ck.complete:
        if _intact(ck, out_path, rej_path, out_dir):
            return _report(
                ck, in_path, out_path, out_dir, rej_path, fmt_out, engine, n_workers,
                resumed_from=ck.rows_done, seconds=time.monotonic() - t0, screen_seconds=0.0,
                index_seconds=0.0, manifest=man_path, complete=True, already_complete=True,
                notes=[],
            )  # fmt: skip
        ck = None  # an output was removed or changed since: screen again

    show = sys.stderr.isatty() if progress is None else progress
    prog = _Progress() if show else None
    t_index = time.monotonic()
    try:
        factory = screener_factory or snapshot_factory(settings, known_at)
    except BaseException:
        if prog is not None:
            prog.stop()
        raise
    index_seconds = time.monotonic() - t_index
    if prog is not None:
        prog.index_loaded(index_seconds)
    snapshot = getattr(factory, "snapshot", None)  # the default factory's pinned versions
    versions = getattr(snapshot, "versions", None)
    if versions is not None:
        require_lists(versions, settings, known_at)  # "no hit" against no list is no answer
    manifest = build_manifest(
        input_path=in_path,
        input_format=fmt_in,
        input_columns=columns,
        output=out_dir if out_dir is not None else out_path,
        output_format=fmt_out,
        rejects=rej_path,
        csv_rows=csv_rows if fmt_out == "csv" else None,
        bom=with_bom,
        name_column=name_column,
        country_column=country_column,
        as_of=opts.as_of,
        known_at=known_at,
        threshold=threshold,
        settings=settings,
        versions=versions,
        warnings=getattr(snapshot, "warnings", ()),
        match_config=getattr(snapshot, "config", None),
        started_at=started_at,
    )
    if ck is not None:  # resuming: the rows done were screened against the manifest's lists
        before = read_manifest(man_path)
        pinned, now_ids = version_ids(before), version_ids(manifest)
        if pinned is not None and now_ids is not None and pinned != now_ids:
            if prog is not None:
                prog.stop()
            raise InvalidInput(
                f"the lists in force changed since this job started (list versions {pinned} "
                f"then, {now_ids} now): run it again with --restart to screen the whole file "
                "against the lists in force now"
            )
        if before is not None:
            manifest["started_at"] = before.get("started_at", manifest["started_at"])

    st = in_path.stat()
    if ck is None:
        ck = Checkpoint(str(in_path.resolve()), st.st_size, st.st_mtime_ns, str(out_path.resolve()))
        out_f = _writer(out_path, out_dir, None, header)
        rej_f = AppendFile(rej_path, None, csv_line(REJECT_COLUMNS))
        ck.output_bytes, ck.rejects_bytes = out_f.commit(), rej_f.commit()
        write_manifest(man_path, manifest)
        ck.save(ck_path)
    else:
        out_f = _writer(out_path, out_dir, ck.output_bytes, header)
        rej_f = AppendFile(rej_path, ck.rejects_bytes)
        write_manifest(man_path, manifest)
    resumed_from = ck.rows_done
    notes: list[str] = []

    rows: Iterator[InputRow] = (r for r in iter_rows(in_path, fmt_in) if r.number > resumed_from)
    chunks = chunked(rows, chunk_size)
    if prog is not None:
        prog.start_rows(count_rows(in_path, fmt_in), resumed_from)
    t_screen = time.monotonic()

    def commit(res: ChunkOut, n_rows: int) -> None:
        out_f.write(res.output)
        rej_f.write(res.rejects)
        ck.output_bytes, ck.rejects_bytes = out_f.commit(), rej_f.commit()
        ck.rows_done += n_rows
        ck.screened += res.screened
        ck.rejected += res.rejected
        ck.hits_rows += res.with_hits
        ck.save(ck_path)
        notes.extend(res.reject_notes[: max(0, 5 - len(notes))])
        if prog is not None:
            prog.advance(n_rows)

    processed_chunks = 0
    stop = False
    failure: BaseException | None = None

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
    except (KeyboardInterrupt, TradescreenError) as exc:
        failure = exc  # the checkpoint holds every committed chunk; recorded below, re-raised
    finally:
        out_f.close()
        rej_f.close()
        if prog is not None:
            prog.stop()

    end = time.monotonic()
    report = _report(
        ck, in_path, out_path, out_dir, rej_path, fmt_out, engine, n_workers,
        resumed_from=resumed_from, seconds=end - t0, screen_seconds=end - t_screen,
        index_seconds=index_seconds, manifest=man_path, complete=ck.complete,
        already_complete=False, notes=notes,
    )  # fmt: skip
    manifest["finished_at"] = datetime.now(UTC).isoformat()
    manifest["complete"] = ck.complete
    manifest["counts"] = {
        "rows": ck.rows_done,
        "screened": ck.screened,
        "rejected": ck.rejected,
        "rows_with_hits": ck.hits_rows,
    }
    write_manifest(man_path, manifest)
    if audit_actor:
        reason = None
        if isinstance(failure, KeyboardInterrupt):
            reason = "interrupted"
        elif failure is not None:
            reason = str(failure)
        elif stop:
            reason = "stopped"
        _audit_file(report, settings, factory, opts, audit_actor, stopped=reason)
    if isinstance(failure, KeyboardInterrupt):
        raise Interrupted(
            f"interrupted after row {ck.rows_done:,} of {in_path} (checkpoint saved: "
            f"{ck.screened:,} screened, {ck.rejected:,} rejected); run the same command again "
            "to resume, or add --restart to start over"
        ) from None
    if failure is not None:
        raise failure
    return report


def _report(
    ck: Checkpoint,
    in_path: Path,
    out_path: Path,
    out_dir: Path | None,
    rej_path: Path,
    fmt_out: str,
    engine: str,
    n_workers: int,
    *,
    resumed_from: int,
    seconds: float,
    screen_seconds: float,
    index_seconds: float,
    manifest: Path,
    complete: bool,
    already_complete: bool,
    notes: list[str],
) -> BatchReport:
    done_now = ck.rows_done - resumed_from
    return BatchReport(
        input=str(in_path),
        output=str(out_dir if out_dir is not None else out_path),
        rejects=str(rej_path),
        format=fmt_out,
        engine=engine,
        workers=n_workers,
        rows=ck.rows_done,
        screened=ck.screened,
        rejected=ck.rejected,
        rows_with_hits=ck.hits_rows,
        resumed_from=resumed_from,
        seconds=round(seconds, 3),
        rows_per_second=round(done_now / screen_seconds, 1) if screen_seconds > 0 else 0.0,
        peak_rss_mb=round(peak_rss_mb(), 1),
        index_seconds=round(index_seconds, 3),
        manifest=str(manifest),
        complete=complete,
        already_complete=already_complete,
        reject_notes=notes,
    )


def _audit_file(
    report: BatchReport,
    settings: Settings,
    factory: ScreenerFactory,
    opts: RowOptions,
    actor: str,
    *,
    stopped: str | None = None,
) -> None:
    from tradescreen.audit.events import SCREENING_FILE, batch_file_payload, record_now

    snapshot = getattr(factory, "snapshot", None)  # the default factory's pinned versions
    payload = batch_file_payload(
        report.to_dict(),
        versions=getattr(snapshot, "versions", ()),
        warnings=getattr(snapshot, "warnings", ()),
        as_of=opts.as_of,
        known_at=opts.known_at,
        threshold=opts.threshold,
        stopped=stopped,
    )
    record_now(settings, actor=actor, action=SCREENING_FILE, payload=payload)


__all__ = [
    "BatchReport",
    "default_rejects_path",
    "peak_rss_mb",
    "screen_file",
    "snapshot_factory",
    "sql_screener",
    "sql_screener_factory",
]
