"""The Spark engine: executors read, score and write; the driver only plans and writes a manifest.

- **Read**: ``spark.read`` of Parquet, CSV or JSON lines at any Hadoop path (local, HDFS,
  ``s3a://``, ``gs://``, ``abfss://`` through the usual connectors), or any DataFrame
  (:func:`screen_frame`, what ``tradescreen.spark.screen_dataframe`` calls).
- **Row ids**: a required integer id column, or the 1-based position in Spark's read order,
  computed on the executors (partition sizes, then offsets: no row passes through the driver).
  For one input file that position is the local engine's row number.
- **Score**: ``mapInArrow`` over each partition calls :func:`tradescreen.batch.core.process_rows`,
  the function the local engine's chunks are made of, so each row's line is the local engine's.
- **Screener**: the compact blob of :mod:`tradescreen.batch.blob` is broadcast once, loaded once
  per Python worker (keyed by its SHA-256), frozen out of the garbage collector, and checked
  against the driver's code version first.
- **Write**: executors write ``kind=result/`` and ``kind=reject/`` part files (JSON lines, or
  Parquet) through Spark's committers; a retried or speculative task writes the same rows, since
  the output is a pure function of the input. The driver then writes ``_manifest.json`` once:
  list versions, settings, code fingerprints, counts.

Nothing is collected to the driver.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tradescreen.batch.blob import Blob, code_identity, dump, load
from tradescreen.batch.core import RowOptions, ScreenerFactory, process_rows
from tradescreen.batch.io import InputRow, detect_format, json_safe, jsonl_row
from tradescreen.batch.local import BatchReport, peak_rss_mb, snapshot_factory
from tradescreen.clock import SystemClock
from tradescreen.errors import CodeMismatch, InvalidInput
from tradescreen.screening.freshness import require_lists
from tradescreen.screening.snapshot import SnapshotScreener
from tradescreen.settings import Settings

ROW = "__tradescreen_row"
OUTPUT_DDL = "row long, kind string, line string, hit boolean"
OUTPUT_FORMATS = ("jsonl", "parquet")
MANIFEST = "_manifest.json"


def spark_session(master: str | None = None, app_name: str = "tradescreen-batch") -> Any:
    """A SparkSession (the active one if any): ``master`` if given, the master spark-submit
    was given when run under it, ``local[*]`` otherwise. On a cluster the executors' Python is
    Spark's own setting (``spark.pyspark.python`` / ``PYSPARK_PYTHON``), never this process's
    path; in local mode the workers run here, with this interpreter."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit
        master = "local[*]"
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            # local mode: the workers run on this machine, so this interpreter is theirs
            # (PySpark reads PYSPARK_PYTHON, not spark.pyspark.python, when it is not run by
            # spark-submit)
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.python.worker.reuse", "true")
        .config("spark.driver.memory", os.environ.get("TRADESCREEN_SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )


# ---------------------------------------------------------------------------
# input


def read_input(spark: Any, path: str, fmt: str) -> Any:
    """The input as Spark reads it: CSV columns as text (split across tasks, so a line break
    inside a quoted cell is not supported: use Parquet or JSON lines for such data), Parquet as
    stored, JSON lines as one raw line per row (parsed on the executors as the local engine
    parses them, so broken lines become rejects with the same reason)."""
    from pyspark.sql import functions as F

    if fmt == "csv":
        sep = "\t" if path.lower().removesuffix(".gz").endswith(".tsv") else ","
        return (
            spark.read.option("header", "true")
            .option("sep", sep)
            .option("encoding", "UTF-8")
            .csv(path)
        )
    if fmt == "jsonl":
        raw = spark.read.text(path)
        return raw.where(F.col("value").rlike(r"\S")).select(F.col("value").cast("binary"))
    if fmt == "parquet":
        return spark.read.parquet(path)
    raise InvalidInput(f"unknown input format {fmt!r}")


def with_row_ids(df: Any, id_column: str | None) -> Any:
    """``df`` plus a ``ROW`` column: ``id_column`` as an integer, or the 1-based position in
    read order (a count per partition, then each partition's offset; all on the executors)."""
    from pyspark.sql import functions as F

    if id_column is not None:
        if id_column not in df.columns:
            raise InvalidInput(f"id column {id_column!r} not in the input columns {df.columns}")
        return df.withColumn(ROW, F.col(id_column).cast("long"))
    tagged = df.withColumn("__pid", F.spark_partition_id()).withColumn(
        "__mono", F.monotonically_increasing_id()
    )
    counts = dict(tagged.groupBy("__pid").count().collect())  # one small row per partition
    offsets, total = [], 0
    for pid in range(df.rdd.getNumPartitions()):
        offsets.append(total)
        total += int(counts.get(pid, 0))
    if not offsets:
        offsets = [0]
    base = F.element_at(F.array(*[F.lit(o) for o in offsets]), F.col("__pid") + 1)
    local = F.col("__mono") - F.shiftleft(F.col("__pid").cast("long"), 33)
    return tagged.withColumn(ROW, base + local + 1).drop("__pid", "__mono")


# ---------------------------------------------------------------------------
# scoring


@dataclass(frozen=True)
class Counters:
    screened: Any
    rejected: Any
    with_hits: Any


def _scorer(
    blob_sha: str,
    blob_value: Callable[[], bytes],
    opts: RowOptions,
    source: str,
    counters: Counters | None,
) -> Callable[[Iterable[dict[str, Any]]], Iterator[tuple[int, str, str, bool]]]:
    """Records (column -> value, with ``ROW``) in, ``(row, kind, line, hit)`` out, through
    :func:`process_rows` with the screener of the broadcast blob (loaded once per worker)."""

    def to_row(rec: dict[str, Any]) -> InputRow:
        number = rec.pop(ROW)
        if number is None:
            raise InvalidInput("a row has no integer id in the id column")
        if source == "jsonl":
            return jsonl_row(int(number), bytes(rec["value"]))
        if source == "csv":  # Spark reads an empty cell as null, the local reader as ""
            return InputRow(int(number), {k: "" if v is None else v for k, v in rec.items()})
        return InputRow(int(number), {k: json_safe(v) for k, v in rec.items()})

    def score(records: Iterable[dict[str, Any]]) -> Iterator[tuple[int, str, str, bool]]:
        screener = load(blob_sha, blob_value)
        screened = rejected = with_hits = 0
        try:
            for r in process_rows(screener, (to_row(rec) for rec in records), opts):
                if r.reject:
                    rejected += 1
                    yield r.number, "reject", r.reject.decode("utf-8").removesuffix("\n"), False
                else:
                    screened += 1
                    with_hits += r.hit
                    yield r.number, "result", r.output.decode("utf-8").removesuffix("\n"), r.hit
        finally:
            if counters is not None:
                counters.screened.add(screened)
                counters.rejected.add(rejected)
                counters.with_hits.add(with_hits)

    return score


def _arrow_batches(
    score: Callable[[Iterable[dict[str, Any]]], Iterator[tuple[int, str, str, bool]]],
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """``score`` as a ``mapInArrow`` function (record batches in and out)."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        schema = pa.schema(
            [("row", pa.int64()), ("kind", pa.string()), ("line", pa.string()), ("hit", pa.bool_())]
        )
        for batch in batches:
            out = list(score(batch.to_pylist()))
            cols = list(zip(*out, strict=True)) if out else [(), (), (), ()]
            yield pa.RecordBatch.from_arrays(
                [pa.array(c, t.type) for c, t in zip(cols, schema, strict=True)], schema=schema
            )

    return run


def arrow_udfs_available() -> bool:
    """``mapInArrow`` needs pandas installed (PySpark checks it); without it the same scoring
    runs as an RDD ``mapPartitions`` over rows."""
    return importlib.util.find_spec("pandas") is not None


def broadcast_blob(spark: Any, snapshot: SnapshotScreener) -> tuple[Blob, Any]:
    blob = dump(snapshot)
    return blob, spark.sparkContext.broadcast(blob.data)


def screen_frame(
    df: Any,
    snapshot: SnapshotScreener,
    opts: RowOptions,
    *,
    id_column: str | None = None,
    source: str = "frame",
    counters: Counters | None = None,
    broadcast: tuple[Blob, Any] | None = None,
) -> Any:
    """A DataFrame ``(row, kind, line, hit)`` of ``df`` scored on the executors: ``kind`` is
    ``result`` (``line``: the local engine's output line for the row) or ``reject`` (its
    rejects-file line). Lazy: nothing runs until it is written (or counted)."""
    blob, bc = broadcast or broadcast_blob(df.sparkSession, snapshot)
    framed = with_row_ids(df, id_column)
    score = _scorer(blob.sha256, lambda: bc.value, opts, source, counters)
    if arrow_udfs_available():
        return framed.mapInArrow(_arrow_batches(score), OUTPUT_DDL)
    rdd = framed.rdd.mapPartitions(lambda part: score(r.asDict() for r in part))
    return df.sparkSession.createDataFrame(rdd, OUTPUT_DDL)


# ---------------------------------------------------------------------------
# the job


@dataclass
class SparkJobReport:
    input: str
    output: str
    manifest: str
    format: str
    rows: int
    screened: int
    rejected: int
    rows_with_hits: int
    seconds: float
    executor_cores: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _hadoop_write(spark: Any, uri: str, data: bytes) -> None:
    """Write ``data`` to ``uri`` through Hadoop's FileSystem (any scheme Spark can write)."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    out = fs.create(path, True)
    try:
        out.write(bytearray(data))
    finally:
        out.close()


def _code_mismatch(exc: Exception) -> CodeMismatch | None:
    """The executor's CodeMismatch inside a Spark failure, as the driver's own error."""
    text = str(exc)
    if "CodeMismatch" not in text:
        return None
    for line in text.splitlines():
        if "this Spark worker runs tradescreen" in line:
            return CodeMismatch(line.split("CodeMismatch:", 1)[-1].strip())
    return CodeMismatch("a Spark worker runs another tradescreen than the driver")


def run_job(
    spark: Any,
    input: str,
    output: str,
    snapshot: SnapshotScreener,
    opts: RowOptions,
    *,
    input_format: str | None = None,
    output_format: str = "jsonl",
    id_column: str | None = None,
) -> SparkJobReport:
    """Screen ``input`` into the directory ``output`` (both Hadoop paths) on the executors:
    ``output_format`` ``jsonl`` (text part files of result lines) or ``parquet`` (columns
    ``row``, ``line``, ``hit``); rejects beside them in ``kind=reject/``."""
    from pyspark.sql import functions as F

    from tradescreen.results import version_to_json
    from tradescreen.screening.index_cache import code_fingerprint

    t0 = time.monotonic()
    if output_format not in OUTPUT_FORMATS:
        raise InvalidInput(
            f"the Spark engine writes {' or '.join(OUTPUT_FORMATS)}, not {output_format}"
        )
    if opts.out_format != "jsonl":
        raise InvalidInput("the Spark engine's rows are JSON lines (RowOptions.out_format)")
    fmt_in = detect_format(input, input_format)
    sc = spark.sparkContext
    counters = Counters(sc.accumulator(0), sc.accumulator(0), sc.accumulator(0))
    df = read_input(spark, input, fmt_in)
    shipped = broadcast_blob(spark, snapshot)
    scored = screen_frame(
        df,
        snapshot,
        opts,
        id_column=id_column,
        source=fmt_in,
        counters=counters,
        broadcast=shipped,
    ).sortWithinPartitions("kind", "row")
    try:
        if output_format == "jsonl":
            writer = scored.select("kind", F.col("line")).write.partitionBy("kind")
            writer.mode("overwrite").text(output)
        else:
            scored.write.partitionBy("kind").mode("overwrite").parquet(output)
    except Exception as exc:
        mismatch = _code_mismatch(exc)
        if mismatch is not None:
            raise mismatch from None
        raise
    finally:
        shipped[1].unpersist()
    screened, rejected = int(counters.screened.value), int(counters.rejected.value)
    seconds = round(time.monotonic() - t0, 3)
    manifest_uri = output.rstrip("/") + "/" + MANIFEST
    report = SparkJobReport(
        input=input,
        output=output,
        manifest=manifest_uri,
        format=output_format,
        rows=screened + rejected,
        screened=screened,
        rejected=rejected,
        rows_with_hits=int(counters.with_hits.value),
        seconds=seconds,
        executor_cores=int(sc.defaultParallelism),
    )
    manifest = {
        "engine": "spark",
        **code_identity(),
        "index_fingerprint": code_fingerprint(),
        "screener_blob_sha256": shipped[0].sha256,
        "list_versions": [version_to_json(v) for v in snapshot.versions],
        "warnings": list(snapshot.warnings),
        "settings": {
            "as_of": opts.as_of.isoformat(),
            "known_at": opts.known_at.isoformat() if opts.known_at else None,
            "threshold": opts.threshold,
            "max_hits": snapshot.max_hits,
            "name_column": opts.name_column,
            "country_column": opts.country_column,
            "id_column": id_column,
            "input_format": fmt_in,
            "format": output_format,
        },
        "layout": {"result": "kind=result/", "reject": "kind=reject/"},
        **report.to_dict(),
        "spark": {"master": sc.master, "application_id": sc.applicationId},
        "written_at": SystemClock().now().isoformat(),
    }
    _hadoop_write(spark, manifest_uri, json.dumps(manifest, indent=2, default=str).encode())
    return report


# ---------------------------------------------------------------------------
# the run behind screen_file(engine="spark")


def screen_file_spark(
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
    session: Any,
    audit_actor: str | None,
) -> BatchReport:
    """``screen_file(engine="spark")``: executors read ``input`` and write the directory
    ``output`` (Hadoop paths both, :func:`run_job`); the driver pins the lists, writes the
    manifest and audits the run."""

    if output is None:
        raise InvalidInput("the Spark engine writes a directory: give --output-dir DIR")
    factory = screener_factory or snapshot_factory(settings, opts.known_at)
    snapshot = factory()
    if not isinstance(snapshot, SnapshotScreener):
        raise InvalidInput("the Spark engine ships a pinned SnapshotScreener to its executors")
    require_lists(snapshot.versions, settings, opts.known_at)  # as the local engine: exit 7
    spark = session or spark_session(spark_master)
    try:
        rep = run_job(
            spark,
            input,
            str(output),
            snapshot,
            opts,
            input_format=input_format,
            output_format=output_format,
            id_column=id_column,
        )
    finally:
        if session is None:
            spark.stop()
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
    record_now(settings, actor=actor, action=SCREENING_FILE, payload=payload)


__all__ = [
    "MANIFEST",
    "OUTPUT_DDL",
    "ROW",
    "SparkJobReport",
    "read_input",
    "run_job",
    "screen_file_spark",
    "screen_frame",
    "spark_session",
    "with_row_ids",
]
