"""Use cases of an application (网上办): create, submit, work it through its workflow, tell the applicant.

Services flush, audit and emit in the caller's transaction; the request (or the CLI, or the worker) commits.
Every status change goes through the application's pinned workflow (`states.workflow(app.workflow)`), which
checks the state, the role and the version the user saw (optimistic locking).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import SUPERVISORS, Role
from jiaoguan.business import figures, register, sla
from jiaoguan.business import notice as notices
from jiaoguan.business.catalogue import BusinessSpec, Material, Switch
from jiaoguan.business.catalogue_store import get_spec
from jiaoguan.business.errors import (
    ApplicationNotFound,
    FaceCheckNeeded,
    InPersonOnly,
    NotOfferedOnline,
    NotYourCase,
    ProxyNotAllowed,
    SubjectMissing,
)
from jiaoguan.business.models import BusinessApplication, BusinessDocument, BusinessStep
from jiaoguan.business.states import WORKERS, Status, Workflow, latest, workflow
from jiaoguan.kit.calendar_service import load_calendar
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.i18n import N_, current_locale
from jiaoguan.kit.states import SYSTEM_ROLES, RoleRefused, StaleState, TransitionRefused
from jiaoguan.passes.service import active_pass_no_for_vehicle
from jiaoguan.registry.queries import records_of_person, vehicle_records_by_plate
from jiaoguan.registry.records import LicenceRecord, VehicleRecord

# Fraud hook (Decree 162 art. 83): so many replacements by one person within the window switch the case to
# the window (in person). Configurable here; a province's own rule is a data change later.
REPLACEMENTS = ("licence_lost", "licence_damaged", "plate_replacement", "vehicle_licence_replacement",
                "sticker_replacement")
REPLACEMENT_LIMIT = 2          # earlier replacements tolerated in the window
REPLACEMENT_WINDOW_DAYS = 365
PRIORITY_EMERGENCY, PRIORITY_KEY_MATERIAL, PRIORITY_NORMAL = 0, 1, 2


@dataclass(frozen=True)
class Acting:
    """Who acts and in which role (the CLI and the worker act as `cli` / `system`)."""

    user_id: int | None
    role: str
    label: str = ""
    principal: Principal | None = None

    @classmethod
    def of(cls, user: Principal) -> Acting:
        return cls(user.id, user.role, user.username, user)


SYSTEM = Acting(None, "system", "system")


def _json(value: str, default: Any) -> Any:
    try:
        return json.loads(value) if value else default
    except ValueError:
        return default


def spec_of_application(app: BusinessApplication) -> BusinessSpec:
    """The catalogue entry as it was when the application was made."""
    d = _json(app.definition_json, {})
    return BusinessSpec(d["number"], d["code"], d["name_zh"], d["name_en"], d["group"], tuple(d["channels"]),
                        tuple(Material(**m) for m in d["materials"]), tuple(d["checks"]), d["sla_working_days"],
                        d["identity_level"], d["proxy_allowed"], d["subject"], d["workflow"], d["handling"],
                        {k: Switch(**v) for k, v in d["provinces"].items()})


def stops_of(app: BusinessApplication) -> list[sla.Stop]:
    return [(dt.date.fromisoformat(s), dt.date.fromisoformat(e) if e else None)
            for s, e in _json(app.clock_stops_json, [])]


def notice_of(app: BusinessApplication) -> list[notices.NoticeItem]:
    return [notices.NoticeItem.of(i) for i in _json(app.notice_json, [])]


def answers_of(app: BusinessApplication) -> dict[str, Any]:
    value: dict[str, Any] = _json(app.answers_json, {})
    return value


def flow_of(app: BusinessApplication) -> Workflow:
    return workflow(app.workflow)


def get_application(session: Session, app_id: int) -> BusinessApplication:
    app = session.get(BusinessApplication, app_id)
    if app is None:
        raise ApplicationNotFound()
    return app


# --- who may see and act ------------------------------------------------------------------------

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


# --- subject and eligibility --------------------------------------------------------------------

def subject_for(session: Session, spec: BusinessSpec, person_id: int | None, plate: str | None = None,
                province_code: str | None = None) -> register.Subject:
    if spec.subject == "person" or person_id is None:
        return register.Subject(person_id, plate_no=plate or None, province_code=province_code)
    records = records_of_person(session, person_id)
    if spec.subject == "licence":
        licences = [r for r in records if isinstance(r, LicenceRecord)]
        if not licences:
            raise SubjectMissing()
        return register.Subject(person_id, licence_id=licences[0].id, province_code=province_code)
    vehicles = [r for r in records if isinstance(r, VehicleRecord)]
    if plate:
        vehicles = [v for v in vehicle_records_by_plate(session, plate) if v.owner_person_id == person_id]
    if not vehicles:
        raise SubjectMissing()
    return register.Subject(person_id, vehicle_id=vehicles[0].id, plate_no=vehicles[0].plate_no,
                            province_code=province_code)


def my_vehicles(session: Session, person_id: int | None) -> list[VehicleRecord]:
    if person_id is None:
        return []
    return [r for r in records_of_person(session, person_id) if isinstance(r, VehicleRecord)]


def eligibility(session: Session, spec: BusinessSpec, subject: register.Subject,
                on: dt.date | None = None) -> list[register.CheckOutcome]:
    day = on or today()
    return [register.run_check(session, name, subject, day) for name in spec.checks]


def _subject(app: BusinessApplication) -> register.Subject:
    return register.Subject(app.applicant_person_id, app.licence_id, app.vehicle_id, app.plate_no,
                            app.province_code)


# --- creating and submitting ------------------------------------------------------------------------

def _proxy_for(session: Session, user: Principal, on_behalf_of: int, spec: BusinessSpec) -> Principal:
    from jiaoguan.business.proxies import authorisation_for

    if not spec.proxy_allowed:
        raise ProxyNotAllowed()
    principal = authorisation_for(session, proxy_user_id=user.id, principal_user_id=on_behalf_of,
                                  business_code=spec.code)
    if principal is None:
        raise ProxyNotAllowed()
    return principal


def create_application(session: Session, user: Principal, code: str, *, plate: str | None = None,
                       answers: dict[str, Any] | None = None, later: Sequence[str] = (), emergency: bool = False,
                       emergency_reason: str = "", on_behalf_of: int | None = None,
                       delivery_method: str = "none", delivery_address: str = "") -> BusinessApplication:
    """A draft, pinned to the current catalogue entry and the newest version of its workflow."""
    from jiaoguan.business.obligations import ensure_not_blocked

    spec = get_spec(session, code)
    applicant = _proxy_for(session, user, on_behalf_of, spec) if on_behalf_of else user
    province = applicant.province_code or user.province_code or "11"
    if not spec.offered_online(province):
        raise NotOfferedOnline()
    ensure_not_blocked(session, applicant)
    subject = subject_for(session, spec, applicant.person_id, plate, province)
    rongque = spec.rongque_allowed(province)
    later_ok = [m.code for m in spec.materials if m.later_allowed and m.code in set(later)] if rongque else []
    flow = latest(spec.workflow)
    now = utc_now()
    app = BusinessApplication(
        province_code=province, business_code=spec.code, definition_json=json.dumps(spec.to_json(), ensure_ascii=False),
        workflow=flow.ref, status=Status.draft.value, channel="online", queue_role=Role.online_seat.value,
        applicant_user_id=applicant.id, applicant_person_id=applicant.person_id,
        proxy_user_id=user.id if on_behalf_of else None, locale=current_locale(),
        subject_ref=(subject.plate_no or "") if spec.subject == "vehicle" else "",
        licence_id=subject.licence_id, vehicle_id=subject.vehicle_id, plate_no=subject.plate_no,
        answers_json=json.dumps(answers or {}, ensure_ascii=False), later_materials=" ".join(later_ok),
        emergency=emergency, emergency_reason=emergency_reason.strip()[:200],
        identity_level=spec.identity_level,
        identity_status="pending" if spec.identity_level == "face" else "not_needed",
        sla_days=spec.sla_working_days, created_at=now, delivery_method=delivery_method,
        delivery_address=delivery_address.strip()[:200],
    )
    session.add(app)
    session.flush()
    _step(session, app, "create", "", Status.draft.value, Acting.of(user))
    return app


def _step(session: Session, app: BusinessApplication, action: str, source: str, target: str, by: Acting,
          note: str = "", at: dt.datetime | None = None) -> None:
    session.add(BusinessStep(application_id=app.id, action=action, from_status=source, to_status=target,
                             actor_user_id=by.user_id, actor_role=by.role, note=note[:2000], at=at or utc_now()))


def _tell(app: BusinessApplication) -> list[tuple[str, str]]:
    people = [("inapp", str(app.applicant_user_id))]
    if app.proxy_user_id:
        people.append(("inapp", str(app.proxy_user_id)))
    return people


def _params(app: BusinessApplication, **more: Any) -> dict[str, Any]:
    spec = spec_of_application(app)
    return {"id": app.id, "business": spec.title(app.locale), **more}


def move(session: Session, app: BusinessApplication, action: str, by: Acting, *, expected_version: int | None,
         note: str = "", params: dict[str, Any] | None = None) -> dt.datetime:
    """One transition of the pinned workflow: state, role and version checked; audit, event, message, step.
    The event's facts and the step share one moment, so the figures' recount (business/figures.py) reads
    from the step what the event said. Returns that moment."""
    source = app.status
    _check_version(app, expected_version)
    at = utc_now()
    flow_of(app).machine.apply(session, app, action, role=by.role, expected_version=None,
                               summary=f"{app.business_code} #{app.id}: {source} -> {action}",
                               payload={**figures.base(app, at), **figures.step_facts(app, action)},
                               recipients=_tell(app), params=_params(app, **(params or {})),
                               province_code=app.province_code)
    _step(session, app, action, source, app.status, by, note, at)
    session.flush()
    return at


def _check_version(app: BusinessApplication, expected_version: int | None) -> None:
    """Optimistic locking against the version the user saw, checked before anything on the row changes (the
    side effects flush, which bumps the version); a race lost at the UPDATE itself is caught in `guarded`."""
    if expected_version is not None and app.version != expected_version:
        raise StaleState(code="business.stale")


@contextmanager
def guarded() -> Iterator[None]:
    try:
        yield
    except StaleDataError:
        raise StaleState(code="business.stale") from None


def handed_in(session: Session, app: BusinessApplication) -> set[str]:
    return set(session.execute(select(BusinessDocument.material_code)
                               .where(BusinessDocument.application_id == app.id)).scalars())


def current_notice(session: Session, app: BusinessApplication, note: str = "") -> list[notices.NoticeItem]:
    """一次告知: every required material missing and every failed check, plus the seat's note."""
    spec = spec_of_application(app)
    items = notices.missing_materials(spec, handed_in(session, app), app.later_materials.split(),
                                      rongque=bool(app.later_materials))
    items += notices.failed_checks(eligibility(session, spec, _subject(app)))
    if note.strip():
        items.append(notices.note_item(note.strip()))
    return items


