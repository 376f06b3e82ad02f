"""Demo data load speed on PostgreSQL, against a bare `INSERT … SELECT generate_series` of the same rows.

    .venv/bin/python bench/demo_load.py [--people 1000000] [--seed 2022] [--progress]

URL from JIAOGUAN_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test). Everything
happens in a schema of its own (`bench_demo`), dropped at the end, so a shared database is untouched.

- demo: `jiaoguan.demo.load_demo` exactly as `jiaoguan demo` runs it (Python generation of valid,
  unique identifiers and dated states, COPY in batches), including its commit;
- baseline: for each registry table, copies with the same columns, indexes, unique and foreign keys,
  filled with as many rows by one `INSERT … SELECT … FROM generate_series` each (values computed in
  SQL, nothing crosses the wire), then committed. This is about the fastest PostgreSQL can store
  these rows, so the ratio says how close the demo path comes to it.
Prints one JSON object. The machine is shared: compare ratios, not absolute rates.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from jiaoguan.demo import load_demo  # noqa: E402
from jiaoguan.demo.builder import TABLES  # noqa: E402
from jiaoguan.kit.db import (
    full_metadata,  # noqa: E402
    make_engine,  # noqa: E402
)

SCHEMA = "bench_demo"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"

# Column values per table as SQL over `i` (1..n); references stay inside the parents' id ranges.
BASELINE_SELECT = {
    "enterprise": "i, lpad(i::text, 18, '0'), '企业' || i, '310115', '1380000' || lpad((i % 10000)::text, 4, '0'),"
                  " '31'",
    "person": "i, 'resident_id', lpad(i::text, 18, '0'), '张' || i, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,"
              " date '1950-01-01' + (i % 20000), '13' || lpad((i % 1000000000)::text, 9, '0'), '110105',"
              " '北京市朝阳区人民路' || i || '号', '11'",
    "driving_licence": "i, 1 + (i - 1) % {person}, lpad(i::text, 12, '0'), 'C1', date '2000-01-01' + (i % 7000),"
                       " date '2016-01-01' + (i % 3000), date '2026-01-01' + (i % 3650), 10, 'valid',"
                       " date '2026-01-01' + (i % 365), i % 12, NULL, NULL, NULL, '11'",
    "vehicle": "i, '京' || lpad(i::text, 8, '0'), '02', lpad(i::text, 17, '0'),"
               " CASE WHEN i % 50 = 0 THEN NULL ELSE 1 + (i - 1) % {person} END,"
               " CASE WHEN i % 50 = 0 THEN 1 + (i - 1) % {enterprise} END, 'non_operating', 'small_car', 5,"
               " date '2010-01-01' + (i % 5000), date '2026-01-01' + (i % 700), date '2026-01-01' + (i % 365),"
               " 0, 'normal', '11'",
    "learner_permit": "i, 1 + (i - 1) % {person}, 'C1', date '2024-01-01' + (i % 900),"
                      " date '2027-01-01' + (i % 900), 'valid', '11'",
    "preselected_plate": "i, 1 + (i - 1) % {person}, '京P' || lpad(i::text, 7, '0'), '02',"
                         " 'P' || lpad(i::text, 16, '0'), date '2026-11-01' + (i % 20),"
                         " date '2026-12-01' + (i % 20), 'held', '11'",
}
FOREIGN_KEYS = {"driving_licence": [("person_id", "person")], "learner_permit": [("person_id", "person")],
                "preselected_plate": [("person_id", "person")],
                "vehicle": [("owner_person_id", "person"), ("owner_enterprise_id", "enterprise")]}


def admin(url: str, *statements: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def bench_engine(url: str) -> Engine:
    admin(url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE", f"CREATE SCHEMA {SCHEMA}")
    return make_engine(url, connect_args={"options": f"-c search_path={SCHEMA}"})


def run_demo(engine: Engine, people: int, seed: int, progress: bool) -> tuple[dict[str, int], float]:
    full_metadata().create_all(engine)
    started = time.perf_counter()
    with Session(engine) as session:
        summary = load_demo(people=people, seed=seed, progress=progress, session=session)
        session.commit()
    seconds = time.perf_counter() - started
    return {t: summary.counts[t] for t in TABLES}, seconds


def run_baseline(engine: Engine, counts: dict[str, int]) -> float:
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(text(f"CREATE TABLE bl_{table} (LIKE {table} INCLUDING ALL)"))
            for column, parent in FOREIGN_KEYS.get(table, []):
                conn.execute(text(f"ALTER TABLE bl_{table} ADD FOREIGN KEY ({column}) REFERENCES bl_{parent} (id)"))
    started = time.perf_counter()
    with engine.begin() as conn:
        for table in TABLES:
            select = BASELINE_SELECT[table].format(**counts)
            conn.execute(text(f"INSERT INTO bl_{table} SELECT {select} FROM generate_series(1, :n) AS i"),
                         {"n": counts[table]})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--progress", action="store_true", help="show the demo's progress bar")
    args = parser.parse_args()
    url = os.environ.get("JIAOGUAN_BENCH_DATABASE_URL", DEFAULT_URL)
    engine = bench_engine(url)
    try:
        counts, demo_seconds = run_demo(engine, args.people, args.seed, args.progress)
        baseline_seconds = run_baseline(engine, counts)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
    finally:
        engine.dispose()
        admin(url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    rows = sum(counts.values())
    demo_rate, baseline_rate = rows / demo_seconds, rows / baseline_seconds
    print(json.dumps({
        "demo_rows_per_s": round(demo_rate), "baseline_rows_per_s": round(baseline_rate),
        "ratio": round(demo_rate / baseline_rate, 3), "rows": rows, "people": args.people, "seed": args.seed,
        "demo_seconds": round(demo_seconds, 2), "baseline_seconds": round(baseline_seconds, 2),
        "rows_by_table": counts, "postgresql": version,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
