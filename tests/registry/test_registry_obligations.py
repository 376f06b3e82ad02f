"""容缺办 (issue 11.5): renewed without the certificate, an obligation opens, reminds, blocks when overdue,
tells a supervisor, and closes when the certificate is handed in; the deadlines engine shows it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.checks import all_checks, obligation_due
from jiaoguan.kit.clock import today
from jiaoguan.kit.context import Actor
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.registry.changes import apply
from jiaoguan.registry.changes.obligations import sweep_obligations
from jiaoguan.registry.checks import Subject
from jiaoguan.registry.models import Obligation
from tests.factories import registry as f
from tests.factories.deadlines import publish_shipped

D = dt.date.fromisoformat
SEAT = Actor(42, "online_seat", "seat42")


def _messages(db: Session, template: str) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.template == template)))


def test_renewing_without_the_certificate_opens_an_obligation_due_after_the_default(db: Session) -> None:
    on = D("2026-11-02")
    who = f.person(db, phone="13700001111")
    lic = f.licence(db, who, valid_to=D("2026-12-20"))
    result = apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=on, defer_certificate=True)
    ob = db.get(Obligation, result.obligation_id)
    assert ob is not None and (ob.status, ob.due, ob.due_source, ob.person_id) == (
        "open", D("2027-05-02"), "default", who.id)
    assert lic.medical_due == D("2027-05-02") and lic.valid_to == D("2036-12-20")
    [sms] = _messages(db, "registry_obligation_opened")
    assert (sms.channel, sms.recipient, sms.params["due"]) == ("sms", "13700001111", "2027-05-02")


def test_the_due_date_comes_from_the_measure_in_force(db: Session) -> None:
    publish_shipped(db)
    # The June 2020 exit rules: "容缺 certificates due by 2020-12-31".
    assert obligation_due(db, "13", D("2020-07-01")) == (D("2020-12-31"), "measure:MPS-2020-EPIDEMIC@3")
    assert obligation_due(db, "13", D("2021-01-05")) is None
    lic = f.licence(db, f.person(db, province="13"), valid_to=D("2020-08-01"))
    result = apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=D("2020-07-01"), defer_certificate=True)
    ob = db.get(Obligation, result.obligation_id)
    assert ob is not None and (ob.due, ob.due_source) == (D("2020-12-31"), "measure:MPS-2020-EPIDEMIC@3")


def test_reminders_then_overdue_blocks_new_business_and_tells_the_supervisor(db: Session,
                                                                              make_user: Callable[..., User]) -> None:
    boss = make_user(Role.supervisor, province_code="11")
    who = f.person(db)
    lic = f.licence(db, who, valid_to=D("2026-12-20"))
    ob_id = apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=D("2026-11-02"),
                  defer_certificate=True).obligation_id
    ob = db.get(Obligation, ob_id)
    assert ob is not None
    assert sweep_obligations(db, D("2027-03-01")) == {"reminded": 0, "overdue": 0}
    assert sweep_obligations(db, D("2027-04-05")) == {"reminded": 1, "overdue": 0}   # 27 days left
    assert sweep_obligations(db, D("2027-04-06")) == {"reminded": 0, "overdue": 0}   # already told for 30
    assert sweep_obligations(db, D("2027-04-26")) == {"reminded": 1, "overdue": 0}   # 6 days left
    check = all_checks()["no overdue obligation"]
    assert check(db, Subject(person_id=who.id), D("2027-05-02")).ok
    assert sweep_obligations(db, D("2027-05-03")) == {"reminded": 0, "overdue": 1}
    assert ob.status == "overdue"
    blocked = check(db, Subject(person_id=who.id), D("2027-05-03"))
    assert not blocked.ok and "2027-05-02" in blocked.rule_text("en") and blocked.remedy
    [told] = _messages(db, "registry_obligation_overdue_staff")
    assert (told.channel, told.recipient) == ("inapp", str(boss.id))
    apply(db, "medical-certificate-submit", licence_id=lic.id, actor=SEAT, on=D("2027-05-10"))
    assert (ob.status, ob.closed_on) == ("closed", D("2027-05-10"))
    assert check(db, Subject(person_id=who.id), D("2027-05-10")).ok


@pytest.mark.parametrize("consequence, blocks", [("tell", False), ("block", True)])
def test_the_consequence_is_configured(db: Session, monkeypatch: pytest.MonkeyPatch, consequence: str,
                                       blocks: bool) -> None:
    monkeypatch.setenv("JIAOGUAN_RONGQUE_OVERDUE", consequence)
    who = f.person(db)
    lic = f.licence(db, who, valid_to=D("2026-12-20"))
    apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=D("2026-11-02"), defer_certificate=True)
    sweep_obligations(db, D("2027-06-01"))
    assert all_checks()["no overdue obligation"](db, Subject(person_id=who.id), D("2027-06-01")).ok is not blocks


def test_the_citizens_deadlines_show_the_open_obligation(db: Session, client: TestClient,
                                                         make_user: Callable[..., User],
                                                         sign_in: Callable[[TestClient, User], TestClient]) -> None:
    on = today()
    who = f.person(db)
    lic = f.licence(db, who, valid_to=on + dt.timedelta(days=30))
    result = apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=on, defer_certificate=True)
    ob = db.get(Obligation, result.obligation_id)
    assert ob is not None
    citizen = make_user(Role.citizen, person_id=who.id)
    mine = sign_in(client, citizen).get("/api/v1/deadlines/me").json()
    kinds = {(d["kind"], d["deadline"], tuple(d["rules"])) for r in mine for d in r["deadlines"]}
    assert ("medical-certificate", ob.due.isoformat(), ("RONGQUE",)) in kinds
    page = client.get("/my/deadlines").text
    assert ob.due.isoformat() in page


def test_the_registry_events_carry_the_contract_payload_and_overdue_reaches_the_figures(db: Session) -> None:
    from jiaoguan.kit import events
    from jiaoguan.stats.counters import value

    who = f.person(db)
    lic = f.licence(db, who, valid_to=D("2026-12-20"))
    apply(db, "licence-renewal", licence_id=lic.id, actor=SEAT, on=D("2026-11-02"), defer_certificate=True)
    sweep_obligations(db, D("2027-05-03"))
    apply(db, "medical-certificate-submit", licence_id=lic.id, actor=SEAT, on=D("2027-05-10"))
    sent = db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "event",
                                                  OutboxMessage.template.like("registry.obligation_%"))).all()
    payloads = {m.template: m.params["payload"] for m in sent}
    assert payloads["registry.obligation_overdue"]["person"] == str(who.id)
    assert payloads["registry.obligation_overdue"]["day"] == "2027-05-03"
    # registry.obligation_overdue -> business (re-emits business.obligation_overdue) -> the figures.
    while events.dispatch_due(db, limit=100):
        pass
    assert value(db, "obligations.overdue", "11", D("2027-05-03")) == 1
