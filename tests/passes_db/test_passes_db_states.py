"""Pass applications and passes move through the state-machine pattern: every transition by every role is
allowed or refused as declared, the database refuses unknown statuses, and each move is audited with its
actor, emits its event and tells the applicant."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.kit.states import SYSTEM_ROLES, RoleRefused
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.issuance.revocation import revoke_pass
from jiaoguan.passes.states import APPLICATION, PASS
from tests.factories.passes import application

ALL_ROLES = [r.value for r in Role] + sorted(SYSTEM_ROLES)
EXPECTED = {
    ("pass_application", "approve"): {"pass_issuer", "system", "cli"},
    ("pass_application", "refuse"): {"pass_issuer"},
    ("pass_application", "withdraw"): {"enterprise_agent"},
    ("transport_pass", "revoke"): {"pass_issuer"},
    ("transport_pass", "grey_for_key"): {"admin", "system", "cli"},
    ("transport_pass", "reissue"): {"admin", "system", "cli"},
}


@pytest.mark.parametrize("machine", [APPLICATION, PASS], ids=lambda m: m.name)
def test_every_transition_admits_exactly_the_roles_declared_for_it(machine) -> None:  # type: ignore[no-untyped-def]
    for t in machine.transitions:
        for state in machine.states:
            for role in ALL_ROLES:
                expected = state in t.source and role in EXPECTED[(machine.name, t.action)]
                assert machine.can(state, t.action, role) is expected, (machine.name, t.action, state, role)


def test_a_role_outside_the_transition_is_refused_by_the_machine_itself(db: Session, agent: Principal,
                                                                       keys: None) -> None:
    app = apps.submit_application(db, agent, application(1))
    with pytest.raises(RoleRefused):
        APPLICATION.apply(db, app, "approve", role="window_clerk")
    assert app.status == "pending"


def test_the_database_refuses_statuses_the_machines_do_not_know(db: Session, agent: Principal, issuer: Principal,
                                                                keys: None) -> None:
    app = apps.submit_application(db, agent, application(1))
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("UPDATE pass_application SET status = 'lost' WHERE id = :id"), {"id": app.id})
    issued = apps.approve(db, app.id, issuer)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("UPDATE transport_pass SET status = 'expired' WHERE id = :id"), {"id": issued.id})


def test_a_refusal_is_audited_with_its_reason_emits_an_event_and_tells_the_applicant(
        db: Session, agent: Principal, issuer: Principal, keys: None) -> None:
    app = apps.submit_application(db, agent, application(1))
    apps.refuse(db, app.id, issuer, "documents", "行驶证照片不清晰")
    assert (app.status, app.version) == ("refused", 2)
    audit = db.execute(select(AuditRecord).where(AuditRecord.action == "pass_application.refuse")).scalar_one()
    assert audit.summary == "documents: 行驶证照片不清晰"
    sent = {(m.channel, m.template) for m in db.execute(select(OutboxMessage)).scalars()}
    assert {("inapp", "pass_refused"), ("sms", "pass_refused")} <= sent


def test_a_revocation_emits_pass_revoked_for_the_rooms_above(db: Session, agent: Principal, issuer: Principal,
                                                             keys: None) -> None:
    issued = apps.approve(db, apps.submit_application(db, agent, application(1)).id, issuer)
    revoke_pass(db, issued.pass_no, issuer, "车辆与申请不符")
    rows = db.execute(select(OutboxMessage).where(OutboxMessage.template.in_(("pass.revoked", "pass_revoked")))
                      ).scalars().all()
    assert {(r.channel, r.template) for r in rows} >= {("event", "pass.revoked"), ("sms", "pass_revoked")}
    event = next(r for r in rows if r.channel == "event")
    assert event.params["payload"]["pass_no"] == issued.pass_no
    assert event.params["payload"]["province_code"] == "31"


def test_a_refusal_message_is_read_in_each_language_with_the_chosen_reason(db: Session, agent: Principal,
                                                                          issuer: Principal, keys: None) -> None:
    from jiaoguan.notify.templates import render

    app = apps.submit_application(db, agent, application(1))
    apps.refuse(db, app.id, issuer, "documents", "")
    msg = db.execute(select(OutboxMessage).where(OutboxMessage.template == "pass_refused",
                                                 OutboxMessage.channel == "sms")).scalar_one()
    zh_title, zh_body = render(msg.template, msg.params, "zh_Hans")
    en_title, en_body = render(msg.template, msg.params, "en")
    assert "The information is incomplete" in en_body and app.plate_no in en_body
    assert "The information" not in zh_body and app.plate_no in zh_body
