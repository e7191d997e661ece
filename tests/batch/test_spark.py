"""The Spark engine (local mode) gives byte-identical output to the local engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tradescreen.batch.local import screen_file

from .fakes import real_factory
from .test_local import AS_OF, BAD, real_rows, write_csv

pytestmark = pytest.mark.spark


def test_spark_equals_local_jsonl_and_parts(tmp_path: Path, spark: Any) -> None:
    rows = real_rows(400)
    src = tmp_path / "in.csv"
    write_csv(src, rows + BAD, bad_bytes_at=0)
    local, sp = tmp_path / "local.jsonl", tmp_path / "spark.jsonl"
    rl = screen_file(
        src,
        local,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=2,
        chunk_size=50,
        progress=False,
    )
    rs = screen_file(
        src,
        sp,
        screener_factory=real_factory(),
        as_of=AS_OF,
        engine="spark",
        spark_session=spark,
        chunk_size=50,
        progress=False,
    )
    assert rs.engine == "spark" and (rs.screened, rs.rejected) == (rl.screened, rl.rejected)
    assert sp.read_bytes() == local.read_bytes()
    assert Path(rs.rejects).read_bytes() == Path(rl.rejects).read_bytes()
    parts_dir = tmp_path / "parts"
    rp = screen_file(
        src,
        None,
        output_dir=parts_dir,
        screener_factory=real_factory(),
        as_of=AS_OF,
        engine="spark",
        spark_session=spark,
        chunk_size=50,
        progress=False,
    )
    parts = sorted(parts_dir.glob("part-*.jsonl"))
    assert len(parts) > 1 and rp.screened == rl.screened
    assert b"".join(p.read_bytes() for p in parts) == local.read_bytes()
    assert [json.loads(x)["row"] for x in local.read_text().splitlines()][:3] == [1, 2, 3]


def test_spark_parquet_to_csv_equals_local(tmp_path: Path, spark: Any) -> None:
    rows = real_rows(200)
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows + BAD), src, row_group_size=64)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    screen_file(
        src,
        a,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=1,
        chunk_size=30,
        progress=False,
    )
    screen_file(
        src,
        b,
        screener_factory=real_factory(),
        as_of=AS_OF,
        engine="spark",
        spark_session=spark,
        chunk_size=30,
        progress=False,
    )
    assert a.read_bytes() == b.read_bytes()
