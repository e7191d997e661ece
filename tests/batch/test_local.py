"""The local batch engine on real names: order, rejects, formats, workers, resume after SIGKILL."""

from __future__ import annotations

import csv
import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tradescreen.batch.io import Checkpoint
from tradescreen.batch.local import screen_file
from tradescreen.errors import InvalidInput

from .fakes import DATA, dpl_entities, real_factory, require_data

AS_OF = date(2026, 5, 1)


def real_rows(n_neg: int = 300) -> list[dict[str, str]]:
    """DPL names (some with customer-file variations) mixed with synthetic non-matching people."""
    rows: list[dict[str, str]] = []
    listed = [e.name for e in dpl_entities()[:60]]
    negatives = require_data(DATA / "eval/yente_candidate_generation/negatives_us.csv.gz")
    with gzip.open(negatives, "rt") as fh:
        negs = [r["full_name"] for _, r in zip(range(n_neg), csv.DictReader(fh), strict=False)]
    for i, name in enumerate(negs):
        rows.append({"id": f"N{i}", "name": name, "country": "US", "segment": "retail"})
        if i % 5 == 0 and listed:
            ln = listed.pop()
            variant = ln.title() if i % 2 else "  " + ln.lower()
            rows.append({"id": f"L{i}", "name": variant, "country": "", "segment": "trade"})
    return rows


BAD = [
    {"id": "B1", "name": "", "country": "US", "segment": "x"},
    {"id": "B2", "name": "X", "country": "US", "segment": "x"},
    {"id": "B3", "name": "A" * 10_000, "country": "US", "segment": "x"},
    {"id": "B4", "name": "Acme\x07 Trading", "country": "US", "segment": "x"},
]


def write_csv(path: Path, rows: list[dict[str, str]], bad_bytes_at: int | None = None) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "name", "country", "segment"])
        w.writeheader()
        w.writerows(rows)
    if bad_bytes_at is not None:
        with open(path, "ab") as fb:
            fb.write(b"B5,M\xfcller \xff GmbH,DE,x\n")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return real_rows()


