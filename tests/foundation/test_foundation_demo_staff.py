"""The demo shows the clerk's job (issue 9.8): the demo haulier is in the province of the demo's staff, so the
window clerk sees and schedules the door-to-door request its agent sends, and the issuer reviews its passes."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.service import principal_by_username
from jiaoguan.demo import load_demo
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.passes.service import enterprise_active_plates

TOKEN = {"csrf_token": "test-csrf-token"}


def test_the_demo_clerk_sees_and_schedules_the_demo_firms_door_to_door_request(client, sign_in, db: Session) -> None:
    before = get_clock()
    set_clock(FixedClock(dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)))
    try:
        load_demo(people=0, seed=5, session=db, on=dt.date(2026, 11, 28))
        db.commit()
        agent, clerk, issuer = (principal_by_username(db, n) for n in ("agent", "clerk", "issuer"))
        assert agent is not None and clerk is not None and issuer is not None
        assert agent.province_code == clerk.province_code == issuer.province_code
        users = {u.username: u for u in db.scalars(select(User))}
        plates = enterprise_active_plates(db, agent.enterprise_id or 0)
        assert plates, "the demo firm holds active passes"

        client.cookies.set("jg_csrf", "test-csrf-token")
        sign_in(client, users["agent"])
        sent = client.post("/business/service-requests", data={
            "kind": "door_to_door", "plates": plates[0], "business": "年检和换证",
            "address": "北京市朝阳区东三环北路1号", "contact_phone": "13800138000"} | TOKEN, follow_redirects=False)
        assert sent.status_code == 303, sent.text[:400]

        # The clerk works it from the business inbox (特事特办, after the emergencies), where the requests moved.
        sign_in(client, users["clerk"])
        inbox = client.get("/business/inbox").text
        assert "北京顺达物流有限公司" in inbox
        request_id = re.search(r"/business/service-requests/(\d+)", inbox).group(1)  # type: ignore[union-attr]
        assert plates[0] in client.get(f"/business/service-requests/{request_id}").text
        scheduled = client.post(f"/business/service-requests/{request_id}/schedule", follow_redirects=False,
                                data={"when": "2026-12-01T10:00", "note": "上午十点上门"} | TOKEN)
        assert scheduled.status_code == 303
        assert "2026-12-01 10:00" in client.get("/business/inbox").text
    finally:
        set_clock(before)
