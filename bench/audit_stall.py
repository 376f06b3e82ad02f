"""A sign-in's latency while another process runs a large batch of audited writes (issue 10.6), on PostgreSQL.

    .venv/bin/python bench/audit_stall.py --url postgresql://postgres@127.0.0.1:5432/DB [--port 8104]
                                          [--batch 1000] [--row-ms 5] [--signins 15]

Builds its own schema `bench_audit` in DB, starts the web app as a real server process (uvicorn) on it and
signs in over HTTP (GET /signin for the CSRF cookie, POST /signin: password check, session, audit record,
commit):
- `alone`: `--signins` sign-ins one after another, nothing else running;
- `during_batch`: sign-ins one after another, each started while a second process holds one transaction
  that writes `--batch` audit records, `--row-ms` of other work apart (the shape of a 1,000-row CSV
  upload), commits, and chains them.

Before the fix the batch held the chain-head lock from its first record to its commit, so a sign-in
waited for the whole batch (7.9 s instead of 0.2 s) and only one or two sign-ins fit into it. Prints one
JSON object with both latencies (n, median, p95, max, in ms) and `ratio` = median during the batch /
median alone (target: close to 1; the two processes share the machine's cores, so a little above 1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from serving import bench_env, fresh_schema, serve, stop  # noqa: E402

SCHEMA = "bench_audit"
PASSWORD = "bench-audit-password"


def prepare(url: str) -> None:
    fresh_schema(url, SCHEMA)
    from jiaoguan.accounts.service import create_user
    from jiaoguan.kit.db import unit_of_work

    with unit_of_work() as session:
        create_user(session, username="bench", display_name="bench", role="citizen", password=PASSWORD)


def batch_worker(records: int, row_ms: float) -> None:
    """The other process: one transaction of audited writes, then commit (and the after-commit chaining)."""
    from jiaoguan.kit import audit
    from jiaoguan.kit.db import unit_of_work

    started = time.perf_counter()
    with unit_of_work() as session:
        for i in range(records):
            audit.record(session, "pass.application.submit", "pass_application", i, f"batch row {i}")
            if i == 0:
                print("started", flush=True)
            time.sleep(row_ms / 1000)
    print(json.dumps({"records": records, "seconds": round(time.perf_counter() - started, 2)}), flush=True)


def sign_in(base: str) -> float:
    with httpx.Client(base_url=base, timeout=60) as client:
        # The page's token, bound to this browser's cookies (the cookie's value itself is no token).
        found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text)
        token = found.group(1) if found else ""
        started = time.perf_counter()
        response = client.post("/signin", data={"username": "bench", "password": PASSWORD, "csrf_token": token,
                                                "next": "/"})
        took = time.perf_counter() - started
    if response.status_code != 303:
        raise SystemExit(f"sign-in failed: {response.status_code} {response.text[:200]}")
    return took * 1000


def describe(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"n": len(ms), "median": round(statistics.median(ms), 1),
            "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1), "max": round(max(ms), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("JIAOGUAN_BENCH_DATABASE_URL", ""))
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--row-ms", type=float, default=5.0)
    parser.add_argument("--signins", type=int, default=15)
    parser.add_argument("--batch-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.batch_worker:
        batch_worker(args.batch, args.row_ms)
        return
    if not args.url.startswith("postgresql"):
        raise SystemExit("give --url postgresql://… (the stall is a PostgreSQL matter: SQLite has one writer)")
    env = bench_env(args.url, SCHEMA, args.port)
    prepare(args.url)
    server = serve(args.port, env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        sign_in(base)  # warm up
        alone = [sign_in(base) for _ in range(args.signins)]
        batch = subprocess.Popen([sys.executable, __file__, "--batch-worker", "--batch", str(args.batch),
                                  "--row-ms", str(args.row_ms)], env=env, stdout=subprocess.PIPE, text=True)
        assert batch.stdout is not None
        if batch.stdout.readline().strip() != "started":
            raise SystemExit("the batch process did not start")
        finished = threading.Event()
        figures: dict[str, object] = {}

        def watch() -> None:  # the batch says when its records are committed and chained
            assert batch.stdout is not None
            for line in batch.stdout:
                if line.startswith("{"):
                    figures.update(json.loads(line))
                    finished.set()
            finished.set()

        threading.Thread(target=watch, daemon=True).start()
        during: list[float] = []
        while not finished.is_set():  # only sign-ins that start while the batch runs (one may end after it)
            during.append(sign_in(base))
        batch.wait(60)
    finally:
        stop(server)
    result = {"bench": "audit_stall", "engine": "postgresql", "signin_alone_ms": describe(alone),
              "signin_during_batch_ms": describe(during), "batch": figures,
              "ratio": round(statistics.median(during) / statistics.median(alone), 2),
              "ratio_max": round(max(during) / max(alone), 2)}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
