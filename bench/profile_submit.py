"""Where a business submission and the seat's inbox page spend their time: cProfile and statement counts,
called straight through ASGI (no HTTP client or server in the way), on the schema bench/submit.py builds.

    .venv/bin/python bench/profile_submit.py --url postgresql://postgres@127.0.0.1:5432/DB
        [--requests 200] [--applications 0] [--top 25] [--statements]

Builds the schema `bench_business` like bench/submit.py (a fresh one: migrated, catalogue seeded, citizens,
a seat), profiles `--requests` submissions (POST /api/v1/business/applications with "submit": true) and then,
after loading `--applications` rows set-based, as many loads of GET /business/inbox. Prints per target the CPU
time per request with the profiler off, the statements per request, and the top functions by own and by
cumulative time; `--statements` also lists one request's SQL. The machine is shared: compare call and
statement counts, not milliseconds across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from profile_pages import Call, SqlCounter, asgi_call, inline_threads, stats_rows  # noqa: E402


def statements_of(call: Call) -> list[str]:
    """The SQL one request sends, in order (first line of each, parameters left out)."""
    from sqlalchemy import event

    from jiaoguan.kit.db import get_engine

    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split())[:160])

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", before)
    try:
        asyncio.run(call())
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return seen


async def measure(name: str, call: Call, n: int, top: int, sql: SqlCounter, expect: int) -> dict[str, Any]:
    for _ in range(10):
        status, body = await call()
        if status != expect:
            raise SystemExit(f"{name}: HTTP {status}: {body[:300]!r}")
    cpu = time.process_time()
    for _ in range(n):
        await call()
    cpu_ms = (time.process_time() - cpu) * 1000 / n
    prof = cProfile.Profile()
    sql.reset()
    prof.enable()
    for _ in range(n):
        await call()
    prof.disable()
    calls = sum(row[1] for row in pstats.Stats(prof, stream=io.StringIO()).stats.values())  # type: ignore[attr-defined]
    # Python function calls per request: unlike milliseconds, the same on a loaded machine as on a quiet one.
    return {"cpu_ms_per_request": round(cpu_ms, 3), "python_calls_per_request": round(calls / n),
            "sql_per_request": sql.report(n),
            "top_own": stats_rows(prof, "own_ms_per_req", top, n),
            "top_cumulative_jiaoguan": stats_rows(prof, "cum_ms_per_req", top, n, "/jiaoguan/")}


def seat_session() -> str:
    from sqlalchemy import select

    from jiaoguan.accounts.models import User
    from jiaoguan.accounts.service import start_session
    from jiaoguan.kit.db import unit_of_work

    with unit_of_work() as session:
        return start_session(session, session.execute(select(User).where(User.username == "bench-seat")).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("JIAOGUAN_BENCH_DATABASE_URL", ""))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--applications", type=int, default=0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--existing", action="store_true",
                        help="profile only the inbox, on the schema a bench/submit.py run left (e.g. 1 M applications)")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("give --url postgresql://…")
    os.environ.setdefault("JIAOGUAN_DATA_DIR", "/tmp/jg-business-profile")
    os.environ.setdefault("JIAOGUAN_SECRET_KEY", "bench-business-secret")
    Path(os.environ["JIAOGUAN_DATA_DIR"]).mkdir(exist_ok=True)
    from bench.submit import SCHEMA, load_applications, prepare, schema_url

    if args.existing:
        os.environ["JIAOGUAN_DATABASE_URL"] = schema_url(args.url, SCHEMA)
        tokens, cookie = [], seat_session()
    else:
        tokens, cookie = prepare(args.url, 1)
    from jiaoguan.web.app import create_app

    app = create_app(start_worker=False)
    inline_threads()
    sql = SqlCounter()
    body = json.dumps({"business": "licence_renewal", "submit": True}).encode()
    submit = asgi_call(app, "POST", "/api/v1/business/applications", body=body,
                       headers={"authorization": f"Bearer {tokens[0] if tokens else ''}",
                                "content-type": "application/json"})
    inbox = asgi_call(app, "GET", "/business/inbox", headers={"cookie": f"jg_session={cookie}"})
    out: dict[str, Any] = {}
    if not args.existing:
        out["submit"] = asyncio.run(measure("submit", submit, args.requests, args.top, sql, 201))
    if args.statements and not args.existing:
        out["submit"]["statements"] = statements_of(submit)
    if args.applications and not args.existing:
        load_applications(args.url, args.applications)
    out["inbox"] = asyncio.run(measure("inbox", inbox, args.requests, args.top, sql, 200))
    if args.statements:
        out["inbox"]["statements"] = statements_of(inbox)
    for name, r in out.items():
        print(f"== {name}: {r['cpu_ms_per_request']} ms CPU/request; {r['python_calls_per_request']} Python calls"
              f"/request; sql {r['sql_per_request']}")
        for label in ("top_own", "top_cumulative_jiaoguan"):
            print(f"  -- {label}")
            for row in r[label]:
                print(f"  {row['own_ms_per_req']:8.3f} {row['cum_ms_per_req']:8.3f} {row['calls_per_req']:7.1f}"
                      f"  {row['function']}")
        for line in r.get("statements", []):
            print(f"  | {line}")


if __name__ == "__main__":
    main()
