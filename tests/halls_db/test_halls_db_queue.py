"""The on-site queue through its services: check-in limits, walk-ins by lane (a truck with an active pass
goes to the key-material lane), calling, transfer, no-show and requeue, emergency tickets, waits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls import booking, queue
from jiaoguan.halls.errors import CheckInTooEarly, NothingToCall
from jiaoguan.halls.models import HallOffice, HallWindow, Slot
from jiaoguan.kit.clock import FixedClock
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.issuance.keystore import init_keys
from tests.factories import accounts, halls, registry
from tests.factories.passes import application, register

D = dt.date.fromisoformat


def _window(db: Session, hall: HallOffice, code: str) -> HallWindow:
    return db.execute(select(HallWindow).where(HallWindow.hall_office_id == hall.id, HallWindow.code == code)
                      ).scalar_one()


def _booked(db: Session, hall: HallOffice, person_id: int, at: int, actor: Principal) -> booking.BookingView:
    slot = db.execute(select(Slot).where(Slot.hall_office_id == hall.id, Slot.business_group == "vehicle",
                                         Slot.day == D("2022-05-09"), Slot.start_min == at)).scalar_one()
    return booking.book(db, slot_id=slot.id, person_id=person_id, actor=actor, idempotency_key=f"q{person_id}")


def test_check_in_opens_early_and_a_late_arrival_joins_the_walk_ins(
        db: Session, hall: HallOffice, clock: FixedClock, principal: Callable[..., Principal]) -> None:
    agent = principal("hotline_agent")
    on_time, late = halls.people(db, 2)
    a = _booked(db, hall, on_time.id, 600, agent)  # 10:00
    b = _booked(db, hall, late.id, 540, agent)     # 09:00
    with pytest.raises(CheckInTooEarly):           # 08:00: opens at 09:30
        queue.check_in(db, code=a.checkin_code)
    clock.advance(dt.timedelta(minutes=95))        # 09:35
    ticket = queue.check_in(db, code=a.checkin_code)
    assert (ticket.number, ticket.kind, ticket.status) == ("A001", "appointment", "waiting")
    assert queue.check_in(db, code=a.checkin_code).id == ticket.id   # a second scan shows the same ticket
    walked = queue.check_in(db, code=b.checkin_code)                 # 35 minutes late, the limit is 15
    assert (walked.number, walked.kind) == ("A002", "walk_in")
    assert booking.get_booking(db, b.id).status == "checked_in"


def test_a_truck_with_an_active_pass_goes_to_the_key_material_lane(
        db: Session, hall: HallOffice, clock: FixedClock) -> None:
    firm = accounts.enterprise(db)
    agent = accounts.user(db, "enterprise_agent", enterprise_id=firm.id, province_code="31")
    issuer = accounts.user(db, "pass_issuer", province_code="31")
    init_keys(db, ["31"])
    register(db, firm.id, 7)
    from jiaoguan.accounts.service import principal_of

    form = dataclasses.replace(application(7), valid_from=D("2022-05-09"), valid_to=D("2022-05-18"))
    issued = apps.approve(db, apps.submit_application(db, principal_of(agent), form).id, principal_of(issuer))
    truck = queue.walk_in(db, office_id=hall.id, business_group="vehicle", plate_no=issued.plate_no)
    assert (truck.lane, truck.number, truck.reference) == ("key_material", "K001", issued.pass_no)
    by_firm = queue.walk_in(db, office_id=hall.id, business_group="vehicle", enterprise_id=firm.id)
    assert by_firm.lane == "key_material"
    plain = queue.walk_in(db, office_id=hall.id, business_group="vehicle", plate_no="京A12345")
    assert plain.lane == "normal"


def test_a_day_at_the_hall_calls_in_order(db: Session, hall: HallOffice, clock: FixedClock,
                                          principal: Callable[..., Principal]) -> None:
    agent = principal("hotline_agent")
    early_bird, elder = halls.people(db, 1)[0], registry.person(db, birth=D("1948-02-02"))
    clock.advance(dt.timedelta(minutes=60))                                   # 09:00
    walk1 = queue.walk_in(db, office_id=hall.id, business_group="vehicle")
    clock.advance(dt.timedelta(minutes=1))
    walk2 = queue.walk_in(db, office_id=hall.id, business_group="vehicle")
    appt = _booked(db, hall, early_bird.id, 630, agent)                      # 10:30
    old = queue.walk_in(db, office_id=hall.id, business_group="vehicle", person_id=elder.id)
    assert old.lane == "assisted"
    clock.advance(dt.timedelta(minutes=60))                                   # 10:01
    checked = queue.check_in(db, code=appt.checkin_code)
    ambulance = queue.issue_emergency_ticket(db, office_id=hall.id, actor=agent, reference="HL-2022-0001")
    assert ambulance.number == "E001"
    normal = _window(db, hall, "03")
    emergency = _window(db, hall, "01")
    assisted = _window(db, hall, "05")
    assert queue.call_next(db, emergency.id).id == ambulance.id
    assert queue.call_next(db, normal.id).id == walk1.id        # the appointment is not due till 10:25
    assert queue.call_next(db, assisted.id).id == old.id
    clock.advance(dt.timedelta(minutes=25))
    assert queue.call_next(db, _window(db, hall, "04").id).id == checked.id
    assert queue.ticket_view(db, queue.get_ticket(db, walk2.id)).ahead == 0
    assert queue.call_next(db, emergency.id).id == walk2.id     # an idle emergency window takes the others
    with pytest.raises(NothingToCall):
        queue.call_next(db, normal.id)


def test_serve_transfer_no_show_and_requeue(
        db: Session, hall: HallOffice, clock: FixedClock) -> None:
    clock.advance(dt.timedelta(minutes=60))
    first = queue.walk_in(db, office_id=hall.id, business_group="vehicle")
    second = queue.walk_in(db, office_id=hall.id, business_group="vehicle")
    w3, w4 = _window(db, hall, "03"), _window(db, hall, "04")
    called = queue.call_next(db, w3.id)
    assert called.id == first.id and called.window == "03"
    assert queue.recall(db, first.id).calls == 2
    moved = queue.transfer(db, first.id, w4.id)
    assert (moved.status, moved.window) == ("waiting", "04")
    assert queue.call_next(db, w3.id).id == second.id             # the transferred ticket waits for window 04
    assert queue.call_next(db, w4.id).id == first.id
    queue.start(db, first.id)
    clock.advance(dt.timedelta(minutes=7))
    done = queue.complete(db, first.id)
    assert done.status == "done"
    assert queue.mean_service_seconds(db, hall.id) == 420
    queue.no_show(db, second.id)
    back = queue.requeue(db, second.id)
    assert (back.status, back.kind) == ("waiting", "walk_in")
    board = queue.board(db, hall.id)
    assert [c.number for c in board.calls] == []   # nothing is being called any more
    assert board.waiting == {"normal": 1}


def test_numbers_count_per_lane(db: Session, hall: HallOffice, clock: FixedClock) -> None:
    numbers = [queue.walk_in(db, office_id=hall.id, business_group="licence").number for _ in range(3)]
    numbers.append(queue.walk_in(db, office_id=hall.id, business_group="licence", assisted=True).number)
    assert numbers == ["A001", "A002", "A003", "B001"]
