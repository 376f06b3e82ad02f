"""Demo part: violations and scoring-cycle points for the featured people (学法减分, 电子监控违法处理, 缴纳罚款),
and a licence card on record for each featured licence (replacements void it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.registry import rules
from jiaoguan.registry.models import (
    DrivingLicence,
    LearnerPermit,
    PointEntry,
    RegistryDocument,
    Vehicle,
    Violation,
)

# (featured state, source, violation code, place, points, fine, status, days ago)
VIOLATIONS = (
    ("renewal_window", "camera", "1625", "北京市朝阳区建国路与东三环路口", 2, 200, "handled", 40),
    ("renewal_window", "camera", "1352", "北京市东城区长安街", 3, 200, "recorded", 12),
    ("renewal_window", "camera", "1039", "北京市海淀区中关村大街", 0, 100, "recorded", 5),
    ("over_70_medical_due", "camera", "1345", "上海市黄浦区延安东路", 1, 150, "recorded", 8),
    ("ab_review_due", "onsite", "1636", "四川省成都市绕城高速", 6, 200, "paid", 120),
)


def load_demo_part(session: Session, world: Any) -> dict[str, int]:
    on: dt.date = world.on
    made = {"violation": 0, "point_entry": 0, "registry_document": 0}
    for state, source, code, place, points, fine, status, ago in VIOLATIONS:
        person_id = world.featured.get(state)
        if person_id is None:
            continue
        lic = session.scalars(select(DrivingLicence).where(DrivingLicence.person_id == person_id)
                              .order_by(DrivingLicence.id)).first()
        car = session.scalars(select(Vehicle).where(Vehicle.owner_person_id == person_id)
                              .order_by(Vehicle.id)).first()
        day = on - dt.timedelta(days=ago)
        v = Violation(vehicle_id=car.id if car else None, person_id=person_id if status != "recorded" else None,
                      licence_id=lic.id if lic and status != "recorded" else None, source=source, code=code,
                      place=place, occurred_at=dt.datetime.combine(day, dt.time(9, 30), CHINA_TZ).astimezone(dt.UTC),
                      points=points, fine_yuan=fine, status=status,
                      handled_on=day + dt.timedelta(days=3) if status != "recorded" else None,
                      paid_on=day + dt.timedelta(days=5) if status == "paid" else None,
                      province_code=car.province_code if car else (lic.province_code if lic else "11"))
        session.add(v)
        session.flush()
        made["violation"] += 1
        if status != "recorded" and lic is not None:
            v.decision_no = f"{v.province_code}{day:%Y%m%d}{v.id:08d}"
            # The licence's stored points already count it (featured data); the ledger explains them.
            session.add(PointEntry(licence_id=lic.id, cycle_start=rules.cycle_start_on(lic.cycle_start, on),
                                   delta=points, reason="violation", violation_id=v.id, entered_on=day,
                                   province_code=lic.province_code))
            made["point_entry"] += 1
    for person_id in sorted(set(world.featured.values())):
        for lic in session.scalars(select(DrivingLicence).where(DrivingLicence.person_id == person_id)):
            session.add(RegistryDocument(subject_type="licence", subject_id=lic.id, person_id=person_id,
                                         kind="licence_card", serial=1, reason="issue", issued_on=lic.valid_from,
                                         valid_until=lic.valid_to, status="valid", province_code=lic.province_code))
            made["registry_document"] += 1
    # The `citizen` sign-in already holds an electronic licence and a learner-permit proof ("My documents").
    citizen = world.featured.get("renewal_window")
    for lic in session.scalars(select(DrivingLicence).where(DrivingLicence.person_id == citizen)):
        session.add(RegistryDocument(subject_type="licence", subject_id=lic.id, person_id=citizen, kind="e_licence",
                                     serial=1, reason="issue", issued_on=on - dt.timedelta(days=30),
                                     valid_until=lic.valid_to, status="valid", province_code=lic.province_code))
        made["registry_document"] += 1
    for permit in session.scalars(select(LearnerPermit).where(LearnerPermit.person_id == citizen,
                                                              LearnerPermit.status == "valid")):
        session.add(RegistryDocument(subject_type="learner-permit", subject_id=permit.id, person_id=citizen,
                                     kind="learner_permit_proof", serial=1, reason="issue", issued_on=permit.issued_on,
                                     valid_until=permit.valid_until, status="valid",
                                     province_code=permit.province_code))
        made["registry_document"] += 1
    session.flush()
    return made
