"""The administrator's working-day calendar page (issue 9.8): 2027's holidays entered one by one and as a pasted
notice, wrong lines refused all at once with their line numbers, a day removed — and the calendar the product
counts with changes accordingly; every change is audited with the admin as its actor."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.calendar_service import load_calendar

TOKEN = {"csrf_token": "test-csrf-token"}
NOTICE_2027 = """date,kind,name
2027-02-06..2027-02-12, 休, 春节
2027-01-31，班，春节
2027-02-20\tworking\t春节
"""


def _admin_client(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    admin = make_user(Role.admin)
    client.cookies.set("jg_csrf", "test-csrf-token")
    sign_in(client, admin)
    return admin


def test_an_admin_enters_2027_from_the_page_and_the_calendar_follows(client, make_user, sign_in,
                                                                      db: Session) -> None:
    admin = _admin_client(client, make_user, sign_in)
    page = client.get("/admin/calendar", params={"year": "2027"})
    assert page.status_code == 200 and 'data-published="no" data-overrides="0"' in page.text

    one = client.post("/admin/calendar", data={"day": "2027-10-01", "kind": "rest", "name": "国庆节"} | TOKEN,
                      follow_redirects=False)
    assert one.status_code == 303
    pasted = client.post("/admin/calendar/lines", data={"lines": NOTICE_2027, "year": "2027"} | TOKEN)
    assert pasted.status_code == 200 and 'data-overrides="10"' in pasted.text
    assert 'data-day="2027-01-31" data-kind="working"' in pasted.text

    db.expire_all()
    cal = load_calendar(db)
    assert cal.is_known(2027)
    assert not cal.is_working_day(dt.date(2027, 2, 8)) and not cal.is_working_day(dt.date(2027, 10, 1))
    assert cal.is_working_day(dt.date(2027, 1, 31))        # a Sunday worked (调休)
    assert cal.holiday_name(dt.date(2027, 2, 10)) == "春节"

    removed = client.post("/admin/calendar/2027-10-01/remove", data=TOKEN)
    assert removed.status_code == 200 and 'data-day="2027-10-01"' not in removed.text
    db.expire_all()
    assert load_calendar(db).is_working_day(dt.date(2027, 10, 1))   # a Friday, Monday–Friday again

    actions = db.execute(select(AuditRecord.action, AuditRecord.actor_id, AuditRecord.object_id)
                         .where(AuditRecord.object_type == "calendar_day")).all()
    assert {a.actor_id for a in actions} == {admin.id}
    assert sum(a.action == "calendar.override" for a in actions) == 10
    assert [a.object_id for a in actions if a.action == "calendar.override_removed"] == ["2027-10-01"]


def test_wrong_lines_are_listed_with_their_numbers_and_nothing_is_saved(client, make_user, sign_in,
                                                                        db: Session) -> None:
    _admin_client(client, make_user, sign_in)
    lines = "2027-02-06, 休, 春节\n2027-02-30, 休, 春节\n2027-03-01, maybe\n2027-02-06, 班\n2027-05-05..2027-05-01 休"
    answer = client.post("/admin/calendar/lines", data={"lines": lines, "year": "2027"} | TOKEN)
    assert answer.status_code == 422
    problems = answer.text.split('id="calendar-problems"', 1)[1].split("</ul>", 1)[0]
    for line in ("2", "3", "4", "5"):
        assert f"第 {line} 行" in problems or f"Line {line}:" in problems
    assert "2027-02-30" in problems and "maybe" in problems
    assert "2027-02-06, 休, 春节" in answer.text        # what was typed stays in the box
    db.expire_all()
    assert not load_calendar(db).is_known(2027)

    bad_day = client.post("/admin/calendar", data={"day": "tomorrow", "kind": "rest"} | TOKEN)
    assert bad_day.status_code == 422 and 'id="calendar-error"' in bad_day.text
    long_name = client.post("/admin/calendar", data={"day": "2027-04-05", "kind": "rest", "name": "节" * 61} | TOKEN)
    assert long_name.status_code == 422
    nothing = client.post("/admin/calendar/2027-04-06/remove", data=TOKEN)
    assert nothing.status_code == 404


def test_the_calendar_page_is_the_admins_alone(client, make_user, sign_in) -> None:
    for role in (Role.supervisor, Role.window_clerk, Role.citizen):
        client.cookies.clear()
        client.cookies.set("jg_csrf", "test-csrf-token")
        sign_in(client, make_user(role))
        assert client.get("/admin/calendar").status_code == 403
        assert client.post("/admin/calendar", data={"day": "2027-10-01", "kind": "rest"} | TOKEN).status_code == 403
