"""A real HTTP server on 127.0.0.1 for download tests, with scriptable misbehaviour.

It serves ``files`` (name -> bytes) at ``/<name>`` with ETag and Last-Modified, answers
conditional requests with 304, and can fail a file with 500 a number of times, truncate its body
(the declared Content-Length is not met) or delay the answer.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Fri, 03 May 2024 18:43:00 GMT"


@dataclass
class Behaviour:
    files: dict[str, bytes] = field(default_factory=dict)
    fail: dict[str, int] = field(default_factory=dict)  # name -> remaining 500 answers
    truncate: set[str] = field(default_factory=set)
    delay: float = 0.0
    status: dict[str, int] = field(default_factory=dict)  # name -> fixed status (e.g. 404)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def etag(self, name: str) -> str:
        return '"' + hashlib.sha256(self.files[name]).hexdigest()[:16] + '"'


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        b = self.server.behaviour
        name = self.path.lstrip("/").split("?", 1)[0]
        b.requests.append((name, {k.lower(): v for k, v in self.headers.items()}))
        if b.delay:
            time.sleep(b.delay)
        if name in b.status:
            return self._empty(b.status[name])
        if b.fail.get(name, 0) > 0:
            b.fail[name] -= 1
            return self._empty(500)
        if name not in b.files:
            return self._empty(404)
        etag = b.etag(name)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        body = b.files[name]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        if name in b.truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        self.wfile.write(body)
        return None

    def _empty(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    behaviour: Behaviour


@contextmanager
def serve(behaviour: Behaviour) -> Iterator[str]:
    """Run the server in a thread; yield its base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.behaviour = behaviour
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