def _fraud_hook(session: Session, app: BusinessApplication) -> None:
    """Repeated replacements switch the case to in-person handling at a window (Decree 162 art. 83)."""
    if app.business_code not in REPLACEMENTS or app.applicant_person_id is None:
        return
    since = utc_now() - dt.timedelta(days=REPLACEMENT_WINDOW_DAYS)
    earlier = session.execute(select(func.count()).select_from(BusinessApplication).where(
        BusinessApplication.applicant_person_id == app.applicant_person_id,
        BusinessApplication.business_code.in_(REPLACEMENTS), BusinessApplication.id != app.id,
        BusinessApplication.status.notin_([Status.draft.value, Status.withdrawn.value]),
        BusinessApplication.submitted_at >= since)).scalar_one()
    if earlier >= REPLACEMENT_LIMIT:
        app.in_person, app.in_person_reason = True, "repeated_replacements"
        app.queue_role = Role.window_clerk.value


def _priority(session: Session, app: BusinessApplication) -> None:
    app.key_pass_no = active_pass_no_for_vehicle(session, app.plate_no) if app.plate_no else None
    app.priority = (PRIORITY_EMERGENCY if app.emergency else
                    PRIORITY_KEY_MATERIAL if app.key_pass_no else PRIORITY_NORMAL)


