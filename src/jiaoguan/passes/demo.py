"""Demo data of the pass room: keys for the demo provinces, checkpoints, an auto-approval rule, and a few
applications and passes of the demo haulier (the `agent` account's company).

`jiaoguan.demo.load` calls `load_demo_part(session, world)`; `load_pass_demo(session)` does the same from
the demo accounts alone. Both only flush.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import EnterpriseView, enterprise_of
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import assign_province, principal_by_username
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.ids.licence import permits
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.applications.form import ApplicationInput, CrewInput
from jiaoguan.passes.applications.policy import add_auto_rule, configure_province
from jiaoguan.passes.checkpoint import scans as cp
from jiaoguan.passes.issuance.keystore import init_keys
from jiaoguan.passes.models import PassAutoApprovalRule
from jiaoguan.registry.queries import PersonFacts, latest_licence_of, persons_in_province, vehicles_of_enterprise

DEMO_PROVINCES = ["11", "31", "44", "51", "14", "42"]
CHECKPOINTS = (
    ("BJ-G4-DJK", "京港澳高速杜家坎检查站", "Dujiakan checkpoint, G4 Beijing–Hong Kong–Macao", "11", "110106"),
    ("BJ-G1-JZ", "京哈高速觅子店检查站", "Mizidian checkpoint, G1 Beijing–Harbin", "11", "110112"),
    ("SH-G60-FJ", "沪昆高速枫泾收费站", "Fengjing toll station, G60 Shanghai–Kunming", "31", "310117"),
    ("HB-G4-WH", "京港澳高速武汉北收费站", "Wuhan North toll station, G4", "42", "420116"),
)
PLATE_COLOUR_BY_TYPE = {"01": "yellow", "02": "blue", "51": "yellow_green", "52": "green", "15": "yellow"}
ROUTES = (("420102", "武汉市江岸区解放大道1277号", "武汉某医院"),
          ("110105", "北京市朝阳区东三环中路5号", "北京某超市配送中心"),
          ("440305", "深圳市南山区科技园南区", "深圳某电子有限公司"),
          ("510107", "成都市武侯区人民南路4段", "成都某物流园"))
CARGO = (("medical", "医用口罩、防护服", "300箱", 4200), ("daily_necessities", "大米、食用油", "800袋", 21000),
         ("key_industrial", "汽车零部件", "40托", 18000), ("energy", "柴油", "2罐", 16000))




def load_pass_demo(session: Session, *, agent: str = "agent", issuer: str = "issuer", officer: str = "officer",
                   enterprise_id: int | None = None) -> dict[str, int]:
    """Keys, checkpoints, a rule and a few passes for the demo enterprise; returns row counts."""
    counts: dict[str, int] = {"pass_signing_key": len(init_keys(session, DEMO_PROVINCES))}
    points = [cp.ensure_checkpoint(session, code, name, province_code=prov, division_code=div, name_en=en)
              for code, name, en, prov, div in CHECKPOINTS]
    counts["checkpoint"] = len(points)
    agent_user, issuer_user, officer_user = (principal_by_username(session, n) for n in (agent, issuer, officer))
    firm_id = enterprise_id or (agent_user.enterprise_id if agent_user else None)
    firm = enterprise_of(session, firm_id)
    if agent_user is None or issuer_user is None or firm is None:
        return counts
    configure_province(session, firm.province_code, issuer_name="重点物资运输车辆通行证核发专班（演示）",
                       verification_phone="12328")
    if issuer_user.province_code != firm.province_code:
        # Passes are issued by the province of the applying enterprise: the demo issuer works there.
        issuer_user = assign_province(session, issuer_user.id, firm.province_code)
    exists = session.execute(select(PassAutoApprovalRule.id).where(
        PassAutoApprovalRule.province_code == firm.province_code)).first()
    if exists is None:
        add_auto_rule(session, firm.province_code, "医疗防控物资即接即办", cargo_categories=["medical"])
    made = _applications(session, agent_user, issuer_user, firm)
    counts.update(made)
    if officer_user is not None:
        counts["checkpoint_scan"] = _scans(session, officer_user, points[0])
    return counts


def _applications(session: Session, agent: Principal, issuer: Principal, firm: EnterpriseView) -> dict[str, int]:
    vehicles = vehicles_of_enterprise(session, firm.id, limit=40)
    start = today()
    people = _drivers(session, firm.province_code, start + dt.timedelta(days=30))
    made = {"pass_application": 0, "transport_pass": 0}
    plan = ["approve", "approve", "auto", "pending", "pending"]
    for vehicle in vehicles:
        if not plan or len(people) < 2:
            break
        i, step = 5 - len(plan), plan[0]
        pair = (people[(2 * i) % len(people)], people[(2 * i + 1) % len(people)])
        crew = tuple(CrewInput(p.name, p.id_number, p.phone or f"139{firm.id % 1000:03d}{i:02d}{k:03d}")
                     for k, p in enumerate(pair))
        dest, address, consignee = ROUTES[i % len(ROUTES)]
        category, goods, quantity, weight = CARGO[0] if step == "auto" else CARGO[1 + i % 3]
        raw = ApplicationInput(
            plate_no=vehicle.plate_no, plate_colour=PLATE_COLOUR_BY_TYPE.get(vehicle.plate_type, "yellow"),
            vin=vehicle.vin, transport_cert_no=f"{firm.address_division}{vehicle.id % 10**6:06d}", crew=crew,
            origin_code=firm.address_division, origin_address="企业仓库", destination_code=dest,
            destination_address=address, consignor=firm.name, consignee=consignee, cargo_category=category,
            cargo_name=goods, cargo_quantity=quantity, cargo_weight_kg=str(weight), valid_from=start,
            valid_to=start + dt.timedelta(days=9), contact_name=agent.display_name,
            contact_phone=firm.contact_phone or "13800138000",
        )
        try:
            with session.begin_nested():
                app = apps.submit_application(session, agent, raw)
                if step == "approve":
                    apps.approve(session, app.id, issuer)
        except JiaoguanError:
            continue  # a demo vehicle the form or the register refuses is simply left out
        plan.pop(0)
        made["pass_application"] += 1
        made["transport_pass"] += app.status == "approved"
    return made


def _drivers(session: Session, province: str, until: dt.date) -> list[PersonFacts]:
    """People of the province whose licence lets them drive a tractor-trailer (A2) until `until`."""
    found = []
    for p in persons_in_province(session, province, limit=1000):
        lic = latest_licence_of(session, p.id_number)
        if lic is not None and lic.status == "valid" and permits(lic.classes, "A2") and (
                lic.valid_to is None or lic.valid_to >= until):
            found.append(p)
    return found


def _scans(session: Session, officer: Principal, point: Any) -> int:
    """Some offline scans of the last hours, so the figures page has something to show."""
    now = utc_now()
    reasons = [None, None, None, "expired", None, "revoked_pass", None, "bad_signature", None, None]
    scans = [cp.OfflineScan(f"demo-{point.code}-{i}", point.code, str(1 + i % 3),
                            now - dt.timedelta(minutes=17 * i + 5), reasons[i % len(reasons)] is None,
                            reasons[i % len(reasons)], None, None, 2500 + (i * 733) % 9000)
             for i in range(24)]
    return len(cp.record_offline_scans(session, officer, scans).accepted)


def load_demo_part(session: Session, world: Any) -> dict[str, int]:
    """The hook `jiaoguan.demo.load` calls for every room."""
    return load_pass_demo(session, enterprise_id=world.enterprise_id)
