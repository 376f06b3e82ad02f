"""A refusal says the reason the issuer chose (issue 9.3): the reason is a required choice with no default, the
refusal is confirmed on a page that shows what the applicant will read, and the applicant sees reason and note."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.i18n import translate
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.models import PassApplication
from tests.factories.passes import application

TOKEN = {"csrf_token": "test-csrf-token"}


def _as(client: TestClient, sign_in, user: Principal) -> TestClient:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user)


def _status(db: Session, app_id: int) -> str:
    db.expire_all()
    row = db.get(PassApplication, app_id)
    assert row is not None
    return row.status


def test_the_reason_has_no_default_and_a_note_alone_refuses_nothing(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal) -> None:
    app = apps.submit_application(db, agent, application(1))
    db.commit()
    _as(client, sign_in, issuer)
    page = client.get(f"/passes/review/{app.id}").text
    select = page.split('id="refuse-reason"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r"<option[^>]*selected[^>]*>", select) == ['<option value="" selected disabled>']
    answer = client.post(f"/passes/review/{app.id}/refuse", data=TOKEN | {"note": "车辆信息有误"})
    assert answer.status_code == 422 and "请选择" in answer.text
    assert _status(db, app.id) == "pending"
    answer = client.post(f"/passes/review/{app.id}/refuse", data=TOKEN | {"note": "车辆信息有误", "confirmed": "yes"})
    assert answer.status_code == 422 and _status(db, app.id) == "pending"


def test_a_refusal_is_confirmed_and_the_applicant_reads_the_chosen_reason_and_the_note(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal) -> None:
    app = apps.submit_application(db, agent, application(2))
    db.commit()
    _as(client, sign_in, issuer)
    chosen = {"reason": "crew", "note": "驾驶员身份证号与驾驶证不一致"}
    asked = client.post(f"/passes/review/{app.id}/refuse", data=TOKEN | chosen)
    assert asked.status_code == 200 and 'id="refuse-confirm"' in asked.text
    assert asked.text.split('id="confirm-reason">', 1)[1].split("<", 1)[0] == translate(
        apps.REFUSAL_REASONS["crew"], "zh_Hans")
    assert "驾驶员身份证号与驾驶证不一致" in asked.text
    assert _status(db, app.id) == "pending"  # nothing happens until confirmed
    done = client.post(f"/passes/review/{app.id}/refuse", data=TOKEN | chosen | {"confirmed": "yes"},
                       follow_redirects=False)
    assert done.status_code == 303 and _status(db, app.id) == "refused"

    _as(client, sign_in, agent)
    detail = client.get(f"/passes/applications/{app.id}").text
    reason = detail.split('id="refusal-reason">', 1)[1].split("<", 1)[0]
    assert reason == asked.text.split('id="confirm-reason">', 1)[1].split("<", 1)[0]
    assert "重点物资" not in reason  # not the old silent default
    assert 'id="refusal-note">驾驶员身份证号与驾驶证不一致' in detail
    assert "驾驶员身份证号与驾驶证不一致" in client.get("/passes/mine").text
