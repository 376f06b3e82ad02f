"""The review SLA (3 working days): escalate applications still pending on their due date.

On the due day the province's pass issuers are reminded; once it has passed, the province's
supervisors are told as well. Each step is written to the outbox once (dedupe keys), so the
hourly job may run as often as it likes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import staff_of
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today
from jiaoguan.kit.outbox import enqueue
from jiaoguan.passes.models import PassApplication
from jiaoguan.passes.states import ApplicationStatus


@dataclass(frozen=True)
class Escalation:
    due_today: int
    overdue: int
    messages: int


def escalate_reviews(session: Session, on: dt.date | None = None) -> Escalation:
    on = on or today()
    pending = session.execute(select(PassApplication).where(
        PassApplication.status == ApplicationStatus.pending, PassApplication.sla_due <= on)).scalars().all()
    due_today = overdue = messages = 0
    for app in pending:
        late = app.sla_due < on
        overdue += late
        due_today += not late
        roles = (Role.pass_issuer, Role.supervisor) if late else (Role.pass_issuer,)
        step = "overdue" if late else "due"
        template = "pass_review_overdue" if late else "pass_review_due"
        params = {"application": app.id, "plate": app.plate_no, "due": app.sla_due.isoformat()}
        for user in staff_of(session, app.province_code, roles):
            sent = enqueue(session, "inapp", str(user.id), template, params,
                           dedupe_key=f"pass-sla:{app.id}:{step}:{user.id}", province_code=app.province_code)
            messages += sent is not None
    if messages:
        audit.record(session, "passes.sla.escalate", "pass_application", "-",
                     f"as of {on}: {due_today} due today, {overdue} overdue, {messages} message(s)")
    return Escalation(due_today, overdue, messages)
