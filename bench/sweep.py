"""The deadlines sweep over millions of records on PostgreSQL, against a bare set-based UPDATE of the same rows.

    .venv/bin/python bench/sweep.py --url postgresql://postgres@127.0.0.1:5432/DB [--records 5000000]
                                    [--on 2022-07-01] [--batch 100000] [--reuse]

Builds its own schema `bench_sweep` (every table of the product, made from the models) and fills it with
generate_series: `--records` registry records (40 % licences, 40 % vehicles, 10 % learner permits,
10 % preselected plates) for a quarter as many persons, a fifth of whom have an account. Statuses are
those a sweep would have left 30 days before `--on` under the regulations alone, so the sweep has a
month of expiries, cancellations, missed inspection cycles and reminders to catch up on, under the three
shipped measures (on the default date the MPS 2022-04-21 grace window and suspension are in force).

Timed in the same run, on the same rows:
- `sweep`: `jiaoguan.deadlines.sweep.sweep` — engine answers per distinct key, scratch tables, set-based
  UPDATE … FROM and INSERT … SELECT … ON CONFLICT per id range, a commit and progress record per range,
  one audit record;
- `bare_update`: one UPDATE per record table setting its status (or missed cycles) from a plain date
  comparison — no measures, no reminders, no chunks — i.e. one set-based pass rewriting every row. It
  runs after the sweep, in a transaction that is rolled back.

Prints one JSON object with both times and `ratio` = bare_update / sweep (target >= 0.5: the whole sweep
costs at most twice one bare pass). The machines are shared: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jiaoguan.deadlines.measures.loader import shipped_measures  # noqa: E402
from jiaoguan.deadlines.sweep.run import sweep  # noqa: E402
from jiaoguan.kit.db import full_metadata, make_engine  # noqa: E402

SCHEMA = "bench_sweep"
PROVINCES = ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
             "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65")
# (vehicle_type, use_nature, seats) by share of 20
KINDS = [("small_car", "non_operating", 5)] * 12 + [("small_car", "operating_passenger", 5)] * 2 + [
    ("light_truck", "freight", 3), ("heavy_truck", "freight", 3), ("tractor_unit", "freight", 2),
    ("semi_trailer", "freight", 0), ("large_bus", "operating_passenger", 45), ("motorcycle", "non_operating", 2)]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def generate(engine: Engine, records: int, on: dt.date) -> dict[str, int]:
    """Fill the schema; returns the row counts."""
    persons = max(1, records // 4)
    counts = {"person": persons, "driving_licence": records * 4 // 10, "vehicle": records * 4 // 10,
              "learner_permit": records // 10, "preselected_plate": records - records * 9 // 10}
    then = on - dt.timedelta(days=30)   # statuses as a sweep would have left them a month ago
    prov = _array(list(PROVINCES))
    kinds = "ARRAY[" + ",".join(f"ROW('{t}','{u}',{s})::{SCHEMA}.kind" for t, u, s in KINDS) + "]"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    full_metadata().create_all(engine)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TYPE {SCHEMA}.kind AS (t text, u text, s int)"))
        conn.execute(text("SELECT setseed(0.2022)"))
        conn.execute(text(f"""
            INSERT INTO person (id, id_doc_type, id_number, name, sex, birth_date, phone, address_division,
                                address, province_code)
            SELECT g, 'resident_id', lpad(g::text, 18, '0'), 'P' || g, CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END,
                   date '1950-01-01' + (g * 37 % 18000),
                   CASE WHEN g % 10 = 0 THEN NULL ELSE '138' || lpad(g::text, 8, '0') END,
                   '110105', NULL, ({prov})[1 + g % {len(PROVINCES)}]
            FROM generate_series(1, {persons}) g"""))
        conn.execute(text(f"""
            INSERT INTO app_user (username, display_name, password_hash, role, person_id, province_code,
                                  is_active, created_at)
            SELECT 'u' || g, 'P' || g, NULL, 'citizen', g, ({prov})[1 + g % {len(PROVINCES)}], true, now()
            FROM generate_series(5, {persons}, 5) g"""))
        conn.execute(text(f"""
            INSERT INTO driving_licence (id, person_id, file_no, classes, first_issued, valid_from, valid_to,
                                         period_years, status, cycle_start, points, review_due, medical_due,
                                         province_code)
            SELECT g, 1 + g % {persons}, lpad(g::text, 12, '0'),
                   CASE g % 20 WHEN 0 THEN 'A2' WHEN 1 THEN 'B2' WHEN 2 THEN 'A1 A2' ELSE 'C1' END,
                   d - 3650, d - 2190, d, 6,
                   CASE WHEN d < :then - 365 THEN 'cancelled' WHEN d < :then THEN 'expired' ELSE 'valid' END,
                   d - 365, 0,
                   CASE WHEN g % 20 < 3 AND g % 7 = 0 THEN :on + (g % 120) - 60 END,
                   CASE WHEN g % 50 = 0 THEN :on + (g % 90) - 30 END,
                   ({prov})[1 + (1 + g % {persons}) % {len(PROVINCES)}]
            FROM (SELECT g, date '2012-01-01' + (random() * 7300)::int AS d
                  FROM generate_series(1, {counts['driving_licence']}) g) s"""), {"then": then, "on": on})
        conn.execute(text(f"""
            INSERT INTO vehicle (id, plate_no, plate_type, vin, owner_person_id, owner_enterprise_id, use_nature,
                                 vehicle_type, seats, registration_date, inspection_valid_until,
                                 insurance_valid_until, missed_cycles, status, province_code)
            SELECT g, 'B' || lpad(g::text, 9, '0'), '02', 'V' || lpad(g::text, 16, '0'), 1 + g % {persons}, NULL,
                   (k).u, (k).t, (k).s, reg,
                   (date_trunc('month', CASE WHEN r < 0.06 THEN :on - (r * 20000)::int
                                             ELSE :on + ((r - 0.06) * 800)::int END)
                    + interval '1 month - 1 day')::date,
                   :on + 200, 0, 'normal', ({prov})[1 + (1 + g % {persons}) % {len(PROVINCES)}]
            FROM (SELECT g, random() AS r, ({kinds})[1 + g % {len(KINDS)}] AS k,
                         date '2004-01-01' + (random() * 6500)::int AS reg
                  FROM generate_series(1, {counts['vehicle']}) g) s"""), {"on": on})
        conn.execute(text(f"""
            INSERT INTO learner_permit (id, person_id, classes, issued_on, valid_until, status, province_code)
            SELECT g, 1 + g % {persons}, CASE WHEN g % 10 = 0 THEN 'B2' ELSE 'C1' END, i,
                   (i + interval '3 years')::date,
                   CASE WHEN (i + interval '3 years')::date < :then THEN 'expired' ELSE 'valid' END,
                   ({prov})[1 + (1 + g % {persons}) % {len(PROVINCES)}]
            FROM (SELECT g, :on - (random() * 1200)::int AS i
                  FROM generate_series(1, {counts['learner_permit']}) g) s"""), {"then": then, "on": on})
        conn.execute(text(f"""
            INSERT INTO preselected_plate (id, person_id, plate_no, plate_type, vin, selected_on, valid_until,
                                           status, province_code)
            SELECT g, 1 + g % {persons}, 'C' || lpad(g::text, 9, '0'), '02', 'W' || lpad(g::text, 16, '0'), s,
                   s + 21, CASE WHEN s + 21 < :then THEN 'expired' ELSE 'held' END,
                   ({prov})[1 + (1 + g % {persons}) % {len(PROVINCES)}]
            FROM (SELECT g, :on - (random() * 90)::int AS s
                  FROM generate_series(1, {counts['preselected_plate']}) g) s"""), {"then": then, "on": on})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return counts


BARE = [
    "UPDATE driving_licence SET status = CASE WHEN valid_to < :on THEN 'expired' ELSE status END",
    "UPDATE vehicle SET missed_cycles = CASE WHEN inspection_valid_until < :on THEN 1 ELSE missed_cycles END",
    "UPDATE learner_permit SET status = CASE WHEN valid_until < :on THEN 'expired' ELSE status END",
    "UPDATE preselected_plate SET status = CASE WHEN valid_until < :on THEN 'expired' ELSE status END",
]


def bare_update(engine: Engine, on: dt.date) -> tuple[float, int]:
    with engine.connect() as conn:
        tx = conn.begin()
        started = time.perf_counter()
        rows = sum(conn.execute(text(s), {"on": on}).rowcount for s in BARE)
        seconds = time.perf_counter() - started
        tx.rollback()
    return seconds, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="PostgreSQL URL; the bench works in schema bench_sweep")
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--on", type=dt.date.fromisoformat, default=dt.date(2022, 7, 1))
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--reuse", action="store_true", help="Keep the rows of an earlier run (skip generation)")
    args = ap.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("bench/sweep.py measures PostgreSQL; give a postgresql:// URL")
    engine = make_engine(args.url, connect_args={"options": f"-c search_path={SCHEMA}"})
    started = time.perf_counter()
    counts = {} if args.reuse else generate(engine, args.records, args.on)
    generated = time.perf_counter() - started
    with Session(engine) as session:
        session.execute(text("DELETE FROM outbox_message"))
        session.commit()
        started = time.perf_counter()
        report = sweep(session, args.on, batch=args.batch, measures=tuple(shipped_measures()))
        swept = time.perf_counter() - started
    bare, rewritten = bare_update(engine, args.on)
    print(json.dumps({
        "records": args.records, "rows": counts, "on": args.on.isoformat(), "batch": args.batch,
        "generate_s": round(generated, 1), "sweep_s": round(swept, 2), "bare_update_s": round(bare, 2),
        "bare_rows_rewritten": rewritten, "ratio": round(bare / swept, 3),
        "sweep_records_per_s": round(args.records / swept), "sweep": report.to_json(),
    }, ensure_ascii=False))
    engine.dispose()


if __name__ == "__main__":
    main()
