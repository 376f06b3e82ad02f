"""One action, one word (issue 9.7): 撤销 for revoking a pass everywhere (吊销 is a licence penalty, 作废 another
word), 已放行 for vehicles let through, no English inside Chinese sentences, the e-pass title once, no raw
reason codes beside the text, and a pass issued on the spot is announced as issued."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.applications.policy import add_auto_rule
from jiaoguan.passes.checkpoint import scans as cp
from jiaoguan.passes.issuance.revocation import revoke_pass
from jiaoguan.passes.qr import reasons as R
from tests.factories.passes import FRIDAY, application


def _as(client: TestClient, sign_in, user: Principal) -> TestClient:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user)


def _text(html: str) -> str:
    body = html.split("<main", 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)))


def test_revoking_a_pass_is_called_che_xiao_on_every_page(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, keys: None) -> None:
    kept = apps.approve(db, apps.submit_application(db, agent, application(1)).id, issuer)
    gone = apps.approve(db, apps.submit_application(db, agent, application(2)).id, issuer)
    revoke_pass(db, gone.pass_no, issuer, "货物与申请不符")
    db.commit()
    _as(client, sign_in, issuer)
    issued = _text(client.get("/passes/issued").text)
    assert "撤销" in issued and "已撤销" in issued
    for page in (issued, _text(client.get(f"/passes/pass/{gone.pass_no}/print").text)):
        assert "作废" not in page and "吊销" not in page
    _as(client, sign_in, agent)
    for path in ("/passes/mine", f"/passes/pass/{gone.pass_no}/e-pass", f"/passes/pass/{gone.pass_no}/print"):
        text = _text(client.get(path).text)
        assert "作废" not in text and "吊销" not in text, path
    assert "已撤销" in _text(client.get("/passes/mine").text)
    epass = _text(client.get(f"/passes/pass/{kept.pass_no}/e-pass").text)
    assert epass.count("重点物资运输车辆通行证") == 1


def test_the_checkpoint_figures_say_let_through_and_show_no_reason_codes(
        client: TestClient, sign_in, db: Session, officer: Principal, checkpoint, clock) -> None:
    import datetime as dt

    clock.advance(dt.timedelta(hours=3))
    at = FRIDAY
    scans = [cp.OfflineScan("w1", checkpoint.code, "1", at, True, None, None, None, 3000),
             cp.OfflineScan("w2", checkpoint.code, "1", at, False, R.EXPIRED, None, None, 3000)]
    cp.record_offline_scans(db, officer, scans)
    db.commit()
    _as(client, sign_in, officer)
    text = _text(client.get(f"/checkpoint/figures?checkpoint={checkpoint.code}&day=2022-04-29").text)
    assert "已放行" in text and "放弃" not in text
    assert R.EXPIRED not in text


def test_an_overlap_refusal_in_chinese_has_no_english_word(db: Session, agent: Principal, issuer: Principal,
                                                           keys: None) -> None:
    apps.submit_application(db, agent, application(3))
    with pytest.raises(apps.VehicleAlreadyHasPass) as pending:
        apps.submit_application(db, agent, application(3))
    issued = apps.approve(db, apps.submit_application(db, agent, application(4)).id, issuer)
    with pytest.raises(apps.VehicleAlreadyHasPass) as held:
        apps.submit_application(db, agent, application(4))
    for exc in (pending, held):
        assert not re.search(r"[A-Za-z]{3,}", exc.value.text("zh_Hans")), exc.value.text("zh_Hans")
    assert issued.pass_no in held.value.text("zh_Hans")


def test_a_pass_issued_on_the_spot_is_announced_as_issued(client: TestClient, sign_in, db: Session,
                                                          agent: Principal, keys: None) -> None:
    add_auto_rule(db, "31", "医疗即接即办", cargo_categories=["energy"], require_good_standing=False)
    db.commit()
    _as(client, sign_in, agent)
    raw = application(5)
    form = {"plate_no": raw.plate_no, "plate_colour": "yellow", "vin": raw.vin, "transport_cert_no": "310115000001",
            "crew-0-name": "张伟", "crew-0-id_number": raw.crew[0].id_number, "crew-0-phone": "13812345678",
            "origin_code": "310115", "origin_address": "外高桥1号", "destination_code": "420102",
            "destination_address": "解放大道2号", "consignor": "上海某公司", "consignee": "武汉某医院",
            "cargo_category": "energy", "cargo_name": "柴油", "cargo_quantity": "2罐", "cargo_weight_kg": "18000",
            "valid_from": "2022-04-29", "valid_to": "2022-05-05", "contact_name": "周涛",
            "contact_phone": "13700137000", "csrf_token": "test-csrf-token"}
    mine = client.post("/passes/apply", data=form)
    notice = mine.text.split('id="mine-notice">', 1)[1].split("</p>", 1)[0]
    assert "已核发" in notice and re.search(r"\d{12}", notice), notice
