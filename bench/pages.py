"""The common paths under load, each beside a bare FastAPI endpoint of the same shape (issue 13.6).

    .venv/bin/python bench/pages.py [--people 200000] [--database postgresql://…/jg_bench] [--fresh]
        [--clients 32] [--seconds 5] [--rounds 2] [--workers 1] [--page-requests 20] [--out result.json]

On PostgreSQL. Loads the demo with `--people N` into the database (kept between runs: a database that already
holds a demo of that size is reused; `--fresh` empties it first), starts `jiaoguan serve --workers W` and
`bench/bare_app.py` under uvicorn the same way, then:

- **throughput**: for each target, `--clients` concurrent keep-alive connections for `--seconds`, alternating
  with its bare baseline `--rounds` times (the machine is shared: a baseline measured minutes apart would not
  compare). Targets: the checkpoint verify API (a genuine QR, one device token shared by every client) against
  a bare POST with the same validated body and response models; the citizen's /my/records, the clerk's
  registry search and the issuer's review queue, each against a bare sync GET returning a page of the same size.
  `ratio` = the target's requests per second / the baseline's; `goal` is issue 13's.
- **pages**: every GET page of every role (routes outside /api/v1; a page with path parameters when the demo
  has something to fill them with), `--page-requests` sequential requests on one keep-alive connection after
  a warm-up: the time from request to last byte is the server's time plus a loopback round trip. p95 above
  50 ms is flagged.

Prints one JSON object (and writes it to `--out`). Compare ratios, not absolute rates, across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/jg_bench"
GOALS = {"verify": 0.30, "records": 0.15, "search": 0.15, "queue": 0.15}
SLOW_MS = 50.0
_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)


# --- a small HTTP/1.1 keep-alive client: cheap enough to leave the cores to the servers -----------------------

class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        found = _LENGTH.search(head)
        if found is not None:
            return status, await self.reader.readexactly(int(found.group(1)))
        if b"chunked" in head.lower():
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    return status, body
                body += chunk[:-2]
        return status, b""

    def close(self) -> None:
        self.writer.close()


def request_bytes(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def load(port: int, request: bytes, clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal errors
        conn = await Connection.open(port)
        try:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                status, _ = await conn.send(request)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "errors": errors,
            "p50_ms": _pct(latencies, 50), "p95_ms": _pct(latencies, 95)}


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))] * 1000, 2)


# --- the database, the servers --------------------------------------------------------------------------------

def _libpq(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def ensure_database(url: str, fresh: bool) -> None:
    """The database exists (created if not) before the migrations run; `--fresh` empties it."""
    import psycopg
    from psycopg import sql

    base, name = _libpq(url).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    if fresh:
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")


def ensure_demo(url: str, people: int, env: dict[str, str]) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        has = conn.execute("SELECT to_regclass('person') IS NOT NULL").fetchone()
        found = conn.execute("SELECT count(*) FROM person").fetchone()[0] if has and has[0] else 0  # type: ignore[index]
    loaded_seconds = None
    if found == 0:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jiaoguan", "demo", "--people", str(people)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        loaded_seconds = round(time.perf_counter() - started, 1)
    elif abs(found - people) > max(100, people // 100):
        raise SystemExit(f"{url.rsplit('/', 1)[-1]} holds a demo of {found} people, not {people}: "
                         "pass --fresh to reload it")
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        rows = conn.execute("SELECT sum(n_live_tup)::bigint, count(*) FILTER (WHERE last_analyze IS NULL "
                            "AND last_autoanalyze IS NULL AND n_live_tup > 1000) FROM pg_stat_user_tables").fetchone()
        persons = conn.execute("SELECT count(*) FROM person").fetchone()[0]  # type: ignore[index]
    return {"people": persons, "rows": int(rows[0] or 0), "large_tables_without_statistics": int(rows[1] or 0),  # type: ignore[index]
            "demo_load_seconds": loaded_seconds}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(argv: list[str], env: dict[str, str], log: Path, port: int, probe: str) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=HERE)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"{argv[2:4]} did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.3)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- what is measured -----------------------------------------------------------------------------------------

def get_pages(fx: Any) -> list[tuple[str, str, str]]:
    """(role or "anonymous", username or "", concrete path) for every GET page the roles may open."""
    from jiaoguan.web.app import api_routes

    skip = {"/healthz", "/readyz", "/prefs/lang", "/prefs/large-font"}
    found: list[tuple[str, str, str]] = []
    for path, route in api_routes():
        if "GET" not in route.methods or path.startswith("/api/") or path in skip:
            continue
        concrete = fx.concrete(path)
        if concrete is None:
            found.append(("-", "", path))   # reported as not measured
            continue
        roles = _declared_roles(route.dependant) or set()
        for role in sorted(roles):
            if role == "public":
                found.append(("anonymous", "", concrete))
            elif role in fx.roles:
                found.append((role, fx.roles[role], concrete))
    return found


def _declared_roles(dependant: Any) -> set[str] | None:
    found: set[str] | None = None
    for dep in dependant.dependencies:
        roles = getattr(dep.call, "__roles__", None)
        if roles is not None:
            found = (found or set()) | {str(r) for r in roles}
        inner = _declared_roles(dep)
        if inner is not None:
            found = (found or set()) | inner
    return found


async def page_times(port: int, fx: Any, requests: int) -> list[dict[str, Any]]:
    results = []
    conn = await Connection.open(port)
    try:
        for role, username, path in get_pages(fx):
            if role == "-":
                results.append({"path": path, "role": None, "measured": False,
                                "why": "the demo has nothing to fill the path with"})
                continue
            headers = {"Cookie": fx.cookie(username)} if username else {}
            request = request_bytes("GET", path, headers)
            status, _ = await conn.send(request)
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                status, _ = await conn.send(request)
                times.append(time.perf_counter() - started)
            p95 = _pct(times, 95)
            results.append({"path": path, "role": role, "status": status, "p50_ms": _pct(times, 50),
                            "p95_ms": p95, "over_50ms": p95 > SLOW_MS})
    finally:
        conn.close()
    return results


async def throughput(jg: int, bare: int, fx: Any, args: argparse.Namespace, page_bytes: dict[str, int]
                     ) -> dict[str, Any]:
    verify_body = json.dumps({"qr": fx.qr, "checkpoint": fx.checkpoint, "lane": "1"}).encode()
    json_headers = {"Content-Type": "application/json"}
    bare_post = request_bytes("POST", "/verify", json_headers, verify_body)
    targets = {
        "verify": (request_bytes("POST", "/api/v1/passes/verify",
                                 {**json_headers, "Authorization": f"Bearer {fx.device_token}"}, verify_body),
                   bare_post, "bare POST /verify (VerifyIn → VerifyOut)"),
        "records": (request_bytes("GET", "/my/records", {"Cookie": fx.cookie("citizen")}), None, ""),
        "search": (request_bytes("GET", f"/registry/search?q={fx.search_q}", {"Cookie": fx.cookie("clerk")}), None, ""),
        "queue": (request_bytes("GET", "/passes/review", {"Cookie": fx.cookie("issuer")}), None, ""),
    }
    out: dict[str, Any] = {}
    for name, (request, baseline, label) in targets.items():
        if baseline is None:
            baseline = request_bytes("GET", f"/page?bytes={page_bytes[name]}")
            label = f"bare sync GET /page ({page_bytes[name]} bytes of HTML)"
        await load(jg, request, args.clients, 1.0)      # warm-up: pools, prepared statements, caches
        await load(bare, baseline, args.clients, 1.0)
        ours, base = [], []
        for _ in range(args.rounds):
            base.append(await load(bare, baseline, args.clients, args.seconds))
            ours.append(await load(jg, request, args.clients, args.seconds))
        rps = sum(r["rps"] for r in ours) / len(ours)
        base_rps = sum(r["rps"] for r in base) / len(base)
        ratio = rps / base_rps if base_rps else 0.0
        out[name] = {"rps": round(rps, 1), "p95_ms": max(r["p95_ms"] for r in ours),
                     "errors": sum(r["errors"] for r in ours), "baseline": label,
                     "baseline_rps": round(base_rps, 1), "baseline_p95_ms": max(r["p95_ms"] for r in base),
                     "ratio": round(ratio, 3), "goal": GOALS[name], "meets_goal": ratio >= GOALS[name]}
    return out


async def measure(args: argparse.Namespace, fx: Any, jg: int, bare: int, page_bytes: dict[str, int]
                  ) -> dict[str, Any]:
    pages = await page_times(jg, fx, args.page_requests)
    result = {"throughput": await throughput(jg, bare, fx, args, page_bytes), "pages": pages}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--database", default=os.environ.get("JIAOGUAN_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--fresh", action="store_true", help="empty the database and load the demo again")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="server processes of both servers")
    parser.add_argument("--page-requests", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="jiaoguan-bench-"))
    env = {**os.environ, "JIAOGUAN_DATABASE_URL": args.database, "JIAOGUAN_DATA_DIR": str(data),
           "JIAOGUAN_SECRET_KEY": "bench-secret", "JIAOGUAN_ENV": "production",
           "JIAOGUAN_RUN_WORKER_IN_PROCESS": "false", "JIAOGUAN_CLI_LOCALE": "en",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(HERE)])}
    os.environ.update({k: env[k] for k in ("JIAOGUAN_DATABASE_URL", "JIAOGUAN_DATA_DIR", "JIAOGUAN_SECRET_KEY")})
    sys.path[:0] = [str(ROOT / "src"), str(HERE)]
    ensure_database(args.database, args.fresh)
    subprocess.run([sys.executable, "-m", "jiaoguan", "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    dataset = ensure_demo(args.database, args.people, env)

    from bench_fixtures import prepare

    fx = prepare()
    jg_port, bare_port = _free_port(), _free_port()
    jg = start([sys.executable, "-m", "jiaoguan", "serve", "--port", str(jg_port), "--workers", str(args.workers)],
               env, data / "serve.log", jg_port, "/healthz")
    page_bytes = {}
    try:
        for name, path, user in (("records", "/my/records", "citizen"),
                                 ("search", f"/registry/search?q={fx.search_q}", "clerk"),
                                 ("queue", "/passes/review", "issuer")):
            req = urllib.request.Request(f"http://127.0.0.1:{jg_port}{path}", headers={"Cookie": fx.cookie(user)})
            with urllib.request.urlopen(req, timeout=30) as r:
                page_bytes[name] = len(r.read())
        bare = start([sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(bare_port), "--log-level",
                      "info", "--workers", str(args.workers)], env, data / "bare.log", bare_port, "/page")
        try:
            result = asyncio.run(measure(args, fx, jg_port, bare_port, page_bytes))
        finally:
            stop(bare)
    finally:
        stop(jg)
    pages = result["pages"]
    summary = {
        "bench": "pages", "database": re.sub(r"//[^@/]*@", "//", args.database), "dataset": dataset,
        "clients": args.clients, "seconds": args.seconds, "rounds": args.rounds, "serve_workers": args.workers,
        "cores": len(os.sched_getaffinity(0)),
        "throughput": result["throughput"],
        "pages_measured": sum(1 for p in pages if p.get("role")),
        "pages_over_50ms": [f"{p['role']} {p['path']} p95 {p['p95_ms']} ms" for p in pages if p.get("over_50ms")],
        "slowest_pages": sorted((p for p in pages if p.get("role")), key=lambda p: -p["p95_ms"])[:5],
        "pages": pages,
    }
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
