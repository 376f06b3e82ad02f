"""The audit chain detects edits and deletions; the outbox delivers once, retries, and caps SMS."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from jiaoguan.kit import audit
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.kit.context import Actor, set_actor
from jiaoguan.kit.outbox import OutboxMessage, enqueue
from jiaoguan.notify.delivery import deliver_due
from jiaoguan.notify.models import DevSms


def _drop_append_only_guard(db: Session) -> None:
    # Only inside the test's transaction, which is rolled back afterwards (DDL is transactional on both engines).
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("DROP TRIGGER audit_record_no_change ON audit_record"))
    else:
        db.execute(text("DROP TRIGGER audit_record_no_update"))
        db.execute(text("DROP TRIGGER audit_record_no_delete"))


def test_audit_records_form_an_intact_chain(db: Session) -> None:
    for i in range(5):
        audit.record(db, "thing.change", "thing", i, f"change {i}")
    checked, problems = audit.verify_chain(db)
    assert checked >= 5 and problems == []


def test_audit_summaries_never_hold_a_full_id_number(db: Session) -> None:
    set_actor(Actor(None, "window_clerk", "clerk"))
    rec = audit.record(db, "person.view", "person", "11010519491231002X", "looked up 11010519491231002X")
    assert "11010519491231002X" not in rec.summary and "110105********002X" in rec.summary
    assert rec.object_id == "110105********002X"


def test_the_database_refuses_to_change_an_audit_record(db: Session) -> None:
    rec = audit.record(db, "thing.change", "thing", 1, "original")
    db.commit()
    with pytest.raises(DBAPIError), db.begin_nested():
        db.execute(text("UPDATE audit_record SET summary = 'forged' WHERE id = :id"), {"id": rec.id})


def test_an_edited_audit_record_is_reported(db: Session) -> None:
    recs = [audit.record(db, "thing.change", "thing", i, f"change {i}") for i in range(3)]
    _drop_append_only_guard(db)
    db.execute(text("UPDATE audit_record SET summary = 'forged' WHERE id = :id"), {"id": recs[1].id})
    db.expire_all()
    _, problems = audit.verify_chain(db)
    assert (recs[1].id, "edited") in {(p.record_id, p.problem) for p in problems}


def test_a_deleted_audit_record_is_reported(db: Session) -> None:
    recs = [audit.record(db, "thing.change", "thing", i, f"change {i}") for i in range(3)]
    _drop_append_only_guard(db)
    db.execute(text("DELETE FROM audit_record WHERE id = :id"), {"id": recs[1].id})
    db.expire_all()
    _, problems = audit.verify_chain(db)
    assert (recs[2].id, "missing_before") in {(p.record_id, p.problem) for p in problems}


def test_an_outbox_message_is_delivered_exactly_once(db: Session) -> None:
    enqueue(db, "sms", "13900000001", "signin_code", {"code": "hello"})
    assert deliver_due(db) == 1
    assert deliver_due(db) == 0
    assert len(db.execute(select(DevSms).where(DevSms.phone == "13900000001")).scalars().all()) == 1


def test_the_same_dedupe_key_is_enqueued_once(db: Session) -> None:
    first = enqueue(db, "sms", "13900000002", "signin_code", {"code": "a"}, dedupe_key="reminder:1:30")
    second = enqueue(db, "sms", "13900000002", "signin_code", {"code": "a"}, dedupe_key="reminder:1:30")
    assert first is not None and second is None


def test_a_failing_delivery_is_retried_later_and_not_lost(db: Session) -> None:
    msg = enqueue(db, "inapp", "not-a-user-id", "signin_code", {"code": "x"})
    assert msg is not None
    assert deliver_due(db) == 0
    db.refresh(msg)
    assert msg.status == "pending" and msg.attempts == 1 and msg.last_error
    assert msg.next_attempt_at > get_clock().now()


def test_sms_to_one_recipient_are_capped_per_hour_and_held_not_dropped(db: Session) -> None:
    old = get_clock()
    set_clock(FixedClock(dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)))
    try:
        for i in range(7):
            enqueue(db, "sms", "13900000003", "signin_code", {"code": str(i)})
        assert deliver_due(db, cap_per_hour=5) == 5
        held = db.execute(select(OutboxMessage).where(OutboxMessage.recipient == "13900000003",
                                                      OutboxMessage.status == "pending")).scalars().all()
        assert len(held) == 2
        set_clock(FixedClock(dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)))
        assert deliver_due(db, cap_per_hour=5) == 2
    finally:
        set_clock(old)
