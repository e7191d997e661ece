"""A real ``tradescreen serve`` on a free 127.0.0.1 port, for the tests that need one.

One way to start it, wait for ``/healthz`` and stop it (the serve test, the yente client test and
the server-limit tests each had their own copy).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``tradescreen ARGS`` in a child process (60 s at most)."""
    return subprocess.run(
        [sys.executable, "-m", "tradescreen", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@contextmanager
def serving(
    env: Mapping[str, str], log: Path, *, ready_within: float = 60
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """(base URL without a trailing slash, the process) of a served ``tradescreen serve``
    that answers ``/healthz``; its output goes to ``log``; terminated on exit."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradescreen", "serve", "--port", str(port), "--log-level",
         "warning"],
        env=dict(env), stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
