"""The demo gives every business page something to show: applications in several states, one by proxy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.service import principal_by_username
from jiaoguan.business.models import BusinessApplication
from jiaoguan.demo import load_demo

ON = dt.date(2026, 11, 26)


def test_the_demo_loads_applications_in_several_states_and_every_page_shows_them(
        db: Session, as_user: Callable[..., object]) -> None:
    summary = load_demo(people=30, seed=5, session=db, on=ON)
    assert summary.counts["business_type"] == 34
    statuses = dict(db.execute(select(BusinessApplication.status, func.count())
                               .group_by(BusinessApplication.status)).all())
    assert statuses.get("submitted", 0) >= 1 and statuses.get("in_review", 0) == 1
    assert statuses.get("correction_requested", 0) == 1 and statuses.get("completed", 0) >= 1
    assert db.execute(select(func.count()).where(BusinessApplication.proxy_user_id.is_not(None))).scalar_one() == 1
    db.commit()
    pages = {"citizen": ["/business", "/business/licence_renewal", "/business/mine", "/business/proxies"],
             "seat": ["/business/inbox"], "supervisor": ["/business/board", "/business/inbox"],
             "admin": ["/business/admin/catalogue", "/business/admin/catalogue/licence_renewal"]}
    for username, paths in pages.items():
        user = principal_by_username(db, username)
        assert user is not None
        c = as_user(user)
        for path in paths:
            r = c.get(path)  # type: ignore[attr-defined]
            assert r.status_code == 200, (username, path)
    seat = as_user(principal_by_username(db, "seat"))
    items = seat.get("/api/v1/business/inbox").json()["items"]  # type: ignore[attr-defined]
    assert items and items[0]["emergency"] is True
    case = seat.get(f"/business/applications/{items[0]['id']}")  # type: ignore[attr-defined]
    assert case.status_code == 200 and 'id="history"' in case.text
