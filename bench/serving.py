"""What the PostgreSQL server benchmarks share: a schema of their own in the given database, the environment the
app reads, the app served by uvicorn (as `jiaoguan serve` serves it) and waited for, a bare route beside it.

    from serving import bench_env, fresh_schema, serve, stop   # bench/ is on sys.path for a script in it

    fresh_schema(url, "bench_x")                 # dropped, created, migrated; this process now uses it
    env = bench_env(url, "bench_x", port)         # the server's environment (also set in this process)
    server = serve(port, env, workers=2)          # returns once /healthz answers
    # a factory of the bench's own may wrap the app: with_bare_post(...) beside it, server_timing(...) around it
    try: ... finally: stop(server)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
APP = "jiaoguan.web.app:create_app"


def schema_url(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def fresh_schema(url: str, schema: str) -> None:
    """Drop and re-create `schema` in the database at `url`, migrate it, and point this process at it."""
    from jiaoguan.kit.db import make_engine
    from jiaoguan.kit.migrate import upgrade

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    upgrade(schema_url(url, schema))
    os.environ["JIAOGUAN_DATABASE_URL"] = schema_url(url, schema)


def bench_env(url: str, schema: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of the server (and worker) processes: the schema, a data folder of the port's own, no
    in-process worker, a fixed secret; `extra` settings on top. The data folder and the secret are also set in
    this process, so what it prepares (tokens, sessions) is valid for the server."""
    name = schema.removeprefix("bench_")
    data_dir = Path(f"/tmp/jg-{name}-bench-{port}")
    data_dir.mkdir(exist_ok=True)
    env = {**os.environ, "JIAOGUAN_DATABASE_URL": schema_url(url, schema), "JIAOGUAN_DATA_DIR": str(data_dir),
           "JIAOGUAN_RUN_WORKER_IN_PROCESS": "false", "JIAOGUAN_SECRET_KEY": f"bench-{name}-secret",
           "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", **extra}
    os.environ.update({k: env[k] for k in ("JIAOGUAN_DATA_DIR", "JIAOGUAN_SECRET_KEY")})
    return env


def start(cmd: list[str], env: dict[str, str], *, quiet: bool = False) -> subprocess.Popen[bytes]:
    out = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(cmd, env=env, cwd=str(ROOT), stdout=out, stderr=out)


def serve(port: int, env: dict[str, str], *, app: str = APP, workers: int = 1, quiet: bool = False,
          wait_s: float = 60) -> subprocess.Popen[bytes]:
    """`app` (a factory, module:function) under uvicorn on `port`; returns once GET /healthz answers 200."""
    cmd = [sys.executable, "-m", "uvicorn", "--factory", app, "--port", str(port), "--log-level", "warning"]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    server = start(cmd, env, quiet=quiet)
    deadline = time.perf_counter() + wait_s
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            break
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit("the server did not start")


def stop(*procs: subprocess.Popen[Any], wait_s: float = 15) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(wait_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def with_bare_post(app: Any, path: str, model: type[Any]) -> Any:
    """Add the baseline beside the real routes, on the same server: POST `path` whose body is `model`, validated
    by Pydantic as the real route's is, and nothing else done (no database)."""
    from fastapi import Depends

    from jiaoguan.accounts.auth import public

    def bare(body: Any) -> dict[str, str]:
        return {"ok": "1"}

    # The model itself, not its name: annotations are strings in this module, and FastAPI resolves a string in
    # this module's globals, where `model` is not.
    bare.__annotations__ = {"body": model, "return": dict[str, str]}
    app.post(path, status_code=201, dependencies=[Depends(public)])(bare)
    return app


def server_timing(app: Any) -> Any:
    """The app with a `Server-Timing: app;dur=…` header on every response: the milliseconds from the request's
    arrival in the server process to the start of its response (the handler, the commit, the page's rendering), so
    a benchmark can report the server's time apart from its own client's and the loopback's."""
    import time as clock

    async def timed(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = clock.perf_counter()

        async def send_timed(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(clock.perf_counter() - started) * 1000:.2f}".encode()
                message = {**message, "headers": [*message.get("headers", []), (b"server-timing", took)]}
            await send(message)

        await app(scope, receive, send_timed)

    return timed