def test_csv_to_jsonl_order_rejects_and_columns(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    data = rows[:150] + BAD + rows[150:]
    src = tmp_path / "in.csv"
    write_csv(src, data, bad_bytes_at=len(data))
    out = tmp_path / "out.jsonl"
    rep = screen_file(
        src,
        out,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=1,
        chunk_size=64,
        progress=False,
    )
    total = len(data) + 1
    assert (rep.rows, rep.rejected, rep.screened) == (total, 5, total - 5)
    lines = read_jsonl(out)
    good = [r for r in data if r not in BAD]
    assert [ln["input"]["id"] for ln in lines] == [r["id"] for r in good]
    assert all(ln["input"] == r for ln, r in zip(lines, good, strict=True))
    assert "hits" in lines[0] and "as_of" not in lines[0]  # once per run, in the manifest
    manifest = json.loads(Path(rep.manifest).read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2026-05-01" and manifest["complete"]
    # the listed names (with variations) hit, the synthetic people do not
    hit_ids = {ln["input"]["id"] for ln in lines if ln["hits"]}
    assert {r["id"] for r in good if r["id"].startswith("L")} <= hit_ids | set()
    assert sum(1 for i in hit_ids if i.startswith("N")) <= 3
    assert rep.rows_with_hits == len(hit_ids)
    with open(rep.rejects, newline="", encoding="utf-8") as fh:
        rej = list(csv.DictReader(fh))
    assert [int(r["row"]) for r in rej] == [151, 152, 153, 154, total]
    reasons = " | ".join(r["reason"] for r in rej)
    for word in ("empty", "too short", "too long", "control", "undecodable"):
        assert word in reasons


def test_workers_give_identical_output(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, rows + BAD)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    r1 = screen_file(
        src,
        one,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=1,
        chunk_size=50,
        progress=False,
    )
    r2 = screen_file(
        src,
        two,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=2,
        chunk_size=50,
        progress=False,
    )
    assert one.read_bytes() == two.read_bytes()
    assert (r1.screened, r1.rejected) == (r2.screened, r2.rejected)
    assert Path(r1.rejects).read_bytes() == Path(r2.rejects).read_bytes()


def test_parquet_and_jsonl_inputs_csv_output(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    pqf = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows + BAD), pqf, row_group_size=100)
    jl = tmp_path / "in.jsonl"
    jl.write_text("".join(json.dumps(r) + "\n" for r in rows + BAD) + "{broken\n")
    out_a, out_b = tmp_path / "a.csv", tmp_path / "b.csv"
    ra = screen_file(
        pqf,
        out_a,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=2,
        chunk_size=40,
        progress=False,
    )
    rb = screen_file(
        jl,
        out_b,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=1,
        chunk_size=40,
        progress=False,
    )
    assert out_a.read_bytes() == out_b.read_bytes()
    assert (ra.rejected, rb.rejected) == (4, 5)
    assert out_a.read_bytes().startswith(b"\xef\xbb\xbfid,name,")  # the BOM Excel needs
    with open(out_a, newline="", encoding="utf-8-sig") as fh:
        got = list(csv.DictReader(fh))
    assert [g["id"] for g in got] == [r["id"] for r in rows]
    assert got[0]["segment"] == rows[0]["segment"]
    assert {"screen_hit_count", "screen_top_score", "screen_top_entity_id"} <= set(got[0])
    top = [g for g in got if g["id"].startswith("L")]
    assert all(
        int(g["screen_hit_count"]) >= 1 and g["screen_top_lists"] == "us_bis_dpl" for g in top
    )


def test_missing_name_column_is_one_up_front_error(
    tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    """Regression: a --name-column the file does not have rejected every row one by one."""
    src = tmp_path / "in.csv"
    write_csv(src, rows[:30])
    with pytest.raises(InvalidInput, match=r"--name-column 'company' is not a column of .*'id'"):
        screen_file(
            src,
            tmp_path / "o.jsonl",
            screener_factory=real_factory(),
            as_of=AS_OF,
            name_column="company",
            workers=1,
            progress=False,
        )
    with pytest.raises(InvalidInput, match=r"--country-column 'iso2' is not a column"):
        screen_file(
            src,
            tmp_path / "o.jsonl",
            screener_factory=real_factory(),
            as_of=AS_OF,
            country_column="iso2",
            workers=1,
            progress=False,
        )
    assert not (tmp_path / "o.jsonl").exists()


def test_resume_after_interruption_matches_uninterrupted(
    tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, rows + BAD)
    full = tmp_path / "full.jsonl"
    screen_file(
        src,
        full,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=1,
        chunk_size=30,
        progress=False,
    )
    part = tmp_path / "part.jsonl"
    r1 = screen_file(
        src,
        part,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=2,
        chunk_size=30,
        progress=False,
        max_chunks=4,
    )
    assert r1.rows == 120
    # a chunk half-written after the last checkpoint (killed mid-write) is cut off on resume
    with open(part, "ab") as fh:
        fh.write(b'{"row": 121, "partial')
    r2 = screen_file(
        src,
        part,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=2,
        chunk_size=30,
        progress=False,
    )
    assert r2.resumed_from == 120 and r2.rows == len(rows) + len(BAD)
    assert part.read_bytes() == full.read_bytes()
    ck = Checkpoint.load(Checkpoint.path_for(part))
    assert ck is not None and ck.complete


def test_sigkill_then_resume_loses_nothing(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, rows)
    out = tmp_path / "out.jsonl"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from datetime import date
        from batch.fakes import DplFactory
        from tradescreen.batch.local import screen_file
        screen_file({str(src)!r}, {str(out)!r}, screener_factory=DplFactory(delay=0.01),
                    as_of=date(2026, 5, 1), workers=2, chunk_size=10, progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    ck_path = Checkpoint.path_for(out)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ck = Checkpoint.load(ck_path)
        if ck is not None and ck.rows_done >= 60:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    ck = Checkpoint.load(ck_path)
    assert ck is not None and 0 < ck.rows_done < len(rows) and not ck.complete
    kept = out.read_bytes()[: ck.output_bytes]
    rep = screen_file(
        src,
        out,
        screener_factory=real_factory(),
        as_of=AS_OF,
        workers=2,
        chunk_size=10,
        progress=False,
    )
    assert rep.resumed_from == ck.rows_done
    assert out.read_bytes().startswith(kept)
    lines = read_jsonl(out)
    assert [ln["row"] for ln in lines] == list(range(1, len(rows) + 1))


def test_resume_against_other_list_versions_is_refused(
    tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    """Every row of a job is screened against the versions its manifest pins: a resume after a
    list load would have mixed two sets of versions in one output."""
    from dataclasses import replace

    from tradescreen.screening.snapshot import SnapshotFactory, SnapshotScreener

    from .fakes import VERSION, dpl_snapshot

    src = tmp_path / "in.csv"
    write_csv(src, rows[:100])
    out = tmp_path / "out.jsonl"
    common = {"as_of": AS_OF, "workers": 1, "chunk_size": 20, "progress": False}
    first = screen_file(src, out, screener_factory=real_factory(), max_chunks=1, **common)
    assert not first.complete and first.rows == 20
    snap = dpl_snapshot()
    newer = SnapshotScreener((replace(VERSION, id=2),), snap.bundle, snap.config, snap.max_hits)
    with pytest.raises(InvalidInput, match=r"lists in force changed .* \[1\] then, \[2\] now"):
        screen_file(src, out, screener_factory=SnapshotFactory(newer), **common)
    done = screen_file(src, out, screener_factory=real_factory(), **common)
    assert (done.resumed_from, done.rows, done.complete) == (20, 100, True)
