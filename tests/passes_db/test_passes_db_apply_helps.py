"""The apply form helps (issue 9.5): each error of the summary names its field, the vehicle is picked from the
fleet, origin and destination are counties picked or typed by name, the contact mobile is prefilled, and the
CSV template's sample row carries current dates and Chinese words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.clock import FixedClock
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.applications.csv_batch import parse_csv, template_csv
from jiaoguan.passes.models import PassApplication
from tests.factories.passes import FRIDAY, application


def _as(client: TestClient, sign_in, user: Principal) -> TestClient:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user)


def _summary(html: str) -> list[str]:
    box = html.split('id="form-error"', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", box)]


def test_every_error_of_the_summary_names_its_field(client: TestClient, sign_in, agent: Principal) -> None:
    _as(client, sign_in, agent)
    page = client.post("/passes/apply", data={"csrf_token": "test-csrf-token", "contact_phone": ""})
    assert page.status_code == 422
    items = _summary(page.text)
    assert len(items) >= 14
    assert len(set(items)) == len(items), items  # no more "请填写此项。" fourteen times over
    assert "车牌号码：请填写此项。" in items and "驾驶员 · 姓名：请至少填写驾驶员。" in items
    assert "联系手机：请填写此项。" in items and "始发地（县级行政区）：请填写此项。" in items


def test_the_form_offers_the_fleet_earlier_crews_and_prefills_the_mobile(
        client: TestClient, sign_in, db: Session, agent: Principal) -> None:
    apps.submit_application(db, agent, application(7))
    db.commit()
    _as(client, sign_in, agent)
    page = client.get("/passes/apply").text
    fleet = page.split('id="f-fleet"', 1)[1].split("</select>", 1)[0]
    assert f'value="{application(1).plate_no}" data-vin="{application(1).vin}" data-colour="yellow"' in fleet
    assert fleet.count("<option") == 41  # the 40 vehicles of the fleet and "or type"
    assert f'value="{application(7).crew[0].id_number}" data-name="张伟"' in page
    assert 'name="contact_phone" id="f-contact_phone" value="13800138000"' in page  # the enterprise's mobile
    assert 'name="origin_code" id="f-origin_code" value="上海市浦东新区 310115"' in page
    assert '<script src="/passes/assets/apply.js" defer></script>' in page
    assert client.get("/passes/assets/apply.js").status_code == 200


def test_counties_are_picked_or_typed_by_name(client: TestClient, sign_in, db: Session, agent: Principal) -> None:
    _as(client, sign_in, agent)
    names = client.get("/passes/counties.json").json()
    assert "上海市浦东新区 310115" in names and "湖北省武汉市江岸区 420102" in names
    assert not any(n.endswith("310000") or n.endswith("310100") for n in names)  # counties only
    raw = application(1)
    form = {"plate_no": raw.plate_no, "plate_colour": "yellow", "vin": raw.vin, "transport_cert_no": "310115000001",
            "crew-0-name": "张伟", "crew-0-id_number": raw.crew[0].id_number, "crew-0-phone": "13812345678",
            "origin_code": "上海市浦东新区", "origin_address": "外高桥1号",
            "destination_code": "湖北省武汉市江岸区 420102",
            "destination_address": "解放大道2号", "consignor": "上海某公司", "consignee": "武汉某医院",
            "cargo_category": "energy", "cargo_name": "柴油", "cargo_quantity": "2罐", "cargo_weight_kg": "18000",
            "valid_from": "2022-04-29", "valid_to": "2022-05-05", "contact_name": "周涛",
            "contact_phone": "13700137000", "csrf_token": "test-csrf-token"}
    sent = client.post("/passes/apply", data=form, follow_redirects=False)
    assert sent.status_code == 303, _summary(sent.text)
    app = db.execute(select(PassApplication)).scalar_one()
    assert (app.origin_code, app.destination_code) == ("310115", "420102")
    vague = client.post("/passes/apply", data=form | {"origin_code": "浦东"})
    assert vague.status_code == 422 and any(i.startswith("始发地（县级行政区）：") for i in _summary(vague.text))


def test_the_csv_template_has_current_dates_and_chinese_words(clock: FixedClock) -> None:
    text = template_csv()
    row = next(r for r in csv.reader(io.StringIO(text)) if r and r[0] == "粤B12345")
    assert "medical" not in row and "医疗与防控物资" in row and "黄" in row
    first, last = (dt.date.fromisoformat(d) for d in row[25:27])
    assert first > FRIDAY.date() and (last - first).days == 6
    parsed = parse_csv(text.encode())
    assert parsed.problems == [] and parsed.rows[0].application.cargo_category == "medical"
