"""Real servers for the perf tests: `jiaoguan serve` as a process, or the app under uvicorn in a thread."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def serve_process(data_dir: Path, *args: str, **settings: str) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """`jiaoguan serve ARGS` on the embedded database in `data_dir` (a 20-person demo on first start), with these
    JIAOGUAN_ settings; yields (URL, server log, process) once /healthz answers."""
    port = free_port()
    env = {**os.environ, "JIAOGUAN_DATA_DIR": str(data_dir), "JIAOGUAN_DEMO_PEOPLE": "20",
           "JIAOGUAN_SECRET_KEY": "perf-secret", "JIAOGUAN_ENV": "test", "JIAOGUAN_RUN_WORKER_IN_PROCESS": "false",
           "JIAOGUAN_CLI_LOCALE": "en", **settings}
    env.pop("JIAOGUAN_DATABASE_URL", None)
    log_path = data_dir / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "jiaoguan", "serve", "--port", str(port), *args],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()[-4000:]
                time.sleep(0.3)
        yield url, log_path, proc
    finally:
        stop(proc)


@contextlib.contextmanager
def serve_in_thread(**config: object) -> Iterator[str]:
    """The app (this process's settings and engine) under uvicorn in a thread; yields its URL once started."""
    from jiaoguan.web.app import create_app

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(start_worker=False), host="127.0.0.1", port=port,
                                        log_level="warning", **config))  # type: ignore[arg-type]
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(15)
