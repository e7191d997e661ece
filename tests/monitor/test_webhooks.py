"""Webhooks against real HTTP receivers on 127.0.0.1: signature, retries, dead letter."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import Connection, select

from tradescreen.errors import InvalidInput
from tradescreen.monitor.tables import monitor_deliveries
from tradescreen.monitor.webhooks import (
    SIGNATURE_HEADER,
    add_webhook,
    dead_letters,
    deliver,
    redeliver_dead,
    verify_signature,
)
from tradescreen.settings import Settings

SECRET = "s3cret-for-tests"


class Receiver:
    """Fails the first ``fail_first`` requests (HTTP 503), then answers 204 if signed right."""

    def __init__(self, fail_first: int) -> None:
        self.fail_first = fail_first
        self.received: list[tuple[bytes, str | None]] = []
        self.verified: list[bool] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                sig = self.headers.get(SIGNATURE_HEADER)
                outer.received.append((body, sig))
                ok = verify_signature(body, sig, SECRET)
                outer.verified.append(ok)
                if len(outer.received) <= outer.fail_first:
                    self.send_response(503)
                elif not ok:
                    self.send_response(401)
                else:
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receivers() -> Iterator[list[Receiver]]:
    made: list[Receiver] = []
    yield made
    for r in made:
        r.close()


def test_signed_delivery_verifies(conn: Connection, receivers: list[Receiver]) -> None:
    rec = Receiver(fail_first=0)
    receivers.append(rec)
    add_webhook(conn, rec.url)
    data = {"alerts": [{"counterparty_key": "C1", "entity_id": "e1", "name": "Ünïcode Ltd"}]}
    [d] = deliver(conn, "alerts.opened", data, Settings(webhook_secret=SECRET))
    assert d.status == "delivered" and d.attempts == 1
    body, sig = rec.received[0]
    assert rec.verified == [True] and sig is not None and sig.startswith("sha256=")
    assert json.loads(body)["data"] == data
    assert not verify_signature(body + b" ", sig, SECRET)
    assert not verify_signature(body, sig, "other-secret")


def test_fails_twice_then_succeeds_with_backoff(
    conn: Connection, receivers: list[Receiver]
) -> None:
    rec = Receiver(fail_first=2)
    receivers.append(rec)
    add_webhook(conn, rec.url)
    waits: list[float] = []
    [d] = deliver(
        conn,
        "alerts.opened",
        {"n": 1},
        Settings(webhook_secret=SECRET),
        attempts=5,
        base_delay=0.5,
        sleep=waits.append,
    )
    assert (d.status, d.attempts) == ("delivered", 3)
    assert waits == [0.5, 1.0]
    assert len({body for body, _ in rec.received}) == 1  # the same bytes every time
    assert dead_letters(conn) == []


def test_always_failing_receiver_gives_dead_letter(
    conn: Connection, receivers: list[Receiver]
) -> None:
    bad = Receiver(fail_first=10**6)
    good = Receiver(fail_first=0)
    receivers += [bad, good]
    add_webhook(conn, bad.url)
    add_webhook(conn, good.url)
    waits: list[float] = []
    out = deliver(
        conn,
        "alerts.opened",
        {"n": 2},
        Settings(webhook_secret=SECRET),
        attempts=4,
        base_delay=0.25,
        sleep=waits.append,
    )
    assert [d.status for d in out] == ["dead", "delivered"]
    assert waits == [0.25, 0.5, 1.0]
    [dead] = dead_letters(conn)
    assert dead.url == bad.url and dead.attempts == 4 and dead.last_status == 503
    row = conn.execute(select(monitor_deliveries).where(monitor_deliveries.c.id == dead.id)).one()
    assert json.loads(row.body)["data"] == {"n": 2}
    # the receiver recovers: the dead letter goes out again, same body, and is delivered
    bad.fail_first = 0
    [again] = redeliver_dead(conn, Settings(webhook_secret=SECRET), sleep=waits.append)
    assert again.status == "delivered" and again.attempts == 5
    assert bad.received[-1][0] == bad.received[0][0]
    assert dead_letters(conn) == []


def test_unreachable_and_unsigned(conn: Connection) -> None:
    add_webhook(conn, "http://127.0.0.1:9/never")  # discard port: connection refused
    [d] = deliver(conn, "x", {}, Settings(webhook_secret=SECRET), attempts=2, sleep=lambda _s: None)
    assert d.status == "dead" and d.last_status is None and d.last_error
    with pytest.raises(InvalidInput):
        deliver(conn, "x", {}, Settings(webhook_secret=None))
    with pytest.raises(InvalidInput):
        add_webhook(conn, "ftp://example.org/")
