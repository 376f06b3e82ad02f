"""The review SLA: pending applications are escalated on their due day and after it, once each."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.passes.applications.service import submit_application
from jiaoguan.passes.applications.sla import escalate_reviews
from tests.factories.passes import application


def _messages_to(db, user) -> list[OutboxMessage]:
    return list(db.execute(select(OutboxMessage).where(OutboxMessage.recipient == str(user.id))).scalars())


def test_nothing_is_escalated_before_the_due_day(db, agent, issuer) -> None:
    app = submit_application(db, agent, application(1))
    result = escalate_reviews(db, on=app.sla_due - timedelta(days=1))
    assert result.messages == 0


def test_issuers_are_reminded_on_the_due_day_and_supervisors_told_once_it_is_late(db, agent, issuer,
                                                                                  make_user) -> None:
    supervisor = make_user(Role.supervisor, province_code="31")
    elsewhere = make_user(Role.pass_issuer, province_code="11")
    app = submit_application(db, agent, application(2))
    on_due = escalate_reviews(db, on=app.sla_due)
    assert (on_due.due_today, on_due.overdue) == (1, 0)
    assert len(_messages_to(db, issuer)) == 1 and _messages_to(db, supervisor) == []
    late = escalate_reviews(db, on=app.sla_due + timedelta(days=1))
    assert late.overdue == 1
    assert len(_messages_to(db, issuer)) == 2 and len(_messages_to(db, supervisor)) == 1
    again = escalate_reviews(db, on=app.sla_due + timedelta(days=2))
    assert again.messages == 0, "each step is sent once"
    assert _messages_to(db, elsewhere) == [], "only the application's province is told"
