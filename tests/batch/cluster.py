"""A Spark standalone cluster on 127.0.0.1 for the tests: one master and one worker, started
with the scripts that ship in the pyspark package (``bin/spark-class``), on free ports, stopped
at the end. Java and pyspark are needed; without them the tests using it skip."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_home() -> Path:
    pyspark = pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no java on PATH")
    return Path(pyspark.__file__).resolve().parent


@dataclass
class Cluster:
    url: str  # spark://127.0.0.1:PORT
    ui: str  # the master's web UI (its /json lists workers and applications)
    home: Path
    env: dict[str, str]
    worker: subprocess.Popen[bytes]

    def state(self) -> dict[str, object]:
        with urllib.request.urlopen(self.ui + "/json/", timeout=5) as r:
            data: dict[str, object] = json.load(r)
        return data

    def executor_pids(self) -> list[int]:
        """The executor JVMs the worker launched (CoarseGrainedExecutorBackend)."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.worker.pid)], capture_output=True, text=True, check=False
        )
        pids = []
        for pid in out.stdout.split():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"CoarseGrainedExecutorBackend" in cmd:
                pids.append(int(pid))
        return pids


def _wait(what: str, ok: object, timeout: float, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: {log.read_text()[-2000:]}")
        try:
            if callable(ok) and ok():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} not up after {timeout:.0f}s: {log.read_text()[-2000:]}")


@contextmanager
def standalone_cluster(work: Path, cores: int = 2, memory: str = "2g") -> Iterator[Cluster]:
    home = spark_home()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1"}
    # the executors get tradescreen only from what a job ships (--py-files), never from here
    env.pop("PYSPARK_PYTHON", None)
    env.pop("PYTHONPATH", None)
    port, ui_port, worker_ui = free_port(), free_port(), free_port()
    url, ui = f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}"
    klass = str(home / "bin" / "spark-class")
    mlog, wlog = work / "master.log", work / "worker.log"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        master = subprocess.Popen(
            [
                klass,
                "org.apache.spark.deploy.master.Master",
                *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui_port)),
            ],
            env=env,
            stdout=mlog.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append(master)

        def master_up() -> bool:
            with urllib.request.urlopen(ui + "/json/", timeout=2) as r:
                return r.status == 200

        _wait("spark master", master_up, 120, master, mlog)
        worker = subprocess.Popen(
            [
                klass,
                "org.apache.spark.deploy.worker.Worker",
                url,
                *("--host", "127.0.0.1", "--cores", str(cores), "--memory", memory),
                *("--webui-port", str(worker_ui), "--work-dir", str(work / "worker")),
            ],
            env=env,
            stdout=wlog.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append(worker)
        cluster = Cluster(url, ui, home, env, worker)

        def worker_alive() -> bool:
            workers = cluster.state().get("workers") or []
            return any(w.get("state") == "ALIVE" for w in workers)  # type: ignore[union-attr]

        _wait("spark worker", worker_alive, 120, worker, wlog)
        yield cluster
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
