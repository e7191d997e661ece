"""Counterparty import: CSV, Parquet and JSONL, idempotent, updates, rejects."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Connection

from tradescreen.errors import InvalidInput
from tradescreen.monitor.counterparties import (
    import_counterparties,
    iter_counterparties,
    unscreened_keys,
)

ROWS = [
    {"id": "C001", "name": "Dahua Technology", "country": "CN", "lei": "", "owner": "a"},
    {
        "id": "C002",
        "name": "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "country": "cn",
        "lei": "3003009P2J4Q7S8B6X72",
        "owner": "b",
    },
    {
        "id": "C003",
        "name": "Patricia Lucas Wheeler",
        "country": "Ethiopia",
        "lei": "",
        "owner": "c",
    },
]


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_csv_import_is_idempotent_and_updates(conn: Connection, tmp_path: Path) -> None:
    f = tmp_path / "cps.csv"
    write_csv(
        f,
        [
            *ROWS,
            {"id": "", "name": "No Id", "country": "", "lei": "", "owner": ""},
            {"id": "C9", "name": "Z", "country": "", "lei": "", "owner": ""},
        ],
    )
    r1 = import_counterparties(conn, f, identifier_columns=["lei"])
    assert (r1.inserted, r1.updated, r1.unchanged, r1.rejected) == (3, 0, 0, 2)
    assert r1.rejects == ["row 4: missing id ('id')", "row 5: name too short (1 character)"]
    r2 = import_counterparties(conn, f, identifier_columns=["lei"])
    assert (r2.inserted, r2.updated, r2.unchanged) == (0, 0, 3)
    cps = {c.key: c for c in iter_counterparties(conn)}
    assert cps["C002"].country == "CN" and cps["C003"].country is None
    assert cps["C003"].attributes == {"owner": "c"}
    assert [(i.kind, i.value) for i in cps["C002"].identifiers] == [("lei", "3003009P2J4Q7S8B6X72")]
    assert unscreened_keys(conn) == ["C001", "C002", "C003"]
    from datetime import UTC, datetime

    from tradescreen.monitor.counterparties import mark_screened

    mark_screened(conn, ["C001", "C002", "C003"], datetime.now(UTC))
    changed = [dict(ROWS[0], name="Zhejiang Dahua Technology Co., Ltd."), *ROWS[1:]]
    write_csv(f, changed)
    r3 = import_counterparties(conn, f, identifier_columns=["lei"])
    assert (r3.inserted, r3.updated, r3.unchanged) == (0, 1, 2) and r3.changed_keys == ["C001"]
    assert unscreened_keys(conn) == ["C001"]


def test_parquet_and_jsonl_same_register(conn: Connection, tmp_path: Path) -> None:
    pqf = tmp_path / "cps.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), pqf)
    r1 = import_counterparties(conn, pqf, identifier_columns=["lei"])
    assert r1.inserted == 3
    jl = tmp_path / "cps.jsonl"
    jl.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    r2 = import_counterparties(conn, jl, identifier_columns=["lei"])
    assert (r2.inserted, r2.updated, r2.unchanged) == (0, 0, 3)
    r3 = import_counterparties(conn, jl, identifier_columns=["lei"], deactivate_missing=True)
    assert r3.deactivated == 0
    jl.write_text(json.dumps(ROWS[0]) + "\n")
    r4 = import_counterparties(conn, jl, identifier_columns=["lei"], deactivate_missing=True)
    assert r4.deactivated == 2 and [c.key for c in iter_counterparties(conn)] == ["C001"]


def test_all_rows_bad_is_an_error(conn: Connection, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    write_csv(f, [{"id": "1", "company": "Acme"}])
    with pytest.raises(InvalidInput):
        import_counterparties(conn, f)


def test_counterparty_index_is_cached_until_the_register_changes(
    conn: Connection, tmp_path: Path
) -> None:
    from tradescreen.monitor.delta import cached_counterparty_index, register_digest

    f = tmp_path / "cps.csv"
    write_csv(f, ROWS)
    import_counterparties(conn, f)
    d1 = register_digest(conn)
    first = cached_counterparty_index(conn)
    again = cached_counterparty_index(conn)
    assert [c.key for c in again.parties] == ["C001", "C002", "C003"]
    assert again is not first  # loaded from the stored blob, not rebuilt in memory
    assert again.lookup("DAHUA TECHNOLOGY", again_config(), 10)[0] == 0
    write_csv(
        f,
        [
            *ROWS,
            {"id": "C004", "name": "Shenzhen SiCarrier", "country": "CN", "lei": "", "owner": "d"},
        ],
    )
    import_counterparties(conn, f)
    assert register_digest(conn) != d1
    assert len(cached_counterparty_index(conn).parties) == 4


def again_config():  # type: ignore[no-untyped-def]
    from tradescreen.match.config import MatchConfig

    return MatchConfig()
