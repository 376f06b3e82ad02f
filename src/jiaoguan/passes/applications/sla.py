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

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today
from jiaoguan.kit.outbox import enqueue
from jiaoguan.passes.models import PassApplication


@dataclass(frozen=True)
class Escalation:
    due_today: int
    overdue: int
    messages: int


def _staff(session: Session, province: str, roles: tuple[Role, ...]) -> list[User]:
    return list(session.execute(select(User).where(
        User.province_code == province, User.role.in_([r.value for r in roles]), User.is_active.is_(True))
    ).scalars())


def escalate_reviews(session: Session, on: dt.date | None = None) -> Escalation:
    on = on or today()
    pending = session.execute(select(PassApplication).where(
        PassApplication.status == "pending", PassApplication.sla_due <= on)).scalars().all()
    due_today = overdue = messages = 0
    for app in pending:
        late = app.sla_due < on
        overdue += late
        due_today += not late
        roles = (Role.pass_issuer, Role.supervisor) if late else (Role.pass_issuer,)
        step = "overdue" if late else "due"
        text = (f"通行证申请 #{app.id}（{app.plate_no}）审核期限 {app.sla_due}，"
                + ("已超期，请立即处理。" if late else "今日到期，请尽快处理。")
                + f" / Pass application #{app.id} ({app.plate_no}): review "
                + ("overdue since" if late else "due today,") + f" {app.sla_due}.")
        for user in _staff(session, app.province_code, roles):
            sent = enqueue(session, "inapp", str(user.id), "generic", {"text": text},
                           dedupe_key=f"pass-sla:{app.id}:{step}:{user.id}", province_code=app.province_code)
            messages += sent is not None
    if messages:
        audit.record(session, "passes.sla.escalate", "pass_application", "-",
                     f"as of {on}: {due_today} due today, {overdue} overdue, {messages} message(s)")
    return Escalation(due_today, overdue, messages)
