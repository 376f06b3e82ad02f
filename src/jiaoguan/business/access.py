"""Who may see and act on an application, and the reads that go with it: a citizen sees their own (or those
they applied for as a proxy); staff see the cases of their queue and province, or the ones assigned to them.
Not yours answers like not found (a citizen must not learn that an application exists)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import SUPERVISORS, Role
from jiaoguan.business.errors import AlreadyOpen, ApplicationNotFound, InPersonOnly, NotYourCase
from jiaoguan.business.models import BusinessApplication, BusinessDocument, BusinessStep
from jiaoguan.business.states import LABELS, OPEN, WORKERS
from jiaoguan.kit.i18n import translate


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


def open_application(session: Session, applicant_user_id: int, business_code: str,
                     subject_ref: str) -> BusinessApplication | None:
    """The application of this person, business and subject still open (a draft counts), if any."""
    return session.execute(select(BusinessApplication).where(
        BusinessApplication.applicant_user_id == applicant_user_id,
        BusinessApplication.business_code == business_code, BusinessApplication.subject_ref == subject_ref,
        BusinessApplication.status.in_(OPEN)).limit(1)).scalar_one_or_none()


def refuse_second_open(session: Session, applicant_user_id: int, business_code: str, subject_ref: str) -> None:
    """One open application at a time per person, business and subject, whoever applies (the person or a
    proxy for them): the refusal names the open one."""
    found = open_application(session, applicant_user_id, business_code, subject_ref)
    if found is not None:
        raise AlreadyOpen(id=found.id, status=translate(LABELS[found.status]))
