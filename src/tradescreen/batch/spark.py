"""The Spark engine: the same ``process_chunk`` (same pure matcher) on Spark executors.

The driver streams the input in chunks (the same reader as the local engine, so row numbers,
rejects and columns are identical), ships a wave of chunks as one partition each, and collects
the results in order. The screener, a :class:`tradescreen.screening.snapshot.SnapshotScreener`
holding the compiled index, is broadcast once; each executor's Python worker deserialises it
once and reuses it for every partition. Output is therefore byte-identical to the local engine.

Local mode (``local[*]``) unless a master URL is given; on a cluster, install tradescreen on the
executors (``--py-files`` with the wheel, or the same image): see docs/batch.md.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from tradescreen.batch.core import ChunkOut, RowOptions, ScreenerLike, process_chunk
from tradescreen.batch.io import InputRow


def spark_session(master: str | None = None, app_name: str = "tradescreen-batch") -> Any:
    """A SparkSession (the active one if any): ``master`` if given, the master spark-submit
    was given when run under it, local mode otherwise."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit: local mode
        builder = builder.master("local[*]")
    return (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.python.worker.reuse", "true")
        # executors hash strings like the driver when the driver's seed is fixed
        .config("spark.executorEnv.PYTHONHASHSEED", os.environ.get("PYTHONHASHSEED", "0"))
        .config("spark.driver.memory", os.environ.get("TRADESCREEN_SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )


class SparkRunner:
    """Maps chunks to ChunkOut on Spark, in order, with the screener broadcast once."""

    def __init__(
        self,
        screener: ScreenerLike,
        *,
        master: str | None = None,
        spark: Any = None,
        chunks_per_task: int = 1,
    ) -> None:
        self.owns = spark is None
        self.spark = spark or spark_session(master)
        self.sc = self.spark.sparkContext
        self.broadcast = self.sc.broadcast(screener)
        self.parallelism = max(1, int(self.sc.defaultParallelism))
        self.wave_size = self.parallelism * 4 * chunks_per_task

    def map_chunks(self, chunks: Sequence[list[InputRow]], opts: RowOptions) -> list[ChunkOut]:
        bc = self.broadcast

        def run(rows: list[InputRow]) -> ChunkOut:
            return process_chunk(bc.value, rows, opts)

        rdd = self.sc.parallelize(list(chunks), len(chunks))
        out: list[ChunkOut] = rdd.map(run).collect()
        return out

    def close(self) -> None:
        self.broadcast.unpersist()
        if self.owns:
            self.spark.stop()


__all__ = ["SparkRunner", "spark_session"]