def submit(session: Session, user: Principal, app_id: int, *, expected_version: int | None = None,
           channel: str = "online") -> BusinessApplication:
    with guarded():
        return _submit(session, user, app_id, expected_version=expected_version, channel=channel)


def _submit(session: Session, user: Principal, app_id: int, *, expected_version: int | None,
            channel: str) -> BusinessApplication:
    app = get_application(session, app_id)
    if user.role not in flow_of(app).machine.transition("submit").roles:
        ensure_may_see(user, app)
        raise RoleRefused(code="business.role_refused")
    if not is_applicant(user, app):
        raise ApplicationNotFound()
    if app.identity_status == "pending":
        raise FaceCheckNeeded()
    if app.status not in {s.value for s in flow_of(app).machine.transition("submit").source}:
        raise TransitionRefused(code="business.transition_refused", state=app.status)
    _check_version(app, expected_version)
    expected_version = None
    app.channel = channel
    app.submitted_at = utc_now()
    _priority(session, app)
    _fraud_hook(session, app)
    move(session, app, "submit", Acting.of(user), expected_version=expected_version)
    spec = spec_of_application(app)
    if spec.handling == "instant" and not app.in_person and app.identity_status != "manual" \
            and not current_notice(session, app):
        _run_through(session, app)
    return app


