"""Notebook / job entry point: screen a Spark DataFrame on the executors (issue 14, step 1).

``screen_dataframe(df, screener, opts)`` scores each partition with ``mapInArrow`` calling the
same pure :func:`tradescreen.batch.core.process_chunk` as the local engine, so each row's output
line is the local engine's for the same row number. Nothing is collected to the driver: the
result is a DataFrame (``row``, ``output``, ``reject``) that executors write with Spark's writers.

Row ids: ``id_column`` (required to be a unique integer column), or, when absent, the 1-based
position from ``zipWithIndex`` (stable for a given input file order).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

from tradescreen.batch.core import RowOptions, ScreenerLike, process_chunk
from tradescreen.batch.io import InputRow

OUTPUT_DDL = "row long, output binary, reject binary"


def _with_row_ids(df: Any, id_column: str | None) -> tuple[Any, str]:
    if id_column is not None:
        if id_column not in df.columns:
            from tradescreen.errors import InvalidInput

            raise InvalidInput(f"id column {id_column!r} not in the input columns")
        return df, id_column
    col = "__tradescreen_row"
    indexed = df.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1] + 1))
    return indexed.toDF([*df.columns, col]), col


def screen_dataframe(
    df: Any, screener: ScreenerLike, opts: RowOptions, *, id_column: str | None = None
) -> Any:
    """A DataFrame of (row, output line, reject line) scored on the executors."""
    frame, id_col = _with_row_ids(df, id_column)
    bc = frame.sparkSession.sparkContext.broadcast(screener)
    keep_id = id_column is not None

    def score(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            rows = []
            for rec in batch.to_pylist():
                number = int(rec[id_col])
                if not keep_id:
                    rec.pop(id_col)
                rows.append(InputRow(number=number, columns=rec))
            outs, rejs, ids = [], [], []
            for row in rows:  # one row at a time keeps the line-to-row mapping exact
                res = process_chunk(bc.value, [row], opts)
                ids.append(row.number)
                outs.append(res.output or None)
                rejs.append(res.rejects or None)
            yield pa.RecordBatch.from_pydict(
                {"row": ids, "output": outs, "reject": rejs},
                schema=pa.schema(
                    [("row", pa.int64()), ("output", pa.binary()), ("reject", pa.binary())]
                ),
            )

    if importlib.util.find_spec("pandas") is None:  # mapInArrow needs pandas; same scoring
        bc_rows = bc

        def score_rows(part: Iterator[Any]) -> Iterator[tuple[int, bytes | None, bytes | None]]:
            for rec in part:
                d = rec.asDict()
                number = int(d[id_col])
                if not keep_id:
                    d.pop(id_col)
                res = process_chunk(bc_rows.value, [InputRow(number=number, columns=d)], opts)
                yield number, res.output or None, res.rejects or None

        return frame.rdd.mapPartitions(score_rows).toDF(OUTPUT_DDL)
    return frame.mapInArrow(score, OUTPUT_DDL)


__all__ = ["OUTPUT_DDL", "screen_dataframe"]
