"""The inbox pages by keyset (issue 11.12): page after page, in calling order, every open case once, through the
JSON API's `next` and the page's "Next page" link; a malformed cursor is the first page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.business import inbox, service
from tests.business_db.conftest import FRIDAY
from tests.factories import business as f


@pytest.fixture()
def cases(db: Session, citizen: f.Citizen, seat: Principal) -> list[int]:
    """Seven open cases: two urgent (one of them accepted), then two accepted (due days) and three not yet (none).
    Seven people: one may hold one open application of a business (business.already_open)."""
    people = [citizen.user] + [f.citizen(db, expiry=FRIDAY.date() + dt.timedelta(days=40)).user for _ in range(6)]
    made = [f.application(db, who, emergency=i < 2, emergency_reason="送医途中" if i < 2 else "")
            for i, who in enumerate(people)]
    for app in made[1:4]:
        service.act(db, seat, app.id, "accept", expected_version=app.version)
    db.commit()
    return [a.id for a in made]


def test_the_api_pages_through_every_open_case_once_in_calling_order(
        db: Session, as_user: Callable[..., object], seat: Principal, cases: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client = as_user(seat)
    whole = client.get("/api/v1/business/inbox").json()  # type: ignore[attr-defined]
    assert whole["next"] is None and sorted(i["id"] for i in whole["items"]) == sorted(cases)
    monkeypatch.setattr(inbox, "PAGE", 3)
    seen: list[int] = []
    after = ""
    for _ in range(5):
        page = client.get(f"/api/v1/business/inbox?after={after}").json()  # type: ignore[attr-defined]
        assert len(page["items"]) <= 3
        seen += [i["id"] for i in page["items"]]
        if page["next"] is None:
            break
        after = page["next"]
    assert seen == [i["id"] for i in whole["items"]]
    urgent_first = [i["priority"] for i in whole["items"]]
    assert urgent_first == sorted(urgent_first) and urgent_first[:2] == [0, 0]
    accepted = [i for i in whole["items"] if i["priority"] == 2]
    assert [i["sla_due"] is None for i in accepted] == [False, False, True, True, True]  # due days first, then none
    assert client.get("/api/v1/business/inbox?after=x").status_code == 422  # type: ignore[attr-defined]
    no_day = client.get("/api/v1/business/inbox?after=2.2026-13-01.5").json()  # type: ignore[attr-defined]
    assert [i["id"] for i in no_day["items"]] == seen[:3]  # not a day: the first page


def test_the_page_links_to_the_next_page_keeping_the_filters(
        db: Session, as_user: Callable[..., object], seat: Principal, cases: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox, "PAGE", 4)
    client = as_user(seat)
    first = client.get("/business/inbox?scope=all")  # type: ignore[attr-defined]
    on_first = re.findall(r'data-application="(\d+)"', first.text)
    link = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert len(on_first) == 4 and link is not None and "scope=all" in link.group(1)
    second = client.get(link.group(1).replace("&amp;", "&"))  # type: ignore[attr-defined]
    on_second = re.findall(r'data-application="(\d+)"', second.text)
    assert sorted(int(i) for i in on_first + on_second) == sorted(cases) and 'rel="next"' not in second.text
    assert "First page" in second.text or "第一页" in second.text
    garbled = client.get("/business/inbox?after=not-a-cursor")  # type: ignore[attr-defined]
    assert re.findall(r'data-application="(\d+)"', garbled.text) == on_first


def _counted(db: Session, user: Principal, scope: str) -> dict[str, int]:
    """The tabs' numbers the slow way: every open case this user can see, counted one by one."""
    from sqlalchemy import func, select

    from jiaoguan.business.models import BusinessApplication

    found: dict[str, int] = {}
    for part in inbox._parts(user, scope):
        rows = db.execute(select(BusinessApplication.status, func.count()).where(
            *part, BusinessApplication.status.in_(inbox.WORKED)).group_by(BusinessApplication.status)).all()
        for status, n in rows:
            found[status] = found.get(status, 0) + n
    return found


def test_the_maintained_counts_follow_every_change_and_survive_the_fold(
        db: Session, as_user: Callable[..., object], citizen: f.Citizen, seat: Principal, supervisor: Principal,
        cases: list[int]) -> None:
    from jiaoguan.accounts.roles import Role
    from jiaoguan.business.models import BusinessInboxCount

    other = f.staff(db, Role.online_seat)
    service.claim(db, other, cases[5])
    service.reassign(db, supervisor, cases[1], other)
    service.act(db, seat, cases[2], "request_correction", expected_version=None, note="照片不清")
    service.act(db, seat, cases[3], "reject", expected_version=None, note="不符合条件")
    service.withdraw(db, citizen.user, cases[0], expected_version=None)  # the fixture's citizen made the first
    f.application(db, citizen.user, submit=False)  # a draft: nobody's inbox
    db.commit()
    for user in (seat, other, supervisor):
        for scope in ("all", "mine", "unassigned"):
            assert inbox.counts(db, user, scope) == _counted(db, user, scope), (user.username, scope)
    deltas = db.query(BusinessInboxCount).count()
    assert inbox.compact_counts(db) == deltas
    db.commit()
    assert db.query(BusinessInboxCount).count() < deltas
    for user in (seat, other, supervisor):
        assert inbox.counts(db, user, "all") == _counted(db, user, "all")
    tabs = as_user(seat).get("/api/v1/business/inbox").json()["counts"]  # type: ignore[attr-defined]
    assert tabs == _counted(db, seat, "all") and sum(tabs.values()) > 0