def _run_through(session: Session, app: BusinessApplication) -> None:
    """Instant businesses: everything is in order, so the system accepts, approves, issues and completes. If the
    register refuses (a rule the checks did not see), the case stays submitted for a seat."""
    from jiaoguan.kit.errors import JiaoguanError

    try:
        with session.begin_nested():
            for action in ("accept", "start_review", "approve", "issue", "complete"):
                act(session, SYSTEM, app.id, action, expected_version=app.version)
    except JiaoguanError:
        session.refresh(app)


# --- the seat's and the applicant's actions -----------------------------------------------------

def claim(session: Session, user: Principal, app_id: int) -> BusinessApplication:
    """A seat takes an unassigned case from its role's queue."""
    app = get_application(session, app_id)
    ensure_may_see(user, app)
    if user.role not in WORKERS:
        raise NotYourCase()
    if app.assignee_user_id not in (None, user.id):
        raise NotYourCase()
    app.assignee_user_id = user.id
    _step(session, app, "claim", app.status, app.status, Acting.of(user))
    session.flush()
    return app


def reassign(session: Session, user: Principal, app_id: int, assignee: Principal | None) -> BusinessApplication:
    """专人专办: only a supervisor moves a case to another seat (or back to the queue)."""
    from jiaoguan.kit import audit

    app = get_application(session, app_id)
    if user.role not in SUPERVISORS:
        raise NotYourCase()
    ensure_may_see(user, app)
    if assignee is not None and (assignee.role not in WORKERS or assignee.province_code != app.province_code):
        raise NotYourCase()
    app.assignee_user_id = assignee.id if assignee else None
    _step(session, app, "reassign", app.status, app.status, Acting.of(user),
          assignee.username if assignee else "queue")
    audit.record(session, "business_application.reassign", "business_application", app.id,
                 f"to {assignee.username if assignee else 'the queue'}")
    session.flush()
    return app


def act(session: Session, by: Principal | Acting, app_id: int, action: str, *, expected_version: int | None,
        note: str = "", carrier: str = "", tracking: str = "") -> BusinessApplication:
    """A transition with its side effects (SLA clock, 一次告知, register effect, delivery, completion)."""
    with guarded():
        return _act(session, by, app_id, action, expected_version=expected_version, note=note, carrier=carrier,
                    tracking=tracking)


