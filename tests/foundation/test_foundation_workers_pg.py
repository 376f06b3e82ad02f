"""On PostgreSQL several workers share the outbox: each message is claimed and delivered exactly once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from jiaoguan.kit.outbox import OutboxMessage, enqueue
from jiaoguan.notify.delivery import deliver_due
from jiaoguan.notify.models import DevSms


@pytest.mark.postgres_only("FOR UPDATE SKIP LOCKED is the PostgreSQL path; SQLite has a single writer")
def test_two_workers_never_deliver_the_same_message_twice(engine: Engine) -> None:
    phones = [f"1370000{i:04d}" for i in range(200)]
    with Session(engine) as s, s.begin():
        ids = [m.id for p in phones if (m := enqueue(s, "sms", p, "signin_code", {"code": "x"})) is not None]
    sent: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while True:
                with Session(engine) as s, s.begin():
                    n = deliver_due(s, limit=7, cap_per_hour=100)
                sent.append(n)
                if n == 0:
                    return
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert sum(sent) == len(ids)
        with Session(engine) as s:
            delivered = select(func.count()).select_from(DevSms).where(DevSms.outbox_id.in_(ids))
            assert s.execute(delivered).scalar() == len(ids)
            attempts = s.execute(select(OutboxMessage.attempts).where(OutboxMessage.id.in_(ids))).scalars().all()
            assert set(attempts) == {1}
    finally:
        with Session(engine) as s, s.begin():
            s.execute(delete(DevSms).where(DevSms.outbox_id.in_(ids)))
            s.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
