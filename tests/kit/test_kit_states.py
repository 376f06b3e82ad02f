"""The state-machine pattern: transitions as data, refused from the wrong state or by the wrong role,
optimistic locking against stale forms and racing requests, a CHECK constraint in the database, and the
audit record, event and message written with the change."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

import pytest
from sqlalchemy import Engine, Integer, String, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.kit.states import (
    RoleRefused,
    StaleState,
    StateMachine,
    Transition,
    TransitionRefused,
    Versioned,
    status_check,
)


class Status(StrEnum):
    waiting = "waiting"
    called = "called"
    done = "done"


class ToyBase(DeclarativeBase):
    pass


class Ticket(Versioned, ToyBase):
    __tablename__ = "toy_ticket"
    __table_args__ = (status_check(Status),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12))


MACHINE = StateMachine("toy_ticket", Status, room="toy", transitions=[
    Transition("call", {Status.waiting}, Status.called, {"window_clerk"}, event="toy_ticket.called",
               notify="signin_code"),
    Transition("finish", {Status.called}, Status.done, {"window_clerk", "system"}),
])


@pytest.fixture(scope="module")
def tickets(engine: Engine) -> Iterator[None]:
    ToyBase.metadata.create_all(engine)
    yield
    ToyBase.metadata.drop_all(engine)


def _ticket(db: Session) -> Ticket:
    t = Ticket(status=Status.waiting.value)
    db.add(t)
    db.flush()
    return t


def test_an_allowed_transition_moves_audits_emits_and_notifies(tickets: None, db: Session) -> None:
    t = _ticket(db)
    MACHINE.apply(db, t, "call", role="window_clerk", expected_version=1, recipients=[("sms", "13800138000")],
                  params={"code": "123456"})
    assert (t.status, t.version) == ("called", 2)
    audit = db.execute(select(AuditRecord).where(AuditRecord.action == "toy_ticket.call")).scalar_one()
    assert audit.summary == "waiting -> called"
    kinds = {(m.channel, m.template) for m in db.execute(select(OutboxMessage)).scalars()}
    assert ("sms", "signin_code") in kinds


def test_an_action_from_the_wrong_state_is_refused_with_the_room_code(tickets: None, db: Session) -> None:
    t = _ticket(db)
    with pytest.raises(TransitionRefused) as refused:
        MACHINE.apply(db, t, "finish", role="window_clerk")
    assert refused.value.code == "toy.transition_refused"
    assert refused.value.status_code == 409
    assert t.status == "waiting"


def test_a_role_the_transition_does_not_name_is_refused(tickets: None, db: Session) -> None:
    t = _ticket(db)
    with pytest.raises(RoleRefused):
        MACHINE.apply(db, t, "call", role="citizen")
    assert MACHINE.actions("waiting", "window_clerk")[0].action == "call"
    assert MACHINE.actions("waiting", "citizen") == []


def test_a_form_showing_an_old_version_cannot_overwrite_a_newer_state(tickets: None, db: Session) -> None:
    t = _ticket(db)
    MACHINE.apply(db, t, "call", role="window_clerk", expected_version=1)
    with pytest.raises(StaleState):
        MACHINE.apply(db, t, "finish", role="window_clerk", expected_version=1)


def test_two_racing_changes_of_the_same_row_cannot_both_win(engine: Engine, tickets: None) -> None:
    with Session(engine) as setup:
        t = Ticket(status="waiting")
        setup.add(t)
        setup.commit()
        ticket_id = t.id
    try:
        first = Session(engine, expire_on_commit=False)
        second = Session(engine, expire_on_commit=False)
        b = second.get(Ticket, ticket_id)   # the second clerk's page loaded the waiting ticket …
        second.commit()                     # … (SQLite lets one writer in at a time: end its read)
        a = first.get(Ticket, ticket_id)
        assert a is not None and b is not None
        MACHINE.apply(first, a, "call", role="window_clerk")
        first.commit()
        with pytest.raises(StaleState):
            MACHINE.apply(second, b, "call", role="window_clerk")   # it still believes the ticket is waiting
        second.rollback()
        first.close()
        second.close()
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM toy_ticket"))


def test_the_database_refuses_a_status_the_machine_does_not_know(tickets: None, db: Session) -> None:
    t = _ticket(db)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("UPDATE toy_ticket SET status = 'lost' WHERE id = :id"), {"id": t.id})


def test_a_machine_with_a_state_that_is_not_in_its_enum_is_refused_when_declared() -> None:
    with pytest.raises(ValueError):
        StateMachine("bad", Status, [Transition("x", {"nowhere"}, Status.done, {"admin"})], room="toy")  # type: ignore[arg-type]
