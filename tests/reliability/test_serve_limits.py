"""``tradescreen serve`` against slow and many clients, on a real served process (127.0.0.1).

Issue 12 item 10: slow request bodies were held open for ever before authentication, and 260
of them exhausted the process's file descriptors for everyone. Now headers and bodies have read
timeouts (408, connection closed) and the open connections per process are capped (503 with
Retry-After beyond the cap), all from TRADESCREEN_* settings.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.served import serving

pytestmark = pytest.mark.slow

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 1.5
MAX_CONNECTIONS = 40


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "TRADESCREEN_DB": str(tmp_path / "ts.db"),
        "TRADESCREEN_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "TRADESCREEN_SERVER_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "TRADESCREEN_API_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "TRADESCREEN_SERVER_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    }
    with serving(env, tmp_path / "server.log") as (base, proc):
        yield int(base.rsplit(":", 1)[1]), proc


def _connect(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return s


def _answer(s: socket.socket, within: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed (seconds)."""
    t0 = time.monotonic()
    s.settimeout(within)
    data = b""
    try:
        while chunk := s.recv(65536):
            data += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open over {within} s; got {data!r}")
    except ConnectionResetError:  # closed with our unread bytes pending: closed all the same
        pass
    finally:
        s.close()
    return data, time.monotonic() - t0


def _fds(proc: subprocess.Popen[bytes]) -> int:
    return len(os.listdir(f"/proc/{proc.pid}/fd"))


def test_slow_headers_get_408_and_are_closed(served: tuple[int, subprocess.Popen[bytes]]) -> None:
    port, _ = served
    s = _connect(port)
    s.sendall(b"POST /v1/screen HTTP/1.1\r\nHost: x\r\n")  # ... and the rest never comes
    data, took = _answer(s, within=HEADER_TIMEOUT + 10)
    assert data.startswith(b"HTTP/1.1 408"), data
    assert b"request headers not received" in data
    print(f"\nslow headers: 408 after {took:.1f} s (limit {HEADER_TIMEOUT} s)")


def test_slow_body_gets_408_before_authentication(
    served: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, _ = served
    s = _connect(port)
    s.sendall(
        b"POST /v1/screen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"name":'
    )
    t0 = time.monotonic()
    while time.monotonic() - t0 < BODY_TIMEOUT + 1:  # a byte every 0.3 s: each read is quick
        try:
            s.sendall(b" ")
        except OSError:
            break
        time.sleep(0.3)
    data, _ = _answer(s, within=10)
    assert b" 408 " in data.split(b"\r\n", 1)[0], data
    assert b"request body not received" in data  # not 401: the body timed out first


def test_connections_beyond_the_cap_get_503_and_the_server_recovers(
    served: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, proc = served
    base_fds = _fds(proc)
    slow = 3 * MAX_CONNECTIONS // 2  # 60 slow bodies against a cap of 40
    held = []
    for _ in range(slow):
        s = _connect(port)
        s.sendall(b"POST /v1/screen HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        held.append(s)
    time.sleep(0.3)
    peak = _fds(proc) - base_fds
    busy = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)  # the cap is full
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1", busy.text
    refused = 0
    for s in held:
        s.settimeout(0.2)
        try:
            first = s.recv(200)
        except TimeoutError:
            continue
        if first.startswith(b"HTTP/1.1 503"):
            assert b"retry-after: 1" in first.lower(), first
            refused += 1
    print(
        f"\n{slow} slow bodies, cap {MAX_CONNECTIONS}: {refused} refused with 503, "
        f"descriptors held at peak {peak} above the idle server's {base_fds}; "
        f"another client meanwhile: {busy.status_code}"
    )
    assert refused >= slow - MAX_CONNECTIONS
    assert peak <= MAX_CONNECTIONS + 5
    # the held ones are dropped by the body timeout, and the server answers again
    t0 = time.monotonic()
    for s in held:  # every held connection is closed by the server (408 or 503 sent first)
        _answer(s, within=BODY_TIMEOUT + 5)
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() - t0 < BODY_TIMEOUT + 10, "server did not recover"
        time.sleep(0.2)
    print(f"healthz 200 again {time.monotonic() - t0:.1f} s later")
