"""The Spark engine (local[2]): executors read, score and write; output equals the local
engine's row for row; the manifest; the code-version guard; the notebook entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tradescreen.batch import blob
from tradescreen.batch.local import screen_file
from tradescreen.errors import CodeMismatch, InvalidInput

from .fakes import dpl_snapshot, real_factory
from .spark_out import manifest, text_output, without_lines
from .test_local import AS_OF, BAD, real_rows, write_csv

pytestmark = pytest.mark.spark


def local_run(src: Path, out: Path, **kw: Any) -> Any:
    return screen_file(
        src, out, screener_factory=real_factory(), as_of=AS_OF, workers=1, progress=False, **kw
    )


def spark_run(src: Path, out: Path, spark: Any, **kw: Any) -> Any:
    return screen_file(
        src,
        None,
        output_dir=out,
        screener_factory=real_factory(),
        as_of=AS_OF,
        engine="spark",
        spark_session=spark,
        **kw,
    )


@pytest.fixture
def small_splits(spark: Any) -> Any:
    """Several partitions per small file, so the row-id offsets span partitions."""
    spark.conf.set("spark.sql.files.maxPartitionBytes", "8k")
    yield spark
    spark.conf.unset("spark.sql.files.maxPartitionBytes")


def test_csv_equals_local_row_for_row_with_manifest(tmp_path: Path, small_splits: Any) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, real_rows(400) + BAD)
    local = tmp_path / "local.jsonl"
    rl = local_run(src, local)
    rs = spark_run(src, tmp_path / "sp", small_splits)
    results, rejects = text_output(tmp_path / "sp")
    assert len(list((tmp_path / "sp" / "kind=result").glob("part-*"))) > 1
    assert results == local.read_bytes()
    assert without_lines(rejects) == without_lines(Path(rl.rejects).read_bytes())
    assert (rs.rows, rs.screened, rs.rejected, rs.rows_with_hits) == (
        rl.rows,
        rl.screened,
        rl.rejected,
        rl.rows_with_hits,
    )
    m = manifest(tmp_path / "sp")
    assert m["list_versions"][0]["list"] == "us_bis_dpl" and m["settings"]["as_of"] == "2026-05-01"
    assert m["code_fingerprint"] == blob.package_fingerprint() and m["rows"] == rl.rows
    assert m["screener_blob_sha256"] == blob.dump(dpl_snapshot()).sha256


def test_parquet_in_parquet_out_and_jsonl_in(tmp_path: Path, small_splits: Any) -> None:
    rows = real_rows(200)
    pqf = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows + BAD), pqf, row_group_size=40)
    jl = tmp_path / "in.jsonl"
    jl.write_text("".join(json.dumps(r) + "\n" for r in rows + BAD) + "\n{broken\n[1]\n")
    local_pq, local_jl = tmp_path / "pq.jsonl", tmp_path / "jl.jsonl"
    rp, rj = local_run(pqf, local_pq), local_run(jl, local_jl)
    spark_run(pqf, tmp_path / "sp_pq", small_splits, out_format="parquet")
    got = pq.read_table(tmp_path / "sp_pq").to_pylist()
    res = sorted((r["row"], r["line"]) for r in got if r["kind"] == "result")
    assert "".join(line + "\n" for _, line in res).encode() == local_pq.read_bytes()
    assert sum(r["kind"] == "reject" for r in got) == rp.rejected == 4
    rs = spark_run(jl, tmp_path / "sp_jl", small_splits)
    results, rejects = text_output(tmp_path / "sp_jl")
    assert results == local_jl.read_bytes()
    assert without_lines(rejects) == without_lines(Path(rj.rejects).read_bytes())
    assert rs.rejected == rj.rejected == 6
    assert b"invalid JSON" in rejects and b"not a JSON object" in rejects


def test_id_column_keys_the_rows(tmp_path: Path, spark: Any) -> None:
    rows = [{"cid": 1000 + 7 * i, **r} for i, r in enumerate(real_rows(60))]
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src)
    spark_run(src, tmp_path / "sp", spark, id_column="cid")
    results, _ = text_output(tmp_path / "sp")
    got = [json.loads(line) for line in results.splitlines()]
    assert [g["row"] for g in got] == [r["cid"] for r in rows]
    assert all(g["input"]["name"] == r["name"] for g, r in zip(got, rows, strict=True))
    with pytest.raises(InvalidInput, match="id column 'nope'"):
        spark_run(src, tmp_path / "sp2", spark, id_column="nope")


def test_a_worker_on_other_code_fails_the_job_at_once(
    tmp_path: Path, spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, real_rows(20))
    # the driver (this process) claims other code; the Python workers run the real one
    other = {"tradescreen_version": "0.0.9", "code_fingerprint": "0123456789abcdef"}
    monkeypatch.setattr(blob, "code_identity", lambda: other)
    with pytest.raises(CodeMismatch, match=r"driver runs 0\.0\.9 \(code 0123456789abcdef\)"):
        spark_run(src, tmp_path / "sp", spark)
    assert not (tmp_path / "sp" / "_manifest.json").exists()


def test_notebook_screen_dataframe(spark: Any) -> None:
    from tradescreen.batch.core import RowOptions, process_chunk
    from tradescreen.batch.io import InputRow
    from tradescreen.spark import screen_dataframe

    rows = [{"n": i + 1, **r} for i, r in enumerate(real_rows(60))]
    df = spark.createDataFrame(rows)
    snap = dpl_snapshot()
    out = screen_dataframe(df, snapshot=snap, id_column="n", as_of=AS_OF)
    assert out.columns == ["row", "kind", "line", "hit"]
    got = sorted((r["row"], r["kind"], r["line"]) for r in out.toLocalIterator())
    cols = df.columns  # Spark's column order is the notebook user's input
    opts = RowOptions(name_column="name", country_column="country", as_of=AS_OF, out_format="jsonl")
    local = process_chunk(snap, [InputRow(r["n"], {c: r[c] for c in cols}) for r in rows], opts)
    assert [g[0] for g in got] == [r["n"] for r in rows]
    assert "".join(g[2] + "\n" for g in got if g[1] == "result").encode() == local.output


def test_blob_round_trip_guard_and_freeze() -> None:
    import gc

    snap = dpl_snapshot()
    b = blob.dump(snap)
    header, _ = blob.read_header(b.data)
    assert header["code_fingerprint"] == blob.package_fingerprint()
    again = blob.loads(b.data)
    from tradescreen.model import Query

    for name in ("FJ TECHNOLOGY", "Fj Technologies Ltd", "Jane Q Nobody"):
        q = Query(name=name)
        assert again.screen(q, as_of=AS_OF).to_dict() == snap.screen(q, as_of=AS_OF).to_dict()
    other = blob.dump(snap, {"tradescreen_version": "9", "code_fingerprint": "x"})
    with pytest.raises(CodeMismatch, match="driver runs 9 \\(code x\\)"):
        blob.loads(other.data)
    first = blob.load(b.sha256, lambda: b.data)
    assert blob.load(b.sha256, lambda: b"never read") is first
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
