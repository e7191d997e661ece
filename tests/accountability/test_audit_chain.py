"""The HMAC chain: recording, tamper detection, anchors, retention, key handling."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Connection, text

from tradescreen.audit.chain import (
    PRUNED,
    export_anchor,
    iter_records,
    load_key,
    load_or_create_key,
    prune,
    record,
    verify,
)
from tradescreen.audit.events import record_decision, record_screening
from tradescreen.errors import AuditError, AuditKeyMissing, InvalidInput
from tradescreen.model import Entity
from tradescreen.results import Hit, ScreenResult
from tradescreen.settings import Settings

KEY = b"audit-test-key-0123456789abcdef!"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _fill(conn: Connection, n: int, start: datetime = T0) -> None:
    for i in range(n):
        record(
            conn,
            actor=f"user{i % 3}",
            action="screening",
            payload={"query": {"name": f"Name {i}"}, "hits": [{"score": 0.5 + i / 100}]},
            key=KEY,
            now=start + timedelta(days=i),
        )


def test_record_and_verify(conn: Connection) -> None:
    report = verify(conn, KEY)
    assert report.ok and report.records == 0 and report.last_seq is None
    _fill(conn, 5)
    recs = list(iter_records(conn))
    assert [r.seq for r in recs] == [1, 2, 3, 4, 5]
    assert recs[0].prev_mac == "" and recs[1].prev_mac == recs[0].mac
    assert recs[2].payload == {"query": {"name": "Name 2"}, "hits": [{"score": 0.52}]}
    assert recs[0].time == T0
    report = verify(conn, KEY)
    assert report.ok and report.records == 5 and report.last_seq == 5
    assert report.head_mac == recs[-1].mac
    # another key does not verify
    bad = verify(conn, b"x" * 32)
    assert not bad.ok and bad.first_bad_seq == 1
    with pytest.raises(InvalidInput):
        record(conn, actor="", action="a", payload={}, key=KEY)
    with pytest.raises(InvalidInput):
        record(conn, actor="a", action="a", payload={"x": object()}, key=KEY)


def test_flipping_one_byte_of_a_payload_is_named(conn: Connection) -> None:
    _fill(conn, 6)
    payload = conn.execute(text("SELECT payload FROM audit_log WHERE seq = 4")).scalar_one()
    flipped = payload.replace("Name 3", "Name 8")
    assert len(flipped) == len(payload) and flipped != payload
    conn.execute(text("UPDATE audit_log SET payload = :p WHERE seq = 4"), {"p": flipped})
    report = verify(conn, KEY)
    assert not report.ok and report.first_bad_seq == 4
    assert "record 4" in (report.problem or "")
    # a byte that breaks the JSON is caught too
    conn.execute(text("UPDATE audit_log SET payload = :p WHERE seq = 4"), {"p": payload[:-1]})
    assert verify(conn, KEY).first_bad_seq == 4
    # the actor and the time are covered as well
    conn.execute(text("UPDATE audit_log SET payload = :p WHERE seq = 4"), {"p": payload})
    assert verify(conn, KEY).ok
    conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    assert verify(conn, KEY).first_bad_seq == 2


def test_deleted_record_is_named(conn: Connection) -> None:
    _fill(conn, 6)
    conn.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    report = verify(conn, KEY)
    assert not report.ok and report.first_bad_seq == 3 and "missing" in (report.problem or "")
    # deleting the first record (without a pruned checkpoint) is caught too
    conn.execute(text("DELETE FROM audit_log WHERE seq < 3"))
    assert verify(conn, KEY).first_bad_seq == 1


def test_reordered_records_are_caught(conn: Connection) -> None:
    _fill(conn, 6)
    conn.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = 2"))
    conn.execute(text("UPDATE audit_log SET seq = 2 WHERE seq = 5"))
    conn.execute(text("UPDATE audit_log SET seq = 5 WHERE seq = -1"))
    report = verify(conn, KEY)
    assert not report.ok and report.first_bad_seq == 2


def test_inserted_record_is_caught(conn: Connection) -> None:
    _fill(conn, 4)
    row = conn.execute(text("SELECT * FROM audit_log WHERE seq = 4")).mappings().one()
    conn.execute(
        text(
            "INSERT INTO audit_log (seq, at, actor, action, payload, prev_mac, mac) "
            "VALUES (5, :at, 'mallory', 'screening', '{}', :prev, :mac)"
        ),
        {"at": row["at"], "prev": row["mac"], "mac": "0" * 64},
    )
    assert verify(conn, KEY).first_bad_seq == 5


def test_anchor_detects_tail_truncation(conn: Connection, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    with pytest.raises(AuditError, match="empty"):
        export_anchor(conn, KEY, anchors)
    _fill(conn, 3)
    first = export_anchor(conn, KEY, anchors, now=T0)
    assert first == {"seq": 3, "mac": first["mac"], "time": T0.isoformat(timespec="microseconds")}
    _fill(conn, 3, start=T0 + timedelta(days=10))
    export_anchor(conn, KEY, anchors)
    lines = [orjson.loads(x) for x in anchors.read_text().splitlines()]
    assert [x["seq"] for x in lines] == [3, 6]
    report = verify(conn, KEY, anchors=anchors)
    assert report.ok and report.anchors_checked == 2
    # without anchors, removing the tail goes unnoticed; with them it does not
    conn.execute(text("DELETE FROM audit_log WHERE seq >= 5"))
    assert verify(conn, KEY).ok
    bad = verify(conn, KEY, anchors=anchors)
    assert not bad.ok and bad.first_bad_seq == 6 and "tail" in (bad.problem or "")
    with pytest.raises(AuditError):
        verify(conn, KEY, anchors=tmp_path / "missing.jsonl")
    (tmp_path / "junk.jsonl").write_text("not json\n")
    with pytest.raises(AuditError, match="anchor"):
        verify(conn, KEY, anchors=tmp_path / "junk.jsonl")


def test_prune_removes_a_prefix_and_still_verifies(conn: Connection, tmp_path: Path) -> None:
    _fill(conn, 10)  # one record a day from T0
    anchors = tmp_path / "a.jsonl"
    export_anchor(conn, KEY, anchors)
    removed = prune(conn, T0 + timedelta(days=4), key=KEY, now=T0 + timedelta(days=30))
    assert removed == 4
    recs = list(iter_records(conn))
    assert [r.seq for r in recs] == [5, 6, 7, 8, 9, 10, 11]
    assert recs[-1].action == PRUNED and recs[-1].payload["through_seq"] == 4
    report = verify(conn, KEY, anchors=anchors)
    assert report.ok and report.pruned_through == 4 and report.first_seq == 5
    assert prune(conn, T0, key=KEY) == 0  # nothing older left
    # deleting more of the prefix than the checkpoint says is caught
    conn.execute(text("DELETE FROM audit_log WHERE seq = 5"))
    assert verify(conn, KEY).first_bad_seq == 5


def test_prune_everything_then_continue(conn: Connection) -> None:
    _fill(conn, 3)
    assert prune(conn, T0 + timedelta(days=365), key=KEY) == 3
    record(conn, actor="a", action="screening", payload={}, key=KEY)
    assert [r.seq for r in iter_records(conn)] == [4, 5]
    assert verify(conn, KEY).ok
    # a second prune removes the first checkpoint; the newest one is the start point
    assert prune(conn, datetime.now(UTC) + timedelta(days=1), key=KEY) == 2
    assert verify(conn, KEY).ok and verify(conn, KEY).pruned_through == 5


def test_prune_refuses_a_broken_chain(conn: Connection) -> None:
    _fill(conn, 3)
    conn.execute(text("UPDATE audit_log SET action = 'x' WHERE seq = 2"))
    with pytest.raises(AuditError, match="record 2"):
        prune(conn, T0 + timedelta(days=10), key=KEY)


def test_key_file_is_created_0600_and_reused(tmp_path: Path, conn: Connection) -> None:
    path = tmp_path / "conf" / "audit.key"
    settings = Settings(db="sqlite://", audit_key_file=path)
    key = load_or_create_key(settings, conn)
    assert len(key) == 32 and path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_key(settings, conn) == key == load_key(path)
    path.write_text("zz")
    with pytest.raises(AuditError, match="hex"):
        load_key(path)
    path.write_text("abcd")
    with pytest.raises(AuditError, match="short"):
        load_key(path)
    with pytest.raises(AuditError, match="not found"):
        load_key(tmp_path / "nope")


def test_screening_and_decision_records(
    conn: Connection,
    make_entity: Callable[..., Entity],
    make_hit: Callable[..., Hit],
    make_result: Callable[..., ScreenResult],
) -> None:
    e = make_entity("el-1", "Huawei Technologies Co., Ltd.")
    result = make_result(make_hit(e, 0.97), name="Huawei Technologies")
    rec = record_screening(conn, actor="api:ann", result=result, key=KEY, context={"cp": "c1"})
    p = rec.payload
    assert p["kind"] == "screening" and p["query"] == {"name": "Huawei Technologies"}
    assert p["as_of"] == "2026-01-05" and p["engine_version"]
    assert p["hits"][0]["entity_hash"] == e.content_hash() and p["hits"][0]["score"] == 0.97
    assert p["context"] == {"cp": "c1"}
    d = record_decision(conn, actor="cli", decision={"outcome": "license_required"}, key=KEY)
    assert d.payload["decision"] == {"outcome": "license_required"} and d.seq == 2
    assert verify(conn, KEY).ok


def test_concurrent_writers_on_a_file_database(tmp_path: Path) -> None:
    import threading

    from tradescreen.audit.tables import audit_log
    from tradescreen.db import make_engine, metadata

    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    metadata.create_all(engine, tables=[audit_log])
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(15):
                with engine.begin() as conn:
                    record(conn, actor=f"worker{i}", action="screening", payload={"j": j}, key=KEY)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        report = verify(conn, KEY)
    assert report.ok and report.records == 60 and report.last_seq == 60
    engine.dispose()


def test_a_lost_key_is_never_replaced_while_the_chain_holds_records(
    tmp_path: Path, conn: Connection
) -> None:
    """Issue 12 item 7: a missing key used to be re-created silently, so ``audit verify``
    reported tampering and the next screening extended the chain under a new key for good."""
    path = tmp_path / "audit.key"
    settings = Settings(db="sqlite://", audit_key_file=path)
    key = load_or_create_key(settings, conn)  # empty chain: a key is made
    record(conn, actor="t", action="x", payload={"n": 1}, key=key)
    path.unlink()
    with pytest.raises(AuditKeyMissing, match="holds 1 record"):
        load_or_create_key(settings, conn)
    assert not path.exists()
    path.write_text("not hex")
    with pytest.raises(AuditKeyMissing, match="hex"):
        load_or_create_key(settings, conn)
    assert (AuditKeyMissing.http_status, AuditKeyMissing.exit_code) == (503, 10)


def test_a_payload_edit_that_parses_the_same_does_not_verify(conn: Connection) -> None:
    """Issue 12 item 7: the MAC covered the parsed JSON, so a stored text with a duplicate key
    prefix (``{"n": 9, "n": 1}`` parses to ``{"n": 1}``) verified."""
    rec = record(conn, actor="t", action="x", payload={"n": 1}, key=KEY)
    assert verify(conn, KEY).ok
    conn.execute(
        text("UPDATE audit_log SET payload = :p WHERE seq = :s"),
        {"p": '{"n":9,"n":1}', "s": rec.seq},
    )
    assert orjson.loads('{"n":9,"n":1}') == {"n": 1}
    report = verify(conn, KEY)
    assert not report.ok and "not the text that was MAC'ed" in (report.problem or "")
