"""Done means: a supervisor loads a new measure from a file and sees its effect without a deploy."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.jobs import asked_counts, measure_previews
from jiaoguan.deadlines.measures.loader import parse_measures
from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.deadlines.sweep.counts import count_affected
from jiaoguan.demo import load_demo
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "measure_example_next_emergency.json"


def test_a_measure_published_on_the_admin_page_changes_todays_answers_and_counts(db, client, make_user,
                                                                                 sign_in) -> None:
    on = dt.date(2026, 11, 25)   # the example's window is fixed; the demo is built around the same day
    before_clock = get_clock()
    set_clock(FixedClock(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)))
    try:
        load_demo(people=0, seed=7, session=db, on=on)   # the featured records: deadlines in the coming weeks
        db.commit()
        assert not any(r.measure_ref == "EXAMPLE-NEXT-EMERGENCY@1" for r in count_affected(db, on))

        admin = make_user(Role.admin)
        sign_in(client, admin)
        asked = client.post("/admin/measures", data={"document": EXAMPLE.read_text("utf-8"),
                                                      "action": "publish", "csrf_token": "test-csrf-token"},
                            follow_redirects=False)
        assert asked.status_code == 303, asked.text[:500]
        preview = asked.headers["location"]
        assert measure_previews(db) == 1  # the worker's job: what the publish would change today
        shown = client.get(preview).text
        expected = [r for r in count_affected(db, on, [*stored_measures(db), *parse_measures(
            json.loads(EXAMPLE.read_text("utf-8")), "measure")]) if r.measure_ref == "EXAMPLE-NEXT-EMERGENCY@1"]
        assert f'data-total="{sum(r.records for r in expected)}"' in shown and expected
        published = client.post(preview + "/publish", data={"csrf_token": "test-csrf-token"})
        assert published.status_code == 200, published.text[:500]
        assert asked_counts(db) >= 1      # the worker's job: the count the publish queued for today

        supervisor = make_user(Role.supervisor)
        sign_in(client, supervisor)
        page = client.get("/measures")
        assert page.status_code == 200 and 'id="counted-at"' in page.text
        row = page.text.split('data-measure="EXAMPLE-NEXT-EMERGENCY@1"')[1].split("</tr>")[0]
        total = int(row.split('data-total="')[1].split('"')[0])
        assert total == sum(r.records for r in count_affected(db, on) if r.measure_ref == "EXAMPLE-NEXT-EMERGENCY@1")
        assert total > 0
    finally:
        set_clock(before_clock)
