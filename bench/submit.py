"""Business submissions over HTTP on PostgreSQL with two app workers, against a bare validated POST on the same
server in the same run; and the seat's inbox page with many applications loaded (issue 11.12).

    .venv/bin/python bench/submit.py --url postgresql://postgres@127.0.0.1:5432/DB [--port 8110]
                                     [--seconds 15] [--clients 8] [--applications 1000000] [--inbox 200]
                                     [--citizens 12000]

Builds its own schema `bench_business` in DB (migrated, the catalogue seeded, a Beijing citizen with a licence
and device tokens, a seat), starts `uvicorn --workers 2` with the app plus one bare route, and for `--seconds`
each with `--clients` threads:
- `bare`: POST /bench/bare — the application's request model validated (Pydantic), no database;
- `submit`: POST /api/v1/business/applications {"business": "licence_renewal", "submit": true} — the
  catalogue entry read, the subject found in the register, the overdue-obligation check, the draft written,
  the workflow's submit (audit, step, outbox message), one commit.
Then loads `--applications` rows into the table (set-based, 96 % finished history, 4 % open across states,
six provinces; VACUUM ANALYZE as autovacuum would) and times `--inbox` loads of GET /business/inbox as the seat
(the first page, and a page deep in the queue reached by its keyset link).

Prints one JSON object: both rates, `ratio` = submit / bare (target >= 0.25), and the inbox pages' times (median,
p95, max in ms): `server`, from the request's arrival in the server process to its response (a Server-Timing header
the bench's app adds; target p95 < 50 ms), and `client`, measured over loopback. Shared machine: compare ratios,
not raw figures.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from serving import bench_env, fresh_schema, schema_url, serve, server_timing, stop, with_bare_post  # noqa: E402
from sqlalchemy import text  # noqa: E402

SCHEMA = "bench_business"


def factory():  # type: ignore[no-untyped-def]
    """The app as served, plus the bare baseline route (the application's request model validated, no database)."""
    from jiaoguan.business.schemas import ApplicationIn
    from jiaoguan.web.app import create_app

    return server_timing(with_bare_post(create_app(start_worker=False), "/bench/bare", ApplicationIn))


def prepare(url: str, clients: int, citizens: int) -> tuple[list[list[str]], str]:
    """`citizens` citizens with a licence due for renewal and a device token each, dealt to the clients: a person
    may hold one open application of a business (business.already_open), so each submission is a new person's."""
    fresh_schema(url, SCHEMA)
    import datetime as dt

    from jiaoguan.accounts.roles import Role
    from jiaoguan.accounts.service import create_user, issue_api_token, start_session
    from jiaoguan.business.catalogue_store import seed
    from jiaoguan.kit.clock import today
    from jiaoguan.kit.db import unit_of_work
    from tests.factories import registry

    with unit_of_work() as session:
        seed(session)
        tokens: list[list[str]] = [[] for _ in range(clients)]
        for i in range(max(citizens, clients)):
            # The factory numbers people and licences from one counter, a thousand sequence numbers per birth date.
            who = registry.person(session, province="11", birth=dt.date(1970, 1, 1) + dt.timedelta(days=i // 400))
            registry.licence(session, who, valid_to=today() + dt.timedelta(days=40))
            user = create_user(session, username=f"bench-citizen-{i}", display_name="bench", role=Role.citizen,
                               person_id=who.id, province_code="11")  # no password: tokens only, no argon2 cost
            tokens[i % clients].append(issue_api_token(session, user, "bench"))
        seat = create_user(session, username="bench-seat", display_name="bench", role=Role.online_seat,
                           password="bench-business-pw", province_code="11")
        cookie = start_session(session, seat)
    return tokens, cookie


def load_applications(url: str, n: int) -> float:
    """`n` applications in one INSERT … SELECT: 96 % finished, 4 % open (states, priorities, due dates; a fifth of
    the open ones in Beijing assigned to the seat, the rest in their queue)."""
    from jiaoguan.kit.db import make_engine

    started = time.perf_counter()
    engine = make_engine(schema_url(url, SCHEMA))
    with engine.begin() as conn:
        user_id = conn.execute(text("SELECT id FROM app_user WHERE role = 'citizen' LIMIT 1")).scalar_one()
        seat_id = conn.execute(text("SELECT id FROM app_user WHERE username = 'bench-seat'")).scalar_one()
        definition = conn.execute(text("SELECT definition_json FROM business_application LIMIT 1")).scalar_one()
        conn.execute(text("""
            INSERT INTO business_application (province_code, business_code, definition_json, workflow, status,
                channel, queue_role, applicant_user_id, locale, subject_ref, answers_json, later_materials,
                emergency, emergency_reason, priority, owner_locked, in_person, in_person_reason, identity_level,
                identity_status, notice_json, note, created_at, submitted_at, accepted_on, sla_days, sla_due,
                clock_stops_json, effect_json, delivery_method, delivery_address, delivery_carrier,
                delivery_tracking, delivery_status, version, assignee_user_id)
            SELECT (ARRAY['11','31','44','51','14','42'])[1 + g % 6], 'licence_renewal', :definition, 'standard@1',
                CASE WHEN g % 100 < 96 THEN (ARRAY['completed','rejected','withdrawn'])[1 + g % 3]
                     ELSE (ARRAY['submitted','accepted','in_review','correction_requested','resubmitted',
                                 'approved','issued'])[1 + g % 7] END,
                'online', 'online_seat', :user_id, 'zh_Hans', 'bench-' || g, '{}', '', g % 997 = 0, '',
                CASE WHEN g % 997 = 0 THEN 0 WHEN g % 389 = 0 THEN 1 ELSE 2 END, false, false, '', 'real_name',
                'not_needed', '[]', '', now(), now(), current_date - (g % 20), 1, current_date + (g % 9) - 4,
                '[]', '', 'none', '', '', '', '', 1,
                CASE WHEN g % 100 >= 96 AND g % 6 = 0 AND g / 100 % 5 = 0 THEN :seat_id END
            FROM generate_series(1, :n) AS g"""), {"definition": definition, "user_id": user_id, "n": n,
                                                   "seat_id": seat_id})
    from sqlalchemy.orm import Session

    from jiaoguan.business.inbox import compact_counts

    with Session(engine) as session, session.begin():
        compact_counts(session)  # what the worker's job does within the minute: the triggers' deltas folded
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE business_application"))  # what autovacuum does after a bulk load
        conn.execute(text("VACUUM ANALYZE business_inbox_count"))
    engine.dispose()
    return time.perf_counter() - started


def hammer(port: int, path: str, tokens: list[list[str]], seconds: float, body: dict[str, object]
           ) -> dict[str, float]:
    """Each client posts on one keep-alive connection for `seconds` (bench/pages.py's raw asyncio client: a
    threaded httpx client capped the bare POST at a few hundred a second), each request as the next of its
    citizens (`tokens[i]`, in turn; a submission needs a citizen who has none open, so the pool must outlast the
    run: `citizens_exhausted` says it did not)."""
    from pages import Connection, request_bytes

    payload = json.dumps(body).encode()
    done, failed, exhausted = [0], [0], [False]
    stop_at = time.perf_counter() + seconds

    async def client(mine: list[str]) -> None:
        conn = await Connection.open(port)
        try:
            for n in itertools.count():
                if time.perf_counter() >= stop_at:
                    return
                if path != "/bench/bare" and n >= len(mine):
                    exhausted[0] = True
                    return
                status, _ = await conn.send(request_bytes("POST", path, {
                    "Authorization": f"Bearer {mine[n % len(mine)]}", "Content-Type": "application/json"}, payload))
                if status == 201:
                    done[0] += 1
                else:
                    failed[0] += 1
        finally:
            conn.close()

    async def run() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(client(t) for t in tokens))
        return time.perf_counter() - started

    took = asyncio.run(run())
    return {"requests": done[0], "failed": failed[0], "per_second": round(done[0] / took, 1),
            "citizens_exhausted": exhausted[0]}


def describe(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"n": len(ms), "median": round(statistics.median(ms), 1),
            "p95": round(ordered[min(len(ms) - 1, int(len(ms) * 0.95))], 1), "max": round(max(ms), 1)}


def inbox_times(base: str, cookie: str, n: int, path: str = "/business/inbox") -> dict[str, dict[str, float]]:
    """`n` loads of the page one after another: the server's time (its Server-Timing header) and the client's."""
    client_ms: list[float] = []
    server_ms: list[float] = []
    with httpx.Client(base_url=base, timeout=30, cookies={"jg_session": cookie}) as c:
        c.get(path)
        for _ in range(n):
            started = time.perf_counter()
            r = c.get(path)
            client_ms.append((time.perf_counter() - started) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"inbox failed: {r.status_code}")
            server_ms.append(float(r.headers["server-timing"].partition("dur=")[2]))
    return {"server": describe(server_ms), "client": describe(client_ms)}


def deep_page(base: str, cookie: str, pages: int) -> str:
    """The inbox page reached by following its "next" link `pages` times (keyset: as cheap as the first)."""
    path = "/business/inbox"
    with httpx.Client(base_url=base, timeout=30, cookies={"jg_session": cookie}) as c:
        for _ in range(pages):
            found = re.search(r'href="([^"]+)" rel="next"', c.get(path).text)
            if found is None:
                break
            path = html.unescape(found.group(1))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("JIAOGUAN_BENCH_DATABASE_URL", ""))
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--inbox", type=int, default=200)
    parser.add_argument("--citizens", type=int, default=12000,
                        help="citizens dealt to the clients, one submission each (more than the run can submit)")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("give --url postgresql://… (the benchmark is about PostgreSQL with two app workers)")
    env = bench_env(args.url, SCHEMA, args.port)
    tokens, cookie = prepare(args.url, args.clients, args.citizens)
    server = serve(args.port, env, app="bench.submit:factory", workers=2)
    base = f"http://127.0.0.1:{args.port}"
    body = {"business": "licence_renewal", "submit": True}
    try:
        hammer(args.port, "/bench/bare", tokens, 2, body)  # warm up both workers
        warm, timed = [t[: len(t) // 8] for t in tokens], [t[len(t) // 8:] for t in tokens]
        hammer(args.port, "/api/v1/business/applications", warm, 2, body)
        bare = hammer(args.port, "/bench/bare", tokens, args.seconds, body)
        submit = hammer(args.port, "/api/v1/business/applications", timed, args.seconds, body)
        loaded = load_applications(args.url, args.applications)
        inbox = inbox_times(base, cookie, args.inbox)
        deep = deep_page(base, cookie, 20)
        inbox_deep = inbox_times(base, cookie, args.inbox, deep)
    finally:
        stop(server)
    print(json.dumps({"bench": "business_submit", "engine": "postgresql", "workers": 2, "clients": args.clients,
                      "bare_validated_post": bare, "submit": submit,
                      "ratio": round(submit["per_second"] / bare["per_second"], 3) if bare["per_second"] else None,
                      "applications_loaded": args.applications, "load_seconds": round(loaded, 1),
                      "inbox_page_ms": inbox, "inbox_deep_page": deep, "inbox_deep_page_ms": inbox_deep},
                     indent=1))


if __name__ == "__main__":
    main()
