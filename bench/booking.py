"""Booking under a crowd (issue 12.11): many concurrent HTTP clients, two app workers, PostgreSQL, all aiming at a
few hot slots.

    .venv/bin/python bench/booking.py --url postgresql://postgres@127.0.0.1:5432/DB
                                      [--clients 24] [--attempts 800] [--hot 8] [--capacity 60] [--port 8120]

Builds its own schema `bench_booking` in DB (migrated), an office with `--hot` slots of `--capacity` places on
the first open day after today, `--attempts` registered people and a hotline agent's device token; starts the
app under uvicorn with two worker processes; then, with `--clients` concurrent clients:
- `baseline`: the same POST /api/v1/halls/bookings with the same token and a body that fails validation (no
  slot): authentication, parsing, validation, the problem answer — everything but the booking;
- `booking`: one POST per person for a random hot slot, each with its own idempotency key (201 booked, 409 full).
Prints one JSON object: bookings per second (successful), attempts per second, the baseline's requests per
second, `ratio` = bookings per second / baseline per second (target ≥ 0.25), and `overbooked` — places taken
beyond capacity, counted from the rows (must be 0), with `slot_counter_mismatch` (the slots' counters against
the rows, must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

SCHEMA = "bench_booking"


def schema_url(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"


def id_number(n: int) -> str:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    body = f"110105{birth:%Y%m%d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def prepare(url: str, attempts: int, hot: int, capacity: int) -> tuple[str, list[int], list[str]]:
    """(device token, hot slot ids, ID numbers)."""
    from jiaoguan.kit.db import make_engine
    from jiaoguan.kit.migrate import upgrade

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    upgrade(schema_url(url))
    os.environ["JIAOGUAN_DATABASE_URL"] = schema_url(url)
    from jiaoguan.accounts.offices import add_office
    from jiaoguan.accounts.service import create_user, issue_api_token
    from jiaoguan.halls import offices, slots
    from jiaoguan.halls.models import Slot
    from jiaoguan.halls.schedule import HoursRule
    from jiaoguan.kit.clock import today
    from jiaoguan.kit.db import unit_of_work
    from jiaoguan.registry.models import Person

    with unit_of_work() as session:
        base = add_office(session, code="11B0000001", name="压测车管所", division_code="110105")
        hall = offices.ensure_hall_office(session, base.id)
        offices.set_hours(session, hall.id, [HoursRule(kind, d, 8 * 60, 8 * 60 + hot * 60)
                                             for kind, days in (("regular", range(5)), ("weekend", range(5, 7)))
                                             for d in days])
        offices.set_plan(session, hall.id, "vehicle", slot_minutes=60, capacity=capacity)
        slots.generate(session, hall.id, today() + dt.timedelta(days=1), today() + dt.timedelta(days=10))
        day = session.execute(select(func.min(Slot.day)).where(Slot.hall_office_id == hall.id)).scalar_one()
        hot_ids = list(session.execute(select(Slot.id).where(Slot.hall_office_id == hall.id, Slot.day == day)
                                       .order_by(Slot.start_min)).scalars())
        numbers = [id_number(i) for i in range(attempts)]
        session.execute(Person.__table__.insert(), [
            {"id_doc_type": "resident_id", "id_number": n, "name": f"压测{i}", "sex": "M",
             "birth_date": dt.date(1960, 1, 1), "phone": None, "address_division": "110105", "address": None,
             "province_code": "11"} for i, n in enumerate(numbers)])
        agent = create_user(session, username="bench-hotline", display_name="bench", role="hotline_agent",
                            password=None, province_code="11")
        token = issue_api_token(session, agent, "bench")
    return token, hot_ids, numbers


async def crowd(base: str, token: str, bodies: list[dict[str, object]], clients: int) -> tuple[float, dict[int, int]]:
    """Send every body with `clients` at once; (seconds, count per status code)."""
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60,
                                 limits=limits) as client:
        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                response = await client.post("/api/v1/halls/bookings", json=body)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return time.perf_counter() - started, statuses


def overbooking(hot_ids: list[int]) -> tuple[int, int, int]:
    """(places beyond capacity counted from the rows, slots whose counter disagrees with the rows, rows)."""
    from jiaoguan.halls.models import Booking, Slot
    from jiaoguan.halls.states import TAKING
    from jiaoguan.kit.db import unit_of_work

    with unit_of_work() as session:
        taken = dict(session.execute(select(Booking.slot_id, func.count()).where(
            Booking.slot_id.in_(hot_ids), Booking.status.in_(TAKING)).group_by(Booking.slot_id)).all())
        over = mismatch = 0
        for slot in session.execute(select(Slot).where(Slot.id.in_(hot_ids))).scalars():
            rows = taken.get(slot.id, 0)
            over += max(0, rows - slot.capacity)
            mismatch += rows != slot.booked
        return over, mismatch, sum(taken.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("JIAOGUAN_BENCH_DATABASE_URL", ""))
    parser.add_argument("--port", type=int, default=8120)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--attempts", type=int, default=800)
    parser.add_argument("--hot", type=int, default=8, help="hot slots (one hour each)")
    parser.add_argument("--capacity", type=int, default=60, help="places per hot slot")
    parser.add_argument("--workers", type=int, default=2, help="app server processes")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("give --url postgresql://… (the benchmark runs two app processes on PostgreSQL)")
    data_dir = Path(f"/tmp/jg-booking-bench-{args.port}")
    data_dir.mkdir(exist_ok=True)
    env = {**os.environ, "JIAOGUAN_DATABASE_URL": schema_url(args.url), "JIAOGUAN_DATA_DIR": str(data_dir),
           "JIAOGUAN_RUN_WORKER_IN_PROCESS": "false", "JIAOGUAN_SECRET_KEY": "bench-booking-secret",
           "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    os.environ.update({k: env[k] for k in ("JIAOGUAN_DATA_DIR", "JIAOGUAN_SECRET_KEY")})
    token, hot_ids, numbers = prepare(args.url, args.attempts, args.hot, args.capacity)
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "jiaoguan.web.app:create_app",
                               "--port", str(args.port), "--workers", str(args.workers), "--log-level", "warning"],
                              env=env, stdout=subprocess.DEVNULL, stderr=(data_dir / "server.log").open("wb"))
    base = f"http://127.0.0.1:{args.port}"
    rng = random.Random(2022)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        bad = [{"idempotency_key": f"baseline-{i:06d}"} for i in range(args.attempts)]
        asyncio.run(crowd(base, token, bad[:100], args.clients))  # warm both processes up
        base_s, base_status = asyncio.run(crowd(base, token, bad, args.clients))
        bodies = [{"slot_id": rng.choice(hot_ids), "idempotency_key": f"bench-{i:06d}", "hold": False,
                   "id_number": n} for i, n in enumerate(numbers)]
        book_s, book_status = asyncio.run(crowd(base, token, bodies, args.clients))
    finally:
        server.terminate()
        server.wait(15)
    over, mismatch, rows = overbooking(hot_ids)
    booked = book_status.get(201, 0)
    baseline_rps = args.attempts / base_s
    print(json.dumps({
        "bench": "booking", "engine": "postgresql", "app_workers": args.workers, "clients": args.clients,
        "hot_slots": len(hot_ids), "places": len(hot_ids) * args.capacity, "attempts": args.attempts,
        "booked": booked, "refused_full": book_status.get(409, 0),
        "other_statuses": {k: v for k, v in book_status.items() if k not in (201, 409)},
        "bookings_per_s": round(booked / book_s, 1), "attempts_per_s": round(args.attempts / book_s, 1),
        "baseline_validated_post_per_s": round(baseline_rps, 1),
        "baseline_statuses": base_status, "ratio": round((booked / book_s) / baseline_rps, 3),
        "attempts_ratio": round((args.attempts / book_s) / baseline_rps, 3),
        "overbooked": over, "slot_counter_mismatch": mismatch, "rows_taking_places": rows,
    }, indent=1))


if __name__ == "__main__":
    main()
