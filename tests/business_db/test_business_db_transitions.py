"""Every transition of the workflow × every role, over HTTP: allowed where the workflow names the role (and the
case is theirs to see), refused otherwise with the room's codes; a stale version loses."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.business.states import ROLE_GROUPS, WORKERS, latest
from tests.factories import business as f

FLOW = latest("standard")
TRANSITIONS = [(t.action, sorted(t.source)[0]) for t in FLOW.machine.transitions]
ROLES = list(Role)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize(("action", "source"), TRANSITIONS, ids=[a for a, _ in TRANSITIONS])
def test_each_transition_is_allowed_only_to_the_roles_the_workflow_names(
        action: str, source: str, role: Role, db: Session, as_user, citizen: f.Citizen) -> None:
    app = f.application(db, citizen.user, submit=False)
    app.status = source
    actor: Principal = citizen.user if role == Role.citizen else f.staff(db, role)
    if role in WORKERS:
        app.assignee_user_id = actor.id  # the case is theirs: unassigned online cases are the online seats'
    db.flush()
    db.commit()
    r = as_user(actor).post(f"/api/v1/business/applications/{app.id}/actions/{action}",
                            json={"version": app.version, "note": "请补充材料"})
    transition = FLOW.machine.transition(action)
    if role in transition.roles:
        assert r.status_code == 200, r.text
        assert r.json()["status"] == transition.target
    elif role in (Role.citizen, Role.online_seat, Role.window_clerk, Role.supervisor, Role.admin):
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "business.role_refused"
    else:
        assert r.status_code == 403 and r.json()["code"] == "kit.forbidden"


def test_the_role_groups_of_the_workflow_are_what_the_seats_and_citizens_hold() -> None:
    assert ROLE_GROUPS["applicant"] == {"citizen"}
    assert ROLE_GROUPS["workers"] == {"online_seat", "window_clerk", "supervisor"}


@pytest.mark.parametrize(("action", "state"), [("approve", "submitted"), ("resubmit", "in_review"),
                                               ("issue", "accepted"), ("withdraw", "completed")])
def test_an_action_from_the_wrong_state_is_refused(action: str, state: str, db: Session, as_user,
                                                   citizen: f.Citizen, seat: Principal) -> None:
    app = f.application(db, citizen.user, submit=False)
    app.status = state
    db.commit()
    who = citizen.user if action in ("resubmit", "withdraw") else seat
    r = as_user(who).post(f"/api/v1/business/applications/{app.id}/actions/{action}", json={"version": app.version})
    assert r.status_code == 409 and r.json()["code"] == "business.transition_refused"


def test_a_stale_version_loses_and_changes_nothing(db: Session, as_user, citizen: f.Citizen, seat: Principal) -> None:
    app = f.application(db, citizen.user)
    db.commit()
    c = as_user(seat)
    first = c.post(f"/api/v1/business/applications/{app.id}/actions/accept", json={"version": app.version - 0})
    assert first.status_code == 200
    again = c.post(f"/api/v1/business/applications/{app.id}/actions/reject", json={"version": app.version - 1})
    assert again.status_code == 409 and again.json()["code"] == "business.stale"
    assert c.get(f"/api/v1/business/applications/{app.id}").json()["status"] == "accepted"


def test_a_citizen_cannot_touch_someone_elses_application(db: Session, as_user, citizen: f.Citizen) -> None:
    app = f.application(db, citizen.user)
    other = f.citizen(db, expiry=citizen_expiry(db, citizen))
    db.commit()
    c = as_user(other.user)
    assert c.get(f"/api/v1/business/applications/{app.id}").status_code == 404
    r = c.post(f"/api/v1/business/applications/{app.id}/actions/withdraw", json={"version": app.version})
    assert r.status_code == 404 and r.json()["code"] == "business.not_found"


def citizen_expiry(db: Session, citizen: f.Citizen):  # type: ignore[no-untyped-def]
    from tests.factories.passes import FRIDAY

    return FRIDAY.date().replace(month=6)
