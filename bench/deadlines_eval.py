"""Pure deadline evaluator speed, against a bare date-arithmetic loop over the same records.

    .venv/bin/python bench/deadlines_eval.py [--records 200000] [--repeat 3] [--seed 2022]

Synthetic records (kind, regulation due date, province, vehicle class) drawn with a fixed seed
around 2020–2023, judged under the three shipped measures by `engine.decide`:
- `one_day`: every record as of one date (2022-06-01), as a nightly run judges them;
- `mixed_days`: each record on its own date, as replays and API calls do;
- `with_reasons`: one_day, also writing the Chinese and English sentences (they are lazy otherwise).
The baseline walks the same records doing only what any deadline check must: one Civil Code month
addition and two comparisons. Prints one JSON object with the rates (records/s, median of
`--repeat` rounds) and their ratios to the baseline; the machines are shared, so only the ratios
compare across runs (PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from jiaoguan.deadlines.engine import decide  # noqa: E402
from jiaoguan.deadlines.measures.loader import shipped_measures  # noqa: E402
from jiaoguan.deadlines.measures.model import Measure  # noqa: E402
from jiaoguan.deadlines.rules.kinds import DeadlineKind, VehicleClass  # noqa: E402
from jiaoguan.kit.calendar import add_months  # noqa: E402

Row = tuple[DeadlineKind, dt.date, dt.date, str | None, VehicleClass | None]

KINDS = (DeadlineKind.INSPECTION, DeadlineKind.LICENCE_RENEWAL, DeadlineKind.LICENCE_REVIEW,
         DeadlineKind.LEARNER_PERMIT, DeadlineKind.PRESELECTED_PLATE, DeadlineKind.LICENCE_CANCELLATION,
         DeadlineKind.COMPULSORY_SCRAPPING, DeadlineKind.MEDICAL_CERTIFICATE)
PROVINCES = (None, "11", "14", "32", "44", "51")
CLASSES = (None, VehicleClass.HEAVY, VehicleClass.OTHER)
ONE_DAY = dt.date(2022, 6, 1)


def synthetic(count: int, seed: int) -> list[Row]:
    rng = random.Random(seed)
    start = dt.date(2019, 10, 1).toordinal()
    rows = []
    for _ in range(count):
        due = dt.date.fromordinal(start + rng.randrange(4 * 365))
        on = due + dt.timedelta(days=rng.randrange(-200, 400))
        rows.append((rng.choice(KINDS), due, on, rng.choice(PROVINCES), rng.choice(CLASSES)))
    return rows


def evaluator(rows: Sequence[Row], measures: Sequence[Measure]) -> int:
    overdue = 0
    for kind, due, on, province, cls in rows:
        overdue += decide(kind, due, on, measures, province, cls).overdue
    return overdue


def evaluator_with_reasons(rows: Sequence[Row], measures: Sequence[Measure]) -> int:
    length = 0
    for kind, due, on, province, cls in rows:
        decision = decide(kind, due, on, measures, province, cls)
        length += len(decision.reason_zh) + len(decision.reason_en)
    return length


def baseline(rows: Sequence[Row]) -> int:
    overdue = 0
    for _kind, due, on, _province, _cls in rows:
        moved = add_months(due, 3)
        overdue += on > due and on > moved
    return overdue


def rate(run: Callable[[], int], count: int, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        timings.append(time.perf_counter() - began)
    return count / statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    measures = shipped_measures()
    mixed = synthetic(args.records, args.seed)
    one_day = [(kind, due, ONE_DAY, province, cls) for kind, due, _on, province, cls in mixed]
    evaluator_with_reasons(one_day[:1000], measures)   # warm caches (catalogs, calendar) outside the timing
    bare = rate(lambda: baseline(one_day), args.records, args.repeat)
    rates = {
        "one_day": rate(lambda: evaluator(one_day, measures), args.records, args.repeat),
        "mixed_days": rate(lambda: evaluator(mixed, measures), args.records, args.repeat),
        "with_reasons": rate(lambda: evaluator_with_reasons(one_day, measures), args.records, args.repeat),
    }
    print(json.dumps({
        "benchmark": "deadlines_eval",
        "records": args.records,
        "measures": [m.ref for m in measures],
        "evaluator_records_per_s": {name: round(r) for name, r in rates.items()},
        "baseline_date_arithmetic_records_per_s": round(bare),
        "ratio": {name: round(r / bare, 4) for name, r in rates.items()},
        "repeat": args.repeat,
    }))


if __name__ == "__main__":
    main()
