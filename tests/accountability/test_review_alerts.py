"""Alerts, reviewer verdicts, second-reviewer approval and the allow-list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection

from tradescreen.audit.chain import iter_records, verify
from tradescreen.errors import Forbidden, InvalidInput, NotFound
from tradescreen.model import Entity
from tradescreen.results import Hit, ScreenResult
from tradescreen.review import (
    approve,
    close_alerts_for_entities,
    decide,
    get_alert,
    list_alerts,
    raise_alerts,
    reject,
    suppressed,
)
from tradescreen.review.alerts import counts, events
from tradescreen.review.allowlist import find_clearing, list_clearings

KEY = b"review-test-key-0123456789abcdef"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

E = Callable[..., Entity]
H = Callable[..., Hit]
R = Callable[..., ScreenResult]


def test_one_alert_per_counterparty_and_entity(
    conn: Connection, make_entity: E, make_hit: H, make_result: R
) -> None:
    huawei = make_entity("el-1", "Huawei Technologies Co., Ltd.", lists="us_bis_el us_ofac_cmic")
    hik = make_entity("el-2", "Hangzhou Hikvision Digital Technology Co., Ltd.")
    result = make_result(make_hit(huawei, 0.97), make_hit(hik, 0.81), make_hit(huawei, 0.88))
    alerts = raise_alerts(conn, counterparty_key="cp-1", result=result, source="screen", now=T0)
    assert [(a.entity_id, a.status) for a in alerts] == [("el-1", "open"), ("el-2", "open")]
    first = alerts[0]
    assert first.score == pytest.approx(0.97)  # best of the two hits on the same entity
    assert first.list_codes == ("us_bis_el", "us_ofac_cmic")
    assert first.entity_hash == huawei.content_hash()
    assert first.opened_at == T0 and first.source == "screen"

    # screening again keeps the same alerts; another counterparty gets its own
    again = raise_alerts(conn, counterparty_key="cp-1", result=result, source="monitor")
    assert [a.id for a in again] == [a.id for a in alerts]
    other = raise_alerts(conn, counterparty_key="cp-2", result=result, source="screen")
    assert {a.id for a in other}.isdisjoint(a.id for a in alerts)
    assert len(list_alerts(conn)) == 4
    assert len(list_alerts(conn, counterparty_key="cp-1")) == 2
    assert counts(conn)["open"] == 4
    assert raise_alerts(conn, counterparty_key="cp-3", result=make_result(), source="x") == []


def test_false_positive_suppresses_until_entry_changes(
    conn: Connection, make_entity: E, make_hit: H, make_result: R
) -> None:
    e = make_entity("sdn-7", "Ivan Petrov")
    (alert,) = raise_alerts(
        conn, counterparty_key="acme", result=make_result(make_hit(e)), source="screen", now=T0
    )
    with pytest.raises(InvalidInput, match="reason"):
        decide(conn, alert.id, reviewer="ann", verdict="false_positive", reason="  ", key=KEY)
    with pytest.raises(InvalidInput, match="verdict"):
        decide(conn, alert.id, reviewer="ann", verdict="maybe", reason="x", key=KEY)
    cleared = decide(
        conn,
        alert.id,
        reviewer="ann",
        verdict="false_positive",
        reason="different date of birth",
        key=KEY,
        now=T0 + timedelta(hours=1),
    )
    assert cleared.status == "false_positive" and cleared.note == "different date of birth"
    assert suppressed(conn, "acme", make_hit(e))
    assert not suppressed(conn, "other-counterparty", make_hit(e))
    clearing = find_clearing(conn, "acme", "sdn-7")
    assert clearing is not None and clearing.reviewer == "ann" and clearing.alert_id == alert.id

    # the same hit later: suppressed, nothing returned, alert unchanged
    assert (
        raise_alerts(conn, counterparty_key="acme", result=make_result(make_hit(e)), source="m")
        == []
    )
    assert get_alert(conn, alert.id).status == "false_positive"

    # the list entry changes (new remarks): the hit is no longer suppressed and the alert reopens
    changed = make_entity("sdn-7", "Ivan Petrov", remarks="DOB 1970; new passport")
    assert not suppressed(conn, "acme", make_hit(changed))
    (reopened,) = raise_alerts(
        conn, counterparty_key="acme", result=make_result(make_hit(changed)), source="monitor"
    )
    assert reopened.id == alert.id and reopened.status == "open"
    assert reopened.entity_hash == changed.content_hash()
    assert "changed" in (reopened.note or "")
    assert [ev.action for ev in events(conn, alert.id)] == ["opened", "decided", "reopened"]

    # every reviewer action is in the audit chain
    actions = [r.action for r in iter_records(conn)]
    assert actions == ["review.decide"]
    assert verify(conn, KEY).ok


def test_second_reviewer_approval_for_high_scores(
    conn: Connection, make_entity: E, make_hit: H, make_result: R
) -> None:
    e = make_entity("el-9", "Beijing Aeronautical Institute")
    (alert,) = raise_alerts(
        conn, counterparty_key="cp", result=make_result(make_hit(e, 0.95)), source="screen"
    )
    pending = decide(
        conn,
        alert.id,
        reviewer="ann",
        verdict="false_positive",
        reason="other city",
        key=KEY,
        approval_score=0.9,
    )
    assert pending.status == "pending_approval"
    assert not suppressed(conn, "cp", make_hit(e, 0.95))  # not cleared until approved
    with pytest.raises(Forbidden):
        approve(conn, alert.id, approver="ANN", key=KEY)
    with pytest.raises(InvalidInput):  # only an open alert gets a clearing verdict
        decide(conn, alert.id, reviewer="bob", verdict="false_positive", reason="x", key=KEY)
    done = approve(conn, alert.id, approver="bob", key=KEY, reason="agree")
    assert done.status == "false_positive"
    clearing = find_clearing(conn, "cp", "el-9", e.content_hash())
    assert clearing is not None
    assert (clearing.reviewer, clearing.approved_by, clearing.reason) == (
        "ann",
        "bob",
        "other city",
    )
    assert suppressed(conn, "cp", make_hit(e))
    with pytest.raises(InvalidInput):
        approve(conn, alert.id, approver="carl", key=KEY)
    assert [r.action for r in iter_records(conn)] == ["review.decide", "review.approve"]

    # below the approval level one reviewer is enough
    low = make_entity("el-10", "Beijing Aero Parts")
    (a2,) = raise_alerts(
        conn, counterparty_key="cp", result=make_result(make_hit(low, 0.75)), source="screen"
    )
    d2 = decide(
        conn,
        a2.id,
        reviewer="ann",
        verdict="false_positive",
        reason="r",
        key=KEY,
        approval_score=0.9,
    )
    assert d2.status == "false_positive"


def test_reject_and_true_match(
    conn: Connection, make_entity: E, make_hit: H, make_result: R
) -> None:
    e = make_entity("el-3", "Sichuan Tengden")
    (alert,) = raise_alerts(
        conn, counterparty_key="cp", result=make_result(make_hit(e, 0.99)), source="screen"
    )
    decide(
        conn,
        alert.id,
        reviewer="ann",
        verdict="false_positive",
        reason="x",
        key=KEY,
        approval_score=0.5,
    )
    back = reject(conn, alert.id, approver="bob", reason="same address as the listing", key=KEY)
    assert back.status == "open"
    with pytest.raises(InvalidInput, match="reason"):
        reject(conn, alert.id, approver="bob", reason="", key=KEY)
    tm = decide(
        conn, alert.id, reviewer="bob", verdict="true_match", reason="same address", key=KEY
    )
    assert tm.status == "true_match"
    with pytest.raises(InvalidInput):
        decide(conn, alert.id, reviewer="bob", verdict="false_positive", reason="x", key=KEY)
    # a true match stays a true match on later screenings
    (kept,) = raise_alerts(
        conn, counterparty_key="cp", result=make_result(make_hit(e, 0.99)), source="monitor"
    )
    assert kept.id == alert.id and kept.status == "true_match"
    assert list_clearings(conn) == []
    with pytest.raises(NotFound):
        get_alert(conn, 999)
    with pytest.raises(InvalidInput):
        list_alerts(conn, status="bogus")


def test_close_alerts_for_removed_entries(
    conn: Connection, make_entity: E, make_hit: H, make_result: R
) -> None:
    a, b, c = (make_entity(f"e{i}", f"Name {i}") for i in range(3))
    result = make_result(make_hit(a), make_hit(b), make_hit(c))
    alerts = raise_alerts(conn, counterparty_key="cp", result=result, source="screen")
    decide(conn, alerts[2].id, reviewer="ann", verdict="false_positive", reason="r", key=KEY)
    n = close_alerts_for_entities(conn, ["e0", "e2", "unknown"], "removed from us_bis_el")
    assert n == 1  # e2 was already cleared; unknown has no alert
    closed = get_alert(conn, alerts[0].id)
    assert closed.status == "closed" and closed.note == "removed from us_bis_el"
    assert close_alerts_for_entities(conn, [], "x") == 0
    assert [x.id for x in list_alerts(conn, status="closed")] == [alerts[0].id]
    # listed again later: the closed alert reopens
    (again,) = raise_alerts(
        conn, counterparty_key="cp", result=make_result(make_hit(a)), source="m"
    )
    assert again.id == alerts[0].id and again.status == "open"


def test_pending_clearing_reopens_when_entry_changes(
    conn: Connection, make_entity: E, make_hit: H, make_result: R
) -> None:
    e = make_entity("x1", "Orion Shipping")
    (alert,) = raise_alerts(
        conn, counterparty_key="cp", result=make_result(make_hit(e)), source="s"
    )
    decide(
        conn,
        alert.id,
        reviewer="ann",
        verdict="false_positive",
        reason="r",
        key=KEY,
        approval_score=0.1,
    )
    e2 = make_entity("x1", "Orion Shipping", remarks="vessel IMO 1234567")
    (now_open,) = raise_alerts(
        conn, counterparty_key="cp", result=make_result(make_hit(e2)), source="s"
    )
    assert now_open.status == "open" and now_open.entity_hash == e2.content_hash()
    with pytest.raises(InvalidInput):
        approve(conn, alert.id, approver="bob", key=KEY)
    assert get_alert(conn, alert.id).to_dict()["status"] == "open"


def test_screen_and_review_suppresses_per_counterparty(
    conn: Connection, make_entity: E, make_hit: H, make_result: R
) -> None:
    from datetime import date
    from typing import Any

    from tradescreen.model import Query
    from tradescreen.services.screening import query_key, screen_and_review

    listed = make_entity("el-5", "Orion Trading LLC")

    class FakeScreener:
        def screen(self, query: Query, *, as_of: date, **kw: Any) -> ScreenResult:
            return make_result(make_hit(listed, 0.9), name=query.name)

    q = Query("Orion  Trading", country="ae")
    assert query_key(q) == "adhoc:orion trading|AE"
    day = date(2026, 1, 5)
    # an exploratory search (no counterparty) is recorded and opens no alert, in every channel
    look = screen_and_review(conn, FakeScreener(), q, as_of=day, actor="ann", key=KEY, channel="t")
    assert look.counterparty_key is None and look.alerts == ()
    assert look.record is not None and look.record.payload["context"]["alerts"] == []
    cp = query_key(q)
    first = screen_and_review(
        conn, FakeScreener(), q, as_of=day, actor="ann", key=KEY, channel="t", counterparty_key=cp
    )
    assert first.counterparty_key == "adhoc:orion trading|AE" and first.suppressed == ()
    (alert,) = first.alerts
    assert first.alert_for("el-5") == alert and first.alert_for("x") is None
    decide(conn, alert.id, reviewer="ann", verdict="false_positive", reason="r", key=KEY)
    again = screen_and_review(
        conn, FakeScreener(), q, as_of=day, actor="ann", key=KEY, channel="t", counterparty_key=cp
    )
    assert again.alerts == () and again.is_suppressed("el-5")
    assert again.record is not None
    assert again.record.payload["context"]["suppressed"] == ["el-5"]
    assert len(again.record.payload["hits"]) == 1  # the full answer is still recorded
    other = screen_and_review(
        conn,
        FakeScreener(),
        q,
        as_of=day,
        actor="bob",
        key=KEY,
        channel="t",
        counterparty_key=" CUST-7 ",
    )
    assert other.counterparty_key == "CUST-7" and len(other.alerts) == 1
    assert verify(conn, KEY).ok
