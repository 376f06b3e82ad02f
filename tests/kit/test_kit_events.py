"""Domain events through the outbox: written with the change, delivered at least once to each declared handler,
taken in once, retried with back-off when a handler fails, and shown to the admin when they die."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.kit import events, rooms
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.kit.rooms import Handler, Room

TAKEN: list[tuple[str, int]] = []
FAILURES = {"left": 0}


def remember(session: Session, event: events.Event) -> None:
    TAKEN.append((event.name, event.payload["n"]))


def flaky(session: Session, event: events.Event) -> None:
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError("the hall display is offline")
    TAKEN.append(("flaky", event.payload["n"]))


LISTENER = Room(name="listener", handlers=(
    Handler("thing.done", "listener.remember", f"{__name__}:remember"),
    Handler("thing.done", "listener.flaky", f"{__name__}:flaky"),
))


@pytest.fixture()
def listener(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    TAKEN.clear()
    FAILURES["left"] = 0
    monkeypatch.setattr(rooms, "all_handlers",
                        lambda event=None: [h for h in LISTENER.handlers if event is None or h.event == event])
    previous = get_clock()
    set_clock(FixedClock(dt.datetime(2022, 4, 29, 8, 0, tzinfo=dt.UTC)))
    yield
    set_clock(previous)


def _rows(db: Session) -> list[OutboxMessage]:
    return list(db.execute(select(OutboxMessage).where(OutboxMessage.channel == "event")
                           .order_by(OutboxMessage.id)).scalars())


def test_an_event_is_one_outbox_row_per_declared_handler(db: Session, listener: None) -> None:
    events.emit(db, "thing.done", {"n": 1})
    events.emit(db, "nobody.listens", {"n": 2})
    assert [(r.recipient, r.template, r.status) for r in _rows(db)] == [
        ("listener.remember", "thing.done", "pending"), ("listener.flaky", "thing.done", "pending")]


def test_an_event_of_a_rolled_back_change_never_exists(db: Session, listener: None) -> None:
    with pytest.raises(RuntimeError), db.begin_nested():
        events.emit(db, "thing.done", {"n": 1})
        raise RuntimeError("the change failed")
    assert _rows(db) == []


def test_each_handler_takes_its_event_once_even_when_delivered_again(db: Session, listener: None) -> None:
    events.emit(db, "thing.done", {"n": 3})
    assert events.dispatch_due(db) == 2
    for row in _rows(db):          # as if a worker died after the handler ran but before marking it sent
        row.status = "pending"
    db.flush()
    assert events.dispatch_due(db) == 2
    assert sorted(TAKEN) == [("flaky", 3), ("thing.done", 3)]


def test_a_failing_handler_is_retried_with_back_off_and_does_not_hold_up_the_others(db: Session,
                                                                                    listener: None) -> None:
    FAILURES["left"] = 1
    events.emit(db, "thing.done", {"n": 4})
    assert events.dispatch_due(db) == 1
    flaky_row = next(r for r in _rows(db) if r.recipient == "listener.flaky")
    assert (flaky_row.status, flaky_row.attempts) == ("pending", 1)
    assert "hall display is offline" in (flaky_row.last_error or "")
    assert events.dispatch_due(db) == 0                     # not due yet
    set_clock(FixedClock(dt.datetime(2022, 4, 29, 8, 1, tzinfo=dt.UTC)))
    assert events.dispatch_due(db) == 1
    assert sorted(TAKEN) == [("flaky", 4), ("thing.done", 4)]


def test_a_handler_that_keeps_failing_goes_dead_and_the_admin_can_retry_it(db: Session, listener: None, client,
                                                                           make_user, sign_in) -> None:
    FAILURES["left"] = 10**6
    events.emit(db, "thing.done", {"n": 5})
    for minute in range(0, 24 * 60, 30):
        set_clock(FixedClock(dt.datetime(2022, 4, 29, 8, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)))
        events.dispatch_due(db)
    flaky_row = next(r for r in _rows(db) if r.recipient == "listener.flaky")
    assert (flaky_row.status, flaky_row.attempts) == ("dead", events.MAX_ATTEMPTS)
    db.commit()
    sign_in(client, make_user("admin"))
    page = client.get("/admin/outbox")
    assert page.status_code == 200 and "listener.flaky" in page.text and "hall display is offline" in page.text
    FAILURES["left"] = 0
    assert client.post(f"/admin/outbox/{flaky_row.id}/retry", follow_redirects=False).status_code == 303
    assert events.dispatch_due(db) == 1
    assert ("flaky", 5) in TAKEN


def test_an_event_no_installed_room_handles_any_more_goes_dead_with_a_reason(db: Session, listener: None,
                                                                            monkeypatch) -> None:
    events.emit(db, "thing.done", {"n": 6})
    monkeypatch.setattr(rooms, "all_handlers", lambda event=None: [])
    events.dispatch_due(db)
    assert {r.status for r in _rows(db)} == {"dead"}
    assert all("no installed room handles" in (r.last_error or "") for r in _rows(db))


def test_a_revoked_pass_is_counted_by_the_figures_room(db: Session) -> None:
    from jiaoguan.stats.counters import value

    events.emit(db, "pass.revoked", {"pass_no": "310000000001", "province_code": "31"})
    assert events.dispatch_due(db) >= 1
    assert db.execute(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.channel == "event", OutboxMessage.status == "sent")).scalar() == 1
    from jiaoguan.kit.clock import today

    assert value(db, "passes.revoked", "31", today()) == 1


def test_an_in_app_message_is_read_in_the_readers_language(db: Session, client, make_user, sign_in) -> None:
    from jiaoguan.kit.outbox import enqueue
    from jiaoguan.notify.delivery import deliver_due

    agent = make_user("enterprise_agent")
    enqueue(db, "inapp", str(agent.id), "pass_issued", {"pass_no": "310000000001", "plate": "沪D10001",
                                                        "start": "2022-04-29", "end": "2022-05-08"})
    assert deliver_due(db) == 1
    db.commit()
    sign_in(client, agent)
    zh = client.get("/my/messages")
    assert zh.status_code == 200 and "通行证已核发" in zh.text and "310000000001" in zh.text
    client.cookies.set("jg_lang", "en")
    en = client.get("/my/messages")
    assert "Pass issued" in en.text and "has been issued" in en.text
