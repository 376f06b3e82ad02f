"""REFERENCE A.2 #22, 补换领机动车号牌: "Owner ID. Reissued within 15 days, same number. A 15-day temporary plate
meanwhile (art 51)". Approving a plate replacement issues the temporary plate with it; a refused temporary
plate (insurance lapsed) does not undo the replacement. Driving licences (A.2 #7, #8) have no such rule."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.business.meanwhile import rules
from jiaoguan.business.models import BusinessApplication
from jiaoguan.registry.models import TemporaryPlate, Vehicle
from tests.factories import business as f

Client = Any


def _replace_plates(db: Session, as_user: Callable[..., Client], who: f.Citizen,
                    seat: Principal) -> BusinessApplication:
    c = as_user(who.user)
    made = c.post("/api/v1/business/applications", json={"business": "plate_replacement", "plate": who.plate}).json()
    c.post(f"/api/v1/business/applications/{made['id']}/documents", data={"material": "id_card"},
           files={"file": ("id.png", f.PNG, "image/png")})
    version = c.get(f"/api/v1/business/applications/{made['id']}").json()["version"]
    c.post(f"/api/v1/business/applications/{made['id']}/submit", json={"version": version})
    s = as_user(seat)
    for action in ("accept", "start_review", "approve"):
        now = s.get(f"/api/v1/business/applications/{made['id']}").json()
        r = s.post(f"/api/v1/business/applications/{made['id']}/actions/{action}", json={"version": now["version"]})
        assert r.status_code == 200, r.text
    app = db.get(BusinessApplication, made["id"])
    assert app is not None
    db.refresh(app)
    return app


def test_reissued_within_15_days_same_number_a_15_day_temporary_plate_meanwhile_art_51(
        db: Session, as_user: Callable[..., Client], citizen: f.Citizen, seat: Principal) -> None:
    assert "A 15-day temporary plate meanwhile (art 51)" in rules()["plate_replacement"]["rule"]
    app = _replace_plates(db, as_user, citizen, seat)
    meanwhile = json.loads(app.effect_json)["meanwhile"]
    assert meanwhile["issued"] is True and meanwhile["valid_until"] == "2022-05-13"  # 15 days from Friday 04-29
    temp = db.query(TemporaryPlate).filter_by(plate_no=meanwhile["plate_no"]).one()
    assert (temp.reason, temp.valid_from, temp.valid_until) == ("replacement", dt.date(2022, 4, 29),
                                                               dt.date(2022, 5, 13))
    page = as_user(citizen.user).get(f"/business/applications/{app.id}").text
    assert 'id="meanwhile" data-issued="yes"' in page and meanwhile["plate_no"] in page


def test_a_temporary_plate_refused_meanwhile_leaves_the_replacement_standing(
        db: Session, as_user: Callable[..., Client], citizen: f.Citizen, seat: Principal) -> None:
    car = db.query(Vehicle).filter_by(plate_no=citizen.plate).one()
    car.insurance_valid_until = dt.date(2022, 4, 1)
    db.commit()
    app = _replace_plates(db, as_user, citizen, seat)
    effect = json.loads(app.effect_json)
    assert app.status == "approved" and effect["applied"] is True
    assert effect["meanwhile"]["issued"] is False and effect["meanwhile"]["refusal"]


def test_a_replaced_driving_licence_gives_nothing_meanwhile() -> None:
    assert set(rules()) == {"plate_replacement"}  # A.2 #7 遗失补证 and #8 损毁换证 say nothing of it
