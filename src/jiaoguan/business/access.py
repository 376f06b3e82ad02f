"""Who may see and act on an application, and the reads that go with it: a citizen sees their own (or those
they applied for as a proxy); staff see the cases of their queue and province, or the ones assigned to them.
Not yours answers like not found (a citizen must not learn that an application exists)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import SUPERVISORS, Role
from jiaoguan.business.errors import ApplicationNotFound, InPersonOnly, NotYourCase
from jiaoguan.business.models import BusinessApplication, BusinessDocument, BusinessStep
from jiaoguan.business.states import WORKERS


def get_application(session: Session, app_id: int) -> BusinessApplication:
    app = session.get(BusinessApplication, app_id)
    if app is None:
        raise ApplicationNotFound()
    return app
def is_applicant(user: Principal, app: BusinessApplication) -> bool:
    return user.role == Role.citizen and user.id in (app.applicant_user_id, app.proxy_user_id)
def is_case_staff(user: Principal, app: BusinessApplication) -> bool:
    """The staff on the case: its assignee; while unassigned, the queue's role in its province; supervisors."""
    if user.role in SUPERVISORS:
        return user.role == Role.admin or user.province_code == app.province_code
    if user.role not in WORKERS or user.province_code != app.province_code:
        return False
    if app.assignee_user_id is not None:
        return app.assignee_user_id == user.id
    return user.role == app.queue_role or (app.in_person and user.role == Role.window_clerk)
def ensure_may_see(user: Principal, app: BusinessApplication) -> None:
    """Not yours answers like not found (a citizen must not learn that an application exists)."""
    if not (is_applicant(user, app) or is_case_staff(user, app)):
        raise ApplicationNotFound()
def ensure_may_act(user: Principal, app: BusinessApplication, action: str) -> None:
    if user.role == Role.citizen:
        if not is_applicant(user, app):
            raise ApplicationNotFound()
        return
    if user.role in WORKERS:
        ensure_may_see(user, app)
        if app.owner_locked and app.assignee_user_id not in (None, user.id) and user.role not in SUPERVISORS:
            raise NotYourCase()
        if app.in_person and user.role == Role.online_seat and action in ("approve", "issue", "complete"):
            raise InPersonOnly()
def my_applications(session: Session, user: Principal) -> list[BusinessApplication]:
    return list(session.execute(select(BusinessApplication).where(
        (BusinessApplication.applicant_user_id == user.id) | (BusinessApplication.proxy_user_id == user.id))
        .order_by(BusinessApplication.id.desc()).limit(200)).scalars())
def steps_of(session: Session, app_id: int) -> list[BusinessStep]:
    return list(session.execute(select(BusinessStep).where(BusinessStep.application_id == app_id)
                                .order_by(BusinessStep.id)).scalars())
def documents_of(session: Session, app_id: int) -> list[BusinessDocument]:
    return list(session.execute(select(BusinessDocument).where(BusinessDocument.application_id == app_id)
                                .order_by(BusinessDocument.id)).scalars())
def handed_in(session: Session, app: BusinessApplication) -> set[str]:
    return set(session.execute(select(BusinessDocument.material_code)
                               .where(BusinessDocument.application_id == app.id)).scalars())