def _act(session: Session, by: Principal | Acting, app_id: int, action: str, *, expected_version: int | None,
         note: str, carrier: str, tracking: str) -> BusinessApplication:
    acting = Acting.of(by) if isinstance(by, Principal) else by
    app = get_application(session, app_id)
    if isinstance(by, Principal):
        _may_act(by, app, action)
    t = flow_of(app).machine.transition(action)
    if app.status not in {s.value for s in t.source}:
        raise TransitionRefused(code="business.transition_refused", state=app.status)
    if acting.role not in t.roles:
        raise RoleRefused(code="business.role_refused")
    _check_version(app, expected_version)
    expected_version = None
    on = today()
    params: dict[str, Any] = {}
    cal = load_calendar(session)
    if action == "accept":
        app.accepted_on = on
        app.sla_due = sla.due_date(cal, on, app.sla_days, stops_of(app))
        if acting.user_id is not None and acting.role in WORKERS and app.assignee_user_id is None:
            app.assignee_user_id = acting.user_id
        if app.emergency and app.assignee_user_id is not None:
            app.owner_locked = True  # 专人专办 from acceptance to completion
        params = {"due": app.sla_due.isoformat() if app.sla_due else ""}
    elif action == "request_correction":
        items = current_notice(session, app, note)
        if not items:
            items = [notices.note_item(note or "-")]
        app.notice_json = json.dumps([i.to_json() for i in items], ensure_ascii=False)
        app.note = note.strip()
        if app.accepted_on is not None:
            stops = [[s.isoformat(), e.isoformat() if e else None] for s, e in stops_of(app)]
            app.clock_stops_json = json.dumps(stops + [[on.isoformat(), None]])
            app.sla_due = None
        params = {"items": notices.as_text(items, app.locale)}
    elif action == "resubmit":
        open_stops = stops_of(app)
        if open_stops and open_stops[-1][1] is None:
            open_stops[-1] = (open_stops[-1][0], on)
        app.clock_stops_json = json.dumps([[s.isoformat(), e.isoformat() if e else None] for s, e in open_stops])
        if app.accepted_on is not None:
            app.sla_due = sla.due_date(cal, app.accepted_on, app.sla_days, open_stops)
    elif action == "approve":
        if app.in_person and acting.role == Role.online_seat:
            raise InPersonOnly()
        if app.identity_status == "manual" and acting.role in SYSTEM_ROLES:
            raise FaceCheckNeeded()
        _apply_effect(session, app, acting, on)
    elif action == "issue":
        if app.delivery_method == "post":
            app.delivery_carrier = (carrier or app.delivery_carrier)[:40]
            app.delivery_tracking = (tracking or app.delivery_tracking)[:40]
            app.delivery_status = "posted"
        params = {"delivery_msgid": DELIVERY_LABELS.get(app.delivery_method, DELIVERY_LABELS["none"]),
                  "tracking": app.delivery_tracking}
    elif action in ("reject",):
        items = current_notice(session, app, note)
        app.notice_json = json.dumps([i.to_json() for i in items], ensure_ascii=False)
        app.note = note.strip()
        params = {"reason": note.strip() or "-"}
    if action in ("complete", "reject", "withdraw"):
        app.finished_at = utc_now()
        if app.accepted_on is not None:
            app.sla_kept = sla.kept(cal, app.accepted_on, app.sla_days, on, stops_of(app))
    at = move(session, app, action, acting, expected_version=expected_version, note=note, params=params)
    kind = figures.booking_kind(app) if action == "approve" else None
    if kind is not None:
        from jiaoguan.kit import events

        events.emit(session, "business.booking_requested", {**figures.base(app, at), "kind": kind, "id": app.id},
                    province_code=app.province_code)
    return app


DELIVERY_LABELS = {"none": N_("Online, nothing to hand over"), "post": N_("Sent by post"),
                   "collect": N_("To collect at a window")}


def _may_act(user: Principal, app: BusinessApplication, action: str) -> None:
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


def _apply_effect(session: Session, app: BusinessApplication, by: Acting, on: dt.date) -> None:
    from jiaoguan.business.obligations import effect_opened_obligation

    defer = "medical_certificate" in app.later_materials.split()
    outcome = register.apply_effect(session, app.business_code, _subject(app), actor=by.principal, on=on,
                                    defer_certificate=defer, answers=answers_of(app))
    app.effect_json = json.dumps({"applied": outcome.applied, "summary": outcome.summary, "data": outcome.data},
                                 ensure_ascii=False, default=str)
    if outcome.applied:
        effect_opened_obligation(session, app, outcome)


def withdraw(session: Session, user: Principal, app_id: int, *, expected_version: int | None) -> BusinessApplication:
    return act(session, user, app_id, "withdraw", expected_version=expected_version)


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
