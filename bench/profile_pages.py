"""Where a request's Python time goes: cProfile over the common paths, called straight through ASGI.

    JIAOGUAN_DATABASE_URL=postgresql://…/db_with_demo .venv/bin/python bench/profile_pages.py [--requests 300]
        [--top 25] [--only verify,records,search,queue] [--json]

Needs a database with the demo loaded (`jiaoguan demo`). Each target (the checkpoint verify API with a real
QR and a device token, a citizen's /my/records, the clerk's registry search, the issuer's review queue) is
called `--requests` times after a warm-up, sequentially, in this process: no HTTP client or server in the
way, and the thread hops of sync routes run inline so the profiler sees every frame. Prints, per target, the
CPU and wall time per request (with the profiler off), the profiled time per request and the top functions by own
time and by cumulative time. The machine is shared: compare the split, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_fixtures import Fixtures, prepare  # noqa: E402

Call = Callable[[], Awaitable[tuple[int, bytes]]]


def inline_threads() -> None:
    """Run `run_in_threadpool` work on the calling thread (cProfile sees only the thread it runs in)."""
    import anyio.to_thread

    async def run_sync(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]


def asgi_call(app: Any, method: str, path: str, *, headers: dict[str, str] | None = None,
              body: bytes = b"") -> Call:
    raw_path, _, query = path.partition("?")
    hdrs = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    hdrs.append((b"host", b"127.0.0.1"))
    if body:
        hdrs.append((b"content-length", str(len(body)).encode()))

    async def call() -> tuple[int, bytes]:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": raw_path, "raw_path": raw_path.encode(), "query_string": query.encode(),
                 "headers": hdrs, "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "root_path": ""}
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(scope, receive, send)
        return status, b"".join(chunks)

    return call


class SqlCounter:
    """Statements and the time spent in the driver's execute, per request, while profiling."""

    def __init__(self) -> None:
        from sqlalchemy import event

        from jiaoguan.kit.db import get_engine

        self.count, self.seconds, self.started = 0, 0.0, 0.0
        engine = get_engine()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self.started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.count += 1
        self.seconds += time.perf_counter() - self.started

    def reset(self) -> None:
        self.count, self.seconds = 0, 0.0

    def report(self, n: int) -> dict[str, float]:
        return {"statements": round(self.count / n, 1), "ms": round(self.seconds * 1000 / n, 3)}


def targets(app: Any, fx: Fixtures) -> dict[str, Call]:
    verify_body = json.dumps({"qr": fx.qr, "checkpoint": fx.checkpoint, "lane": "1"}).encode()
    return {
        "verify": asgi_call(app, "POST", "/api/v1/passes/verify", body=verify_body,
                            headers={"authorization": f"Bearer {fx.device_token}",
                                     "content-type": "application/json"}),
        "records": asgi_call(app, "GET", "/my/records", headers={"cookie": fx.cookie("citizen")}),
        "search": asgi_call(app, "GET", f"/registry/search?q={fx.search_q}", headers={"cookie": fx.cookie("clerk")}),
        "queue": asgi_call(app, "GET", "/passes/review", headers={"cookie": fx.cookie("issuer")}),
    }


def stats_rows(prof: cProfile.Profile, key: str, top: int, n: int, only: str = "") -> list[dict[str, Any]]:
    st = pstats.Stats(prof, stream=io.StringIO())
    rows = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _) in st.stats.items():  # type: ignore[attr-defined]
        if only and only not in file:
            continue
        rows.append({"function": f"{Path(file).name}:{line}:{func}", "calls_per_req": round(calls / n, 1),
                     "own_ms_per_req": round(tottime * 1000 / n, 3), "cum_ms_per_req": round(cumtime * 1000 / n, 3)})
    rows.sort(key=lambda r: r[key], reverse=True)
    return rows[:top]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from jiaoguan.web.app import create_app

    fx = prepare()
    app = create_app(start_worker=False)
    inline_threads()
    sql = SqlCounter()
    out: dict[str, Any] = {}
    chosen = targets(app, fx)
    for spec in args.page:
        user, _, path = spec.partition(":")
        chosen[spec] = asgi_call(app, "GET", path, headers={"cookie": fx.cookie(user)})
    for name in [n for n in args.only.split(",") if n] + args.page:
        call = chosen[name]
        for _ in range(20):
            status, body = await call()
            if status != 200:
                raise SystemExit(f"{name}: HTTP {status}: {body[:300]!r}")
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.requests):
            await call()
        wall = (time.perf_counter() - started) * 1000 / args.requests
        # CPU time of this process (every thread), not wall time: on a shared machine the wall clock also
        # counts the time other processes held the cores, the CPU time only this process's own work.
        cpu_ms = (time.process_time() - cpu) * 1000 / args.requests
        # --cpu: the profiler's clock is this process's CPU time, so waits on the database count nothing.
        prof = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        sql.reset()
        started = time.perf_counter()
        prof.enable()
        for _ in range(args.requests):
            await call()
        prof.disable()
        profiled = (time.perf_counter() - started) * 1000 / args.requests
        out[name] = {"ms_per_request": round(wall, 3), "cpu_ms_per_request": round(cpu_ms, 3),
                     "profiled_ms_per_request": round(profiled, 3),
                     "top_own": stats_rows(prof, "own_ms_per_req", args.top, args.requests),
                     "top_cumulative_jiaoguan": stats_rows(prof, "cum_ms_per_req", args.top, args.requests,
                                                           "/jiaoguan/"),
                     "sql_per_request": sql.report(args.requests)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", default="verify,records,search,queue")
    parser.add_argument("--page", action="append", default=[], metavar="USER:/PATH",
                        help="also profile a GET page as a demo user, e.g. clerk:/registry/persons/1")
    parser.add_argument("--cpu", action="store_true", help="profile CPU time (waits on the database count nothing)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for name, r in result.items():
        print(f"== {name}: {r['cpu_ms_per_request']} ms CPU/request, {r['ms_per_request']} ms wall "
              f"({r['profiled_ms_per_request']} profiled)")
        print(f"  sql: {r['sql_per_request']}")
        for label in ("top_own", "top_cumulative_jiaoguan"):
            print(f"  -- {label}")
            for row in r[label]:
                print(f"  {row['own_ms_per_req']:8.3f} {row['cum_ms_per_req']:8.3f} {row['calls_per_req']:7.1f}"
                      f"  {row['function']}")


if __name__ == "__main__":
    main()
