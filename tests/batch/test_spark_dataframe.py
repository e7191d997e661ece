"""tradescreen.spark.screen_dataframe: executors score with the local engine's process_chunk."""

from __future__ import annotations

from typing import Any

import pytest

from tradescreen.batch.core import RowOptions, process_chunk
from tradescreen.batch.io import InputRow
from tradescreen.spark import screen_dataframe

from .fakes import real_factory
from .test_local import AS_OF, real_rows

pytestmark = pytest.mark.spark


def test_screen_dataframe_equals_local_chunk(spark: Any) -> None:
    rows = [{k: str(v) for k, v in r.items()} for r in real_rows(60)]
    columns = list(rows[0])
    df = spark.createDataFrame([tuple(r[c] for c in columns) for r in rows], columns)
    opts = RowOptions(name_column="name", country_column=None, as_of=AS_OF, out_format="jsonl")
    screener = real_factory()()
    out = screen_dataframe(df, screener, opts)  # ids before any shuffle
    # written by the executors, read back only to compare
    got = sorted((r["row"], r["output"], r["reject"]) for r in out.toLocalIterator())
    local = process_chunk(
        screener, [InputRow(number=i + 1, columns=r) for i, r in enumerate(rows)], opts
    )
    assert [g[0] for g in got] == list(range(1, len(rows) + 1))
    assert b"".join(bytes(g[1]) for g in got if g[1]) == local.output
    assert b"".join(bytes(g[2]) for g in got if g[2]) == local.rejects
