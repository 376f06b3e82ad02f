"""The outbox delivers once, retries, and caps SMS (the audit chain's tests are in tests/audit/)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.kit.outbox import OutboxMessage, enqueue
from jiaoguan.notify.delivery import deliver_due
from jiaoguan.notify.models import DevSms


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


def test_a_message_that_could_not_be_rendered_is_refused_when_written(db: Session) -> None:
    """Regression: the business room's `business_issued` asked for `%(delivery_msgid)s`, which `render` never fills
    (an `x_msgid` parameter fills `%(x)s`); every such message failed at delivery, retried and died."""
    import pytest

    with pytest.raises(ValueError, match="code"):
        enqueue(db, "sms", "13800138000", "signin_code", {})
    with pytest.raises(ValueError, match="declares"):
        enqueue(db, "sms", "13800138000", "no_such_template", {"code": "1"})
    assert enqueue(db, "sms", "13800138000", "signin_code", {"code": "123456"}) is not None
    # Every declared template's placeholders are ones a caller can fill.
    from jiaoguan.kit import rooms
    from jiaoguan.notify.templates import render

    for name, (title, body) in rooms.all_templates().items():
        import re

        names = set(re.findall(r"%\((\w+)\)", title + body))
        assert not {n for n in names if n.endswith("_msgid")}, f"{name}: use %(x)s for a parameter named x_msgid"
        render(name, {n: "x" for n in names}, "en")


def test_an_error_parameter_named_x_msgid_is_translated_with_the_error() -> None:
    from jiaoguan.hotline.emergency import CaseInvalid
    from jiaoguan.kit.i18n import N_

    text = CaseInvalid(field="unit_name", field_msgid=N_("Transport passes")).text("zh_Hans")
    assert "Transport passes" not in text and "通行证" in text
