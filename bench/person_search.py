"""The staff's search by name and by mobile number against an ID-number look-up, on an existing demo database.

    JIAOGUAN_DATABASE_URL=postgresql://…/DB .venv/bin/python bench/person_search.py [--runs 200]

Load the database first (`jiaoguan db upgrade && jiaoguan demo --people N`). Each search goes through
`registry.service.search` as the page calls it (the query, the views, the audit record), in a transaction that
is rolled back. Measured in the same run:

- `id_number`: a search by ID number (a unique index; the baseline);
- `name_exact`: a full name of the province (exact match, sorted first);
- `name_surname`: the province's most common surname, the widest prefix (20 of thousands shown, `more`);
- `mobile`: a mobile number.

Prints one JSON object: medians and p95 in ms, each ratio to the ID-number baseline, the people count, and on
PostgreSQL the plan's index for the name and mobile queries (`EXPLAIN`), which must not be a sequential scan.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable

from sqlalchemy import func, literal_column, select, text

from jiaoguan.kit.db import get_sessionmaker
from jiaoguan.registry import service
from jiaoguan.registry.models import Person


def _timed(runs: int, fn: Callable[[], object]) -> dict[str, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 3), "p95_ms": round(times[int(len(times) * 0.95) - 1], 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    factory = get_sessionmaker()
    with factory() as db:
        people = db.scalar(select(func.count()).select_from(Person))
        province = db.scalar(select(Person.province_code).group_by(Person.province_code)
                             .order_by(func.count().desc()).limit(1))
        sample = db.scalars(select(Person).where(Person.province_code == province, Person.phone.is_not(None))
                            .order_by(Person.id).limit(1)).one()
        # The worst prefix: the province's most common surname (thousands of people begin with it).
        first = func.substr(Person.name, literal_column("1"), literal_column("1"))   # one expression to group by
        surname = db.scalar(select(first).where(Person.province_code == province).group_by(first)
                            .order_by(func.count().desc()).limit(1))
        cases = {"id_number": sample.id_number, "name_exact": sample.name, "name_surname": surname,
                 "mobile": sample.phone}

        def search(q: str) -> Callable[[], object]:
            def run() -> object:
                try:
                    return service.search(db, q, province_code=province)
                finally:
                    db.rollback()
            return run

        found = {k: (len(r.persons), r.more) for k, r in ((k, search(q)()) for k, q in cases.items())}
        timings = {k: _timed(args.runs, search(q)) for k, q in cases.items()}
        plans: dict[str, str] = {}
        if db.get_bind().dialect.name == "postgresql":
            for key, sql, params in (
                    ("name", "SELECT id FROM person WHERE province_code = :p AND name LIKE :n ORDER BY name, id "
                             "LIMIT 21", {"p": province, "n": surname + "%"}),
                    ("mobile", "SELECT id FROM person WHERE phone = :m ORDER BY id LIMIT 20", {"m": sample.phone})):
                plan = "\n".join(r[0] for r in db.execute(text("EXPLAIN " + sql), params))
                plans[key] = plan
    base = timings["id_number"]["median_ms"]
    print(json.dumps({
        "people": people, "province": province, "found": found, "timings": timings,
        "ratio_to_id_number": {k: round(v["median_ms"] / base, 2) for k, v in timings.items()},
        "plans": plans, "load_average_1m": os.getloadavg()[0],
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
