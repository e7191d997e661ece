"""The web UI in-process (httpx ASGITransport) on the real app, store and screener."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text

from tradescreen.audit.chain import iter_records, load_key, verify
from tradescreen.review.alerts import list_alerts


def _alert_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'href="/ui/alerts/(\d+)"', html)]


def test_sign_in_is_required_and_checked(web_env: dict[str, Any]) -> None:
    c = web_env["client"]()
    r = c.get("/ui/alerts?status=open")
    assert r.status_code == 303
    assert r.headers["location"] == "/ui/login?next=/ui/alerts%3Fstatus%3Dopen"
    page = c.get("/ui/login?next=//evil.example/")
    assert page.status_code == 200 and 'value="/ui/search"' in page.text  # no open redirect
    assert 'for="api_key"' in page.text and "<main" in page.text
    bad = c.post("/ui/login", {"api_key": "ts_000000000000_nope"})
    assert bad.status_code == 401 and "not valid" in bad.text
    ok = c.post("/ui/login", {"api_key": web_env["tokens"]["ann"], "next": "/ui/lists"})
    assert ok.status_code == 303 and ok.headers["location"] == "/ui/lists"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/ui/").headers["location"] == "/ui/search"
    assert c.get("/ui/search").status_code == 200
    # signing out needs the CSRF token; afterwards the session is gone
    c.get("/ui/search")
    assert c.post("/ui/logout").status_code == 303
    assert c.get("/ui/search").status_code == 303


def test_screen_review_clear_and_suppress(web_env: dict[str, Any]) -> None:
    ann = web_env["client"]("ann")
    form = {"name": "Hangzhou Hikvision Digital Technology", "counterparty": "CUST-001"}
    forged = ann.request("POST", "/ui/search", data={**form, "csrf": "0" * 32})
    assert forged.status_code == 400 and "session expired" in forged.text
    r = ann.post("/ui/search", form)
    assert r.status_code == 200, r.text
    html = r.text
    assert "Hangzhou Hikvision Digital Technology Co., Ltd." in html
    assert 'class="tok match"' in html  # matched words highlighted...
    assert 'class="tok differ"' in html  # ...and the listed name's extra words ("Co., Ltd.")
    # as the list wrote them, never the normaliser's tokens
    assert 'title="not in the screened name">Co., Ltd.<span' in html
    assert ">llc<span" not in html
    assert "CUST-001" in html and "audit record #1" in html
    (alert_id,) = set(_alert_ids(html))

    queue = ann.get("/ui/alerts")
    assert queue.status_code == 200 and f"/ui/alerts/{alert_id}" in queue.text
    page = ann.get(f"/ui/alerts/{alert_id}")
    assert page.status_code == 200 and 'name="verdict"' in page.text
    assert "No. 555 Qianmo Road" in page.text  # what the list says, beside the form
    no_reason = ann.post(f"/ui/alerts/{alert_id}/decide", {"verdict": "false_positive"})
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    done = ann.post(
        f"/ui/alerts/{alert_id}/decide",
        {"verdict": "false_positive", "reason": "Customer is a Hangzhou bakery, not Hikvision"},
    )
    assert done.status_code == 303
    after = ann.get(done.headers["location"])
    assert "Verdict recorded." in after.text and "bakery" in after.text

    again = ann.post("/ui/search", form)
    assert "Suppressed" in again.text and "is suppressed" in again.text
    assert "No open hits" in again.text
    # another counterparty screening the same name still gets an alert
    other = ann.post("/ui/search", {**form, "counterparty": "CUST-002"})
    assert "Suppressed" not in other.text and "1 hit to review" in other.text

    with web_env["engine"].connect() as conn:
        actions = [r.action for r in iter_records(conn)]
        assert actions == ["screening", "review.decide", "screening", "screening"]
        key = load_key(web_env["settings"].audit_key_file)
        assert verify(conn, key).ok
        by_cp = {a.counterparty_key: a.status for a in list_alerts(conn)}
        assert by_cp == {"CUST-001": "false_positive", "CUST-002": "open"}


def test_second_reviewer_approval_in_the_ui(web_env: dict[str, Any]) -> None:
    web_env["settings"].review_approval_score = 0.5
    ann, bob = web_env["client"]("ann"), web_env["client"]("bob")
    look = ann.post("/ui/search", {"name": "Huawei Technologies"})
    assert not _alert_ids(look.text)  # an exploratory search opens no alert
    r = ann.post("/ui/search", {"name": "Huawei Technologies", "counterparty": "CUST-9"})
    (alert_id,) = set(_alert_ids(r.text))
    assert "CUST-9" in r.text
    page = ann.get(f"/ui/alerts/{alert_id}")
    assert "needs a second reviewer" in page.text
    ann.post(f"/ui/alerts/{alert_id}/decide", {"verdict": "false_positive", "reason": "r1"})
    mine = ann.get(f"/ui/alerts/{alert_id}")
    assert "Awaiting approval" in mine.text and "Another reviewer must approve" in mine.text
    refused = ann.post(f"/ui/alerts/{alert_id}/approve", {"reason": "self"})
    assert refused.status_code == 403 and "cannot approve" in refused.text
    bob.get(f"/ui/alerts/{alert_id}")
    ok = bob.post(f"/ui/alerts/{alert_id}/approve", {"reason": "agreed"})
    assert ok.status_code == 303
    final = bob.get(ok.headers["location"])
    assert "Clearing approved" in final.text and "approved by bob" in final.text
    assert bob.post(f"/ui/alerts/{alert_id}/bogus").status_code == 404


def test_roles(web_env: dict[str, Any]) -> None:
    sam = web_env["client"]("sam")
    assert sam.get("/ui/search").status_code == 200
    denied = sam.get("/ui/alerts")
    assert denied.status_code == 403 and "reviewer role" in denied.text
    assert "Review queue" not in sam.get("/ui/lists").text  # not offered in the navigation
    ann = web_env["client"]("ann")
    assert ann.get("/ui/audit").status_code == 403
    ada = web_env["client"]("ada")
    ada.post("/ui/search", {"name": "Zhejiang Dahua Technology"})
    audit = ada.get("/ui/audit")
    assert audit.status_code == 200 and "Chain verified: 1 record" in audit.text
    with web_env["engine"].begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"))
    assert "Chain broken at record 1" in ada.get("/ui/audit").text


def test_entity_lists_and_static(web_env: dict[str, Any]) -> None:
    from tradescreen.decide.ownership import OwnershipEdge
    from tradescreen.decide.storage import add_edges

    hik = "Hangzhou Hikvision Digital Technology Co., Ltd."
    add_edges(
        web_env["engine"],
        [
            OwnershipEdge("China Electronics Technology Group Corporation", hik, 41.9),
            OwnershipEdge("HIKVISION", "Hikvision Europe B.V.", 100.0),
            OwnershipEdge("Someone Else Ltd", "Another Co", 60.0),
        ],
    )
    ann = web_env["client"]("ann")
    page = ann.get("/ui/entities/us_bis_el-hikvision")
    assert page.status_code == 200
    for text_ in (
        "Hikvision",
        "84 FR 54004 (2019-10-09)",
        "No. 555 Qianmo Road",
        "Case-by-case review",
        "Entity List (15 CFR 744 Supp. 4)",
    ):
        assert text_ in page.text
    assert "China Electronics Technology Group Corporation" in page.text and "41.9 %" in page.text
    assert "Hikvision Europe B.V." in page.text and "Someone Else" not in page.text
    assert ann.get("/ui/entities/nope").status_code == 404
    lists = ann.get("/ui/lists")
    assert lists.status_code == 200
    assert "Fresh · 0 d" in lists.text and "Stale · 30 d" in lists.text
    css = ann.get("/ui/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ann.get("/ui/static/..%2Fsession.py").status_code == 404
    assert ann.get("/ui/static/missing.css").status_code == 404
    bad = ann.post("/ui/search", {"name": "Huawei", "country": "Chinaa"})
    assert bad.status_code == 422 and "is not a country" in bad.text
    short = ann.post("/ui/search", {"name": "x"})
    assert short.status_code == 422 and "name too short" in short.text
    empty = ann.post("/ui/search", {"name": "  "})
    assert empty.status_code == 422 and "Enter a name" in empty.text
    person = ann.post("/ui/search", {"name": "Aleksandr Ivanov", "kind": "person"})
    assert person.status_code == 200
