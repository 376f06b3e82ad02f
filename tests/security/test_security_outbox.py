"""Floods do not block delivery (issue 10.3): the per-phone SMS cap is counted in the database across workers,
a capped phone's messages wait for its hour's end instead of being scanned again, sign-in codes go first, and a
superseded code is never sent."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import unit_of_work
from jiaoguan.kit.outbox import OutboxMessage, enqueue
from jiaoguan.notify.delivery import deliver_due
from jiaoguan.notify.models import DevSms
from tests.security.conftest import Live

FLOODED = ("13900000001", "13900000002")
REMINDER = ("deadline_reminder", {"what_msgid": "driving licence", "due": "2026-12-01", "days": 3})


def _flood(per_phone: int, unrelated: int) -> None:
    with unit_of_work() as s:
        for phone in FLOODED:
            for _ in range(per_phone):
                enqueue(s, "sms", phone, *REMINDER)
        for i in range(unrelated):
            enqueue(s, "sms", f"1360000{i:04d}", *REMINDER)


def _sms_to(phones: tuple[str, ...] | list[str]) -> int:
    with unit_of_work() as s:
        return s.execute(select(func.count()).select_from(DevSms).where(DevSms.phone.in_(phones))).scalar_one()


def _deliver(limit: int = 100, cap: int = 5) -> int:
    with unit_of_work() as s:
        return deliver_due(s, limit=limit, cap_per_hour=cap)


def test_a_flood_to_two_phones_leaves_the_queue_in_one_batch_each(installations) -> None:
    installations()
    _flood(per_phone=1500, unrelated=50)
    batches = 0
    while _sms_to([f"1360000{i:04d}" for i in range(50)]) < 50:
        _deliver()
        batches += 1
        assert batches <= 5, "unrelated messages still wait behind the flood"
    with unit_of_work() as s:
        due = s.execute(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utc_now()))
        waiting = s.execute(select(func.min(OutboxMessage.next_attempt_at))
                            .where(OutboxMessage.status == "pending")).scalar_one()
        due_now = due.scalar_one()
    print(f"\noutbox flood: 2 x 1500 SMS to two phones + 50 others -> the others delivered after {batches} batches "
          f"of 100; rows still due: {due_now}; SMS to the flooded phones: {_sms_to(FLOODED)}")
    assert due_now == 0 and waiting > utc_now() + dt.timedelta(minutes=55)  # held to the hour's end, not rescanned
    assert _sms_to(FLOODED) == 2 * 5
    assert _deliver() == 0


def test_two_workers_share_one_cap_per_phone(installations) -> None:
    inst = installations()
    if not inst.url.startswith("postgresql"):
        pytest.skip("several workers at once is the PostgreSQL deployment (SQLite has one writer)")
    _flood(per_phone=40, unrelated=0)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(10):
                _deliver(limit=3)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    print(f"\nSMS cap across two workers: sent to each phone {[_sms_to((p,)) for p in FLOODED]} (cap 5)")
    assert errors == [] and [_sms_to((p,)) for p in FLOODED] == [5, 5]


def test_a_sign_in_code_is_delivered_ahead_of_bulk_reminders_and_past_the_cap(live: Live) -> None:
    live.user("cit", phone=FLOODED[0])
    _flood(per_phone=300, unrelated=300)
    assert live.client().post("/signin/sms/request", data={"phone": FLOODED[0]}).status_code == 200
    _deliver(limit=10)  # one small batch, behind 900 older reminders, the phone long over its cap
    with unit_of_work() as s:
        bodies = s.execute(select(DevSms.body).where(DevSms.phone == FLOODED[0])).scalars().all()
    assert any("登录验证码" in b for b in bodies)


def test_a_superseded_code_is_never_sent(live: Live, monkeypatch) -> None:
    monkeypatch.setenv("JIAOGUAN_SMS_CODE_INTERVAL_SECONDS", "0")
    from jiaoguan.kit.settings import reset_settings

    reset_settings()
    live.user("cit", phone=FLOODED[0])
    c = live.client()
    for _ in range(3):
        assert c.post("/signin/sms/request", data={"phone": FLOODED[0]}).status_code == 200
    _deliver()
    assert _sms_to((FLOODED[0],)) == 1
