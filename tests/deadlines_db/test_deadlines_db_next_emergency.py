"""Done means: a supervisor loads a new measure from a file and sees its effect without a deploy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.sweep.run import affected_counts
from jiaoguan.demo import load_demo

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "measure_example_next_emergency.json"


def test_a_measure_published_on_the_admin_page_changes_todays_answers_and_counts(db, client, make_user,
                                                                                 sign_in) -> None:
    on = dt.date(2026, 11, 25)   # the example's window is fixed; the demo is built around the same day
    load_demo(people=0, seed=7, session=db, on=on)   # the featured records: deadlines in the coming weeks
    db.commit()
    before = affected_counts(db, on)
    assert "EXAMPLE-NEXT-EMERGENCY@1" not in before

    admin = make_user(Role.admin)
    sign_in(client, admin)
    published = client.post("/admin/measures", data={"document": EXAMPLE.read_text("utf-8"), "action": "publish",
                                                      "csrf_token": "test-csrf-token"}, follow_redirects=False)
    assert published.status_code in (200, 303), published.text[:500]

    after = affected_counts(db, on)
    touched = after.get("EXAMPLE-NEXT-EMERGENCY@1", {})
    assert sum(touched.values()) > 0, after

    supervisor = make_user(Role.supervisor)
    sign_in(client, supervisor)
    page = client.get("/measures")
    assert page.status_code == 200 and "EXAMPLE-NEXT-EMERGENCY" in page.text
