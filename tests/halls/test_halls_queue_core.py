"""Properties of the calling order (the pure queue core)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.halls.queue_core import (
    APPOINTMENT,
    ASSISTED,
    EMERGENCY,
    KEY_MATERIAL,
    NORMAL,
    WALK_IN,
    QTicket,
    QWindow,
    calling_order,
    estimated_wait,
    may_serve,
    next_ticket,
    position,
)

NOW = dt.datetime(2022, 5, 9, 2, 0, tzinfo=dt.UTC)
GROUPS = ("vehicle", "licence", "violation")
LANES = (NORMAL, EMERGENCY, KEY_MATERIAL, ASSISTED)


@st.composite
def tickets(draw: st.DrawFn) -> list[QTicket]:
    n = draw(st.integers(0, 25))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from((APPOINTMENT, WALK_IN)))
        issued = NOW - dt.timedelta(minutes=draw(st.integers(0, 240)))
        appt = NOW + dt.timedelta(minutes=draw(st.integers(-60, 60))) if kind == APPOINTMENT else None
        for_window = draw(st.one_of(st.none(), st.integers(1, 4))) if draw(st.integers(0, 9)) == 0 else None
        out.append(QTicket(i + 1, draw(st.sampled_from(LANES)), kind, draw(st.sampled_from(GROUPS)), issued, appt,
                           for_window))
    return out


windows = st.builds(QWindow, st.integers(1, 4), st.sampled_from(LANES),
                    st.frozensets(st.sampled_from(GROUPS), min_size=1))
open_lanes = st.frozensets(st.sampled_from(LANES))


@given(windows, tickets(), open_lanes)
def test_the_called_ticket_is_one_the_window_may_serve(
        w: QWindow, waiting: list[QTicket], lanes: frozenset[str]) -> None:
    called = next_ticket(w, waiting, NOW, lanes)
    eligible = [t for t in waiting if may_serve(w, t, lanes)]
    assert (called is None) == (not eligible)
    if called is not None:
        assert called in eligible


@given(windows, tickets(), open_lanes)
def test_emergency_goes_before_everything_but_a_transfer_to_this_window(
        w: QWindow, waiting: list[QTicket], lanes: frozenset[str]) -> None:
    called = next_ticket(w, waiting, NOW, lanes)
    eligible = [t for t in waiting if may_serve(w, t, lanes)]
    if called is not None and any(t.lane == EMERGENCY for t in eligible):
        assert called.lane == EMERGENCY or called.for_window == w.id


@given(windows, tickets(), open_lanes)
def test_key_material_goes_before_appointments_and_walk_ins(
        w: QWindow, waiting: list[QTicket], lanes: frozenset[str]) -> None:
    order = calling_order(w, waiting, NOW, lanes)
    plain = [t for t in order if t.for_window is None]
    seen_other = False
    for t in plain:
        if t.lane in (NORMAL,) or (t.lane == ASSISTED and w.lane != ASSISTED):
            seen_other = True
        if t.lane in (EMERGENCY, KEY_MATERIAL):
            assert not seen_other


@given(windows, tickets(), open_lanes)
def test_walk_ins_are_called_longest_wait_first_and_after_due_appointments(
        w: QWindow, waiting: list[QTicket], lanes: frozenset[str]) -> None:
    order = [t for t in calling_order(w, waiting, NOW, lanes) if t.for_window is None and t.lane == NORMAL]
    walk_ins = [t for t in order if t.kind == WALK_IN]
    assert [t.issued_at for t in walk_ins] == sorted(t.issued_at for t in walk_ins)
    due = [i for i, t in enumerate(order) if t.kind == APPOINTMENT and t.appointment_at is not None
           and t.appointment_at <= NOW + dt.timedelta(minutes=5)]
    first_walk_in = next((i for i, t in enumerate(order) if t.kind == WALK_IN), len(order))
    assert all(i < first_walk_in for i in due)


@given(windows, tickets())
def test_an_assisted_ticket_waits_for_an_assisted_window_while_one_is_open(w: QWindow, waiting: list[QTicket]) -> None:
    lanes = frozenset({ASSISTED, NORMAL, EMERGENCY})
    called = next_ticket(w, waiting, NOW, lanes)
    if called is not None and called.lane == ASSISTED and called.for_window is None:
        assert w.lane == ASSISTED


@given(windows, tickets(), open_lanes, st.randoms())
def test_the_order_does_not_depend_on_how_the_tickets_were_listed(
        w: QWindow, waiting: list[QTicket], lanes: frozenset[str], rnd: object) -> None:
    shuffled = list(waiting)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert calling_order(w, waiting, NOW, lanes) == calling_order(w, shuffled, NOW, lanes)


def test_a_day_at_the_hall() -> None:
    """An ambulance crew, a truck driver with a pass, an appointment due, an early one, two walk-ins."""
    t = lambda i, lane, kind, mins, appt=None: QTicket(  # noqa: E731
        i, lane, kind, "vehicle", NOW - dt.timedelta(minutes=mins),
        None if appt is None else NOW + dt.timedelta(minutes=appt))
    waiting = [t(1, NORMAL, WALK_IN, 50), t(2, NORMAL, WALK_IN, 70), t(3, NORMAL, APPOINTMENT, 10, appt=0),
               t(4, NORMAL, APPOINTMENT, 30, appt=40), t(5, KEY_MATERIAL, WALK_IN, 1), t(6, EMERGENCY, WALK_IN, 0)]
    normal = QWindow(3, NORMAL, frozenset(GROUPS))
    lanes = {NORMAL, EMERGENCY}
    assert [x.id for x in calling_order(normal, waiting, NOW, lanes)] == [5, 3, 2, 1, 4]
    emergency = QWindow(1, EMERGENCY, frozenset(GROUPS))
    assert next_ticket(emergency, waiting, NOW, lanes).id == 6  # type: ignore[union-attr]
    assert position(waiting[0], [normal, emergency], waiting, NOW, lanes) == (3, 2)
    assert estimated_wait(3, 2, 300) == 450
