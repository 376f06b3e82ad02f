"""How long a real sign-in code waits behind an SMS flood (issue 10.3), on PostgreSQL with two workers.

    .venv/bin/python bench/outbox_flood.py --url postgresql://postgres@127.0.0.1:5432/DB
                                           [--flood 20000] [--unrelated 500] [--workers 2] [--port 8105]

Builds its own schema `bench_outbox` in DB, starts the web app (uvicorn) and `--workers` real worker processes
(`jiaoguan worker --interval 0.5`) on it, then measures, from the moment a citizen asks for a code over HTTP
(POST /signin/sms/request) until its SMS is in the development SMS log:
- `alone`: with an empty queue;
- `behind_flood`: after `--flood` reminders to two phones (the shape of the flood found: 19,432 SMS for two phones)
  and `--unrelated` reminders to other phones were queued.
It also prints how long the unrelated reminders took to be delivered behind the flood, and how many SMS reached
each flooded phone (the cap is per phone per hour, across workers). Before the fix the code queued behind the
flood for hours, 503 unrelated messages took 197 s and one phone got 10 SMS in 160 ms. Prints one JSON object;
`ratio` = the code's delay behind the flood / its delay alone (target: close to 1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from serving import bench_env, fresh_schema, serve, start, stop  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

SCHEMA = "bench_outbox"
CITIZEN = "13800138000"
FLOODED = ("13900000001", "13900000002")


def prepare(url: str) -> None:
    fresh_schema(url, SCHEMA)
    from jiaoguan.accounts.service import create_user
    from jiaoguan.kit.db import unit_of_work

    with unit_of_work() as session:
        create_user(session, username="citizen", display_name="citizen", role="citizen", phone=CITIZEN)


def flood(per_phone: int, unrelated: int) -> None:
    """Queue the reminders in bulk, as a sweep would (one INSERT per chunk)."""
    from jiaoguan.kit.clock import utc_now
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.kit.outbox import OutboxMessage

    now = utc_now()
    params = json.dumps({"days": 3, "due": "2026-12-01", "what_msgid": "driving licence"})
    rows = [{"created_at": now, "channel": "sms", "recipient": phone, "template": "deadline_reminder",
             "params_json": params, "status": "pending", "attempts": 0, "next_attempt_at": now, "priority": 5}
            for phone in FLOODED for _ in range(per_phone)]
    rows += [{**rows[0], "recipient": f"1360000{i:04d}"} for i in range(unrelated)]
    with unit_of_work() as session:
        for start in range(0, len(rows), 5000):
            session.execute(OutboxMessage.__table__.insert(), rows[start:start + 5000])


def sms_count(phones: list[str]) -> int:
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.notify.models import DevSms

    with unit_of_work() as session:
        return session.execute(select(func.count()).select_from(DevSms).where(DevSms.phone.in_(phones))).scalar_one()


def code_delay(base: str, timeout: float) -> float:
    """Ask for a code over HTTP; seconds until its SMS is delivered."""
    before = sms_count([CITIZEN])
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        started = time.perf_counter()
        response = client.post("/signin/sms/request", data={"phone": CITIZEN, "csrf_token": token.group(1)
                                                            if token else ""})
    if response.status_code != 200:
        raise SystemExit(f"asking for a code failed: {response.status_code} {response.text[:200]}")
    while sms_count([CITIZEN]) == before:
        if time.perf_counter() - started > timeout:
            return float("inf")
        time.sleep(0.05)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("JIAOGUAN_BENCH_DATABASE_URL", ""))
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--flood", type=int, default=20000, help="reminders queued for the two flooded phones")
    parser.add_argument("--unrelated", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("give --url postgresql://… (several workers share the outbox on PostgreSQL)")
    env = bench_env(args.url, SCHEMA, args.port, JIAOGUAN_SMS_CODE_INTERVAL_SECONDS="0",
                    JIAOGUAN_SMS_CODES_PER_PHONE_PER_HOUR="100")
    prepare(args.url)
    server = serve(args.port, env, quiet=True)
    workers = [start([sys.executable, "-m", "jiaoguan", "worker", "--interval", "0.5"], env, quiet=True)
               for _ in range(args.workers)]
    base = f"http://127.0.0.1:{args.port}"
    try:
        code_delay(base, args.timeout)  # warm up
        alone = sorted(code_delay(base, args.timeout) for _ in range(5))
        flood(args.flood // 2, args.unrelated)
        queued = time.perf_counter()
        behind = code_delay(base, args.timeout)
        others = [f"1360000{i:04d}" for i in range(args.unrelated)]
        while sms_count(others) < args.unrelated and time.perf_counter() - queued < args.timeout:
            time.sleep(0.1)
        unrelated_s = time.perf_counter() - queued if sms_count(others) == args.unrelated else float("inf")
        per_phone = [sms_count([p]) for p in FLOODED]
    finally:
        stop(server, *workers)
    median_alone = alone[len(alone) // 2]
    print(json.dumps({
        "bench": "outbox_flood", "engine": "postgresql", "workers": args.workers, "flood": args.flood,
        "code_delay_alone_s": round(median_alone, 3), "code_delay_behind_flood_s": round(behind, 3),
        "ratio": round(behind / median_alone, 2), "unrelated": args.unrelated,
        "unrelated_delivered_after_s": round(unrelated_s, 2), "sms_to_each_flooded_phone": per_phone,
    }, indent=1))


if __name__ == "__main__":
    main()
