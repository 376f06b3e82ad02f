"""Applications: validation, one vehicle one pass, review within the SLA, refusals, auto-approval."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.applications.form import CrewInput
from jiaoguan.passes.applications.policy import add_auto_rule, configure_province
from jiaoguan.passes.issuance.keystore import server_trust_store
from jiaoguan.passes.issuance.revocation import revoke_pass
from jiaoguan.passes.models import TransportPass
from jiaoguan.passes.qr.verify import verify
from tests.factories.passes import FRIDAY, application, id_number


def actions(db: Session) -> list[str]:
    return list(db.execute(select(AuditRecord.action).order_by(AuditRecord.id)).scalars())


def test_a_valid_application_waits_for_review_due_three_working_days_later(db: Session, agent: Principal) -> None:
    app = apps.submit_application(db, agent, application())
    assert app.status == "pending"
    assert app.province_code == "31"
    # Friday 2022-04-29; 30 Apr – 4 May is the May Day holiday; Thu 5, Fri 6 and the swapped Saturday 7 May work.
    assert app.sla_due == dt.date(2022, 5, 7)
    assert "pass.application.submit" in actions(db)


def test_every_problem_of_a_bad_application_is_reported_at_once(db: Session, agent: Principal) -> None:
    bad = application(plate_no="沪D1234I", vin="LFWADRJF011002345", origin_code="310000",
                      crew=(CrewInput("张伟", "310115198001010010", "12345"),),
                      valid_to=FRIDAY.date() + dt.timedelta(days=30), cargo_weight_kg="heavy", consignee="")
    with pytest.raises(apps.ApplicationInvalid) as caught:
        apps.submit_application(db, agent, bad)
    found = {(p.field, p.code) for p in caught.value.problems}
    assert found >= {
        ("plate_no", "plate.letter_i_or_o"), ("origin_code", "division.not_county"),
        ("crew[0].id_number", "id_number.checksum"), ("crew[0].phone", "mobile.format"),
        ("valid_to", "validity.too_long"), ("cargo_weight_kg", "weight.format"), ("consignee", "required"),
    }
    assert all(p.text("zh_Hans") and p.text("en") for p in caught.value.problems)


def test_a_trailer_plate_is_refused_with_a_hint_to_give_the_tractors(db: Session, agent: Principal) -> None:
    with pytest.raises(apps.ApplicationInvalid) as caught:
        apps.submit_application(db, agent, application(plate_no="沪D1234挂"))
    assert [p.code for p in caught.value.problems] == ["plate.trailer"]


def test_the_same_person_twice_in_the_crew_is_refused(db: Session, agent: Principal) -> None:
    twice = (CrewInput("张伟", id_number(5), "13812345678"), CrewInput("张伟", id_number(5), "13812345678"))
    with pytest.raises(apps.ApplicationInvalid) as caught:
        apps.submit_application(db, agent, application(crew=twice))
    assert [(p.field, p.code) for p in caught.value.problems] == [("crew[1].id_number", "crew.duplicate")]


def test_an_overlapping_application_for_the_same_vehicle_is_refused_with_the_reason(db: Session,
                                                                                    agent: Principal) -> None:
    first = apps.submit_application(db, agent, application(1))
    later = application(1, valid_from=FRIDAY.date() + dt.timedelta(days=9),
                        valid_to=FRIDAY.date() + dt.timedelta(days=12))
    with pytest.raises(apps.VehicleAlreadyHasPass) as caught:
        apps.submit_application(db, agent, later)
    assert caught.value.field == "plate_no"
    text = caught.value.text("en")
    assert f"application #{first.id}" in text and "one vehicle, one pass, one route" in text
    assert "沪D10001" in caught.value.text("zh_Hans")


def test_periods_that_do_not_overlap_are_both_accepted(db: Session, agent: Principal) -> None:
    apps.submit_application(db, agent, application(1))
    after = application(1, valid_from=FRIDAY.date() + dt.timedelta(days=10),
                        valid_to=FRIDAY.date() + dt.timedelta(days=14))
    assert apps.submit_application(db, agent, after).status == "pending"


def test_validity_beyond_the_provinces_maximum_is_refused(db: Session, agent: Principal) -> None:
    configure_province(db, "31", max_validity_days=7)
    with pytest.raises(apps.ApplicationInvalid) as caught:
        apps.submit_application(db, agent, application())
    (only,) = caught.value.problems
    assert only.code == "validity.too_long"
    assert "7" in only.text("en") and "10" in only.text("en")


def test_the_issuer_approves_and_a_numbered_pass_signed_by_the_province_turns_green(
        db: Session, agent: Principal, issuer: Principal, keys: None) -> None:
    app = apps.submit_application(db, agent, application())
    issued = apps.approve(db, app.id, issuer)
    assert issued.pass_no == "310000000001"
    assert issued.status == "active" and issued.qr_text.startswith("JG1:")
    verdict = verify(issued.qr_text, server_trust_store(db), FRIDAY)
    assert verdict.valid, verdict.reason
    assert verdict.content is not None and verdict.content.plate == app.plate_no
    assert [m.name for m in verdict.content.crew] == ["张*", "王*"]
    assert {"pass_application.approve", "pass.issue"} <= set(actions(db))
    told = db.execute(select(OutboxMessage).where(OutboxMessage.recipient == str(agent.id))).scalars().all()
    assert told and told[-1].template == "pass_issued" and told[-1].params["pass_no"] == issued.pass_no


def test_an_approved_pass_blocks_an_overlapping_application(db: Session, agent: Principal, issuer: Principal,
                                                             keys: None) -> None:
    issued = apps.approve(db, apps.submit_application(db, agent, application()).id, issuer)
    with pytest.raises(apps.VehicleAlreadyHasPass) as caught:
        apps.submit_application(db, agent, application())
    assert issued.pass_no in caught.value.text("en")


def test_an_issuer_of_another_province_may_not_decide(db: Session, agent: Principal, make_user, keys: None) -> None:
    other = make_user("pass_issuer", province_code="44")
    app = apps.submit_application(db, agent, application())
    with pytest.raises(apps.NotYourApplication):
        apps.approve(db, app.id, other)
    with pytest.raises(apps.NotYourApplication):
        apps.refuse(db, app.id, other, "documents")


def test_a_refusal_needs_a_reason_tells_the_applicant_and_frees_the_vehicle(db: Session, agent: Principal,
                                                                          issuer: Principal) -> None:
    app = apps.submit_application(db, agent, application())
    with pytest.raises(apps.InvalidInput):
        apps.refuse(db, app.id, issuer, "other", "")
    refused = apps.refuse(db, app.id, issuer, "documents", "运输证号与证件不符")
    assert (refused.status, refused.refusal_code) == ("refused", "documents")
    sms = db.execute(select(OutboxMessage).where(OutboxMessage.channel == "sms")).scalars().all()
    from jiaoguan.notify.templates import render

    assert any("运输证号与证件不符" in render(m.template, m.params)[1] for m in sms)
    with pytest.raises(apps.ApplicationNotPending):
        apps.approve(db, app.id, issuer)
    assert apps.submit_application(db, agent, application()).status == "pending"


def test_an_auto_approval_rule_issues_on_receipt_only_for_its_cargo(db: Session, agent: Principal, keys: None) -> None:
    add_auto_rule(db, "31", "medical supplies", cargo_categories=["medical"])
    medical = apps.submit_application(db, agent, application(1, cargo_category="medical"))
    steel = apps.submit_application(db, agent, application(2))
    assert medical.status == "approved" and medical.auto_rule_id is not None
    assert steel.status == "pending"
    assert db.execute(select(TransportPass).where(TransportPass.application_id == medical.id)).scalar_one()


def test_an_enterprise_with_a_recently_revoked_pass_is_not_auto_approved(db: Session, agent: Principal,
                                                                         issuer: Principal,
                                                                        keys: None) -> None:
    issued = apps.approve(db, apps.submit_application(db, agent, application(1)).id, issuer)
    revoke_pass(db, issued.pass_no, issuer, "货物与申请不符")
    add_auto_rule(db, "31", "medical, good standing", cargo_categories=["medical"], require_good_standing=True)
    assert apps.submit_application(db, agent, application(2, cargo_category="medical")).status == "pending"


def test_without_a_signing_key_an_auto_approved_application_waits_for_a_person(db: Session, agent: Principal) -> None:
    add_auto_rule(db, "31", "medical", cargo_categories=["medical"], require_good_standing=False)
    app = apps.submit_application(db, agent, application(cargo_category="medical"))
    assert app.status == "pending"


def test_the_review_queue_lists_the_most_urgent_first(db: Session, agent: Principal, issuer: Principal, clock) -> None:
    first = apps.submit_application(db, agent, application(1))
    clock.advance(dt.timedelta(days=6))  # Thursday 5 May
    second = apps.submit_application(db, agent, dataclasses.replace(
        application(2), valid_from=clock.now().date(), valid_to=clock.now().date() + dt.timedelta(days=3)))
    queue = apps.review_queue(db, issuer)
    assert [a.id for a in queue] == [first.id, second.id]
    assert apps.working_days_left(db, first) == 2  # Fri 6 and Sat 7 May (a swapped working day)
