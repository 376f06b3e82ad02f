"""The admin's audit page (issue 9.1): filters by actor, action, object and date, actions and roles named in the
page's language."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.kit import audit
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.kit.context import SYSTEM, Actor, set_actor
from jiaoguan.kit.i18n import translate


def _record(db: Session, action: str, object_type: str, object_id: str, actor: tuple[int, str, str],
            at: dt.datetime) -> None:
    previous = get_clock()
    set_actor(Actor(*actor))
    set_clock(FixedClock(at))
    try:
        audit.record(db, action, object_type, object_id, f"{action} of {object_id}")
    finally:
        set_clock(previous)
        set_actor(SYSTEM)


def _ids(html: str) -> list[str]:
    return [chunk.split('"', 1)[0] for chunk in html.split('data-action="')[1:]]


def test_the_audit_page_filters_by_actor_action_object_and_date(client, make_user, sign_in, db: Session) -> None:
    admin = make_user(Role.admin)
    day = dt.datetime(2022, 4, 29, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
    _record(db, "pass.issue", "transport_pass", "310000000001", (7, "pass_issuer", "张敏"), day)
    _record(db, "registry.view", "person", "42", (8, "window_clerk", "李娜"), day + dt.timedelta(days=1))
    _record(db, "registry.search", "person", "43", (8, "window_clerk", "李娜"), day + dt.timedelta(days=2))
    db.commit()
    sign_in(client, admin)

    by_actor = client.get("/admin/audit", params={"actor": "李娜"}).text
    assert set(_ids(by_actor)) == {"registry.view", "registry.search"}
    assert "登录" not in by_actor.split('id="audit-records"', 1)[1]
    assert set(_ids(client.get("/admin/audit", params={"actor": "pass_issuer"}).text)) == {"pass.issue"}
    assert _ids(client.get("/admin/audit", params={"action": "registry.view"}).text) == ["registry.view"]
    assert _ids(client.get("/admin/audit", params={"object": "transport_pass 310000000001"}).text) == ["pass.issue"]
    assert _ids(client.get("/admin/audit", params={"object": "person 43"}).text) == ["registry.search"]
    one_day = client.get("/admin/audit", params={"from": "2022-04-30", "to": "2022-04-30"}).text
    assert _ids(one_day) == ["registry.view"]
    assert 'id="audit-none"' in client.get("/admin/audit", params={"actor": "nobody-at-all"}).text


def test_the_audit_page_names_actions_and_roles_in_the_pages_language(client, make_user, sign_in,
                                                                         db: Session) -> None:
    admin = make_user(Role.admin)
    _record(db, "pass.issue", "transport_pass", "310000000001", (7, "pass_issuer", "张敏"),
            dt.datetime(2022, 4, 29, 2, 0, tzinfo=dt.UTC))
    db.commit()
    sign_in(client, admin)
    zh = client.get("/admin/audit", params={"action": "pass.issue"}).text
    cell = zh.split('<td class="action-name">', 1)[1].split("</td>", 1)[0]
    assert cell == translate("Pass issued", "zh_Hans") and "通行证" in cell
    client.cookies.set("jg_lang", "en")
    en = client.get("/admin/audit", params={"action": "pass.issue"}).text
    assert '<td class="action-name">Pass issued</td>' in en


def test_the_action_filter_lists_every_recorded_action_once_also_one_it_has_no_name_for(
        client, make_user, sign_in, db: Session) -> None:
    """The filter's list walks the action index from one recorded action to the next (no scan of the trail)."""
    from sqlalchemy import func, select

    from jiaoguan.kit.audit import AuditRecord
    from jiaoguan.web.audit_view import ACTIONS, known_actions

    day = dt.datetime(2022, 4, 29, 2, 0, tzinfo=dt.UTC)
    for action in ("zz.legacy_action", "aa.older_action", "zz.legacy_action", "registry.view"):
        _record(db, action, "person", "1", (9, "window_clerk", "李娜"), day)
    db.flush()
    recorded = set(db.execute(select(AuditRecord.action).group_by(AuditRecord.action)).scalars())
    listed = known_actions(db)
    assert listed == sorted(set(ACTIONS) | recorded)
    assert {"zz.legacy_action", "aa.older_action"} <= set(listed) and len(listed) == len(set(listed))
    assert db.execute(select(func.count(func.distinct(AuditRecord.action)))).scalar_one() == len(recorded)
    sign_in(client, make_user(Role.admin))
    assert 'value="zz.legacy_action"' in client.get("/admin/audit").text
