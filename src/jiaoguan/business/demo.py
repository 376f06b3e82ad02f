"""Demo data of the business room: the shipped catalogue, and applications of the demo citizen in several
states (waiting for a seat, in review, waiting on a correction, an emergency, done at once, one by proxy), so
every page shows something; a batch request of the demo haulier (集中办理). Only flushes."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import principal_by_username
from jiaoguan.business import documents, identity, proxies, service, service_requests
from jiaoguan.business.catalogue_store import seed
from jiaoguan.business.models import BusinessApplication
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.passes.service import enterprise_active_plates

# A 1×1 PNG: what the demo "photographs" (the content check wants real PNG bytes).
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
                       "awAAAABJRU5ErkJggg==")


def _apply(session: Session, user: Principal, code: str, *, materials: tuple[str, ...] = ("id_card",),
           face: bool = False, **kw: Any) -> BusinessApplication | None:
    try:
        with session.begin_nested():
            app = service.create_application(session, user, code, **kw)
            for m in materials:
                documents.upload(session, user, app.id, m, f"{m}.png", PNG)
            if face:
                identity.face_check(session, user, app.id, "confirm")
            return service.submit(session, user, app.id, expected_version=app.version)
    except JiaoguanError:
        return None  # a demo person whose records the business does not fit is simply left out


def _acts(session: Session, seat: Principal, app: BusinessApplication | None, *steps: str, note: str = "") -> None:
    if app is None:
        return
    try:
        with session.begin_nested():
            for action in steps:
                service.act(session, seat, app.id, action, expected_version=app.version, note=note)
    except JiaoguanError:
        pass


def load_business_demo(session: Session, *, citizen: str = "citizen", elder: str = "elder",
                       seat: str = "seat") -> dict[str, int]:
    counts = {"business_type": seed(session)["added"]}
    who, old, worker = (principal_by_username(session, n) for n in (citizen, elder, seat))
    if who is None or worker is None:
        return counts
    # No open licence renewal: the citizen's own 容缺 renewal is the README's walk-through (and the browser
    # test's), and one application of a business may be open at a time. A minor accident waits for a seat.
    made = [
        _apply(session, who, "minor_accident_quick", materials=("id_card", "accident_photos")),
        _apply(session, who, "vehicle_licence_replacement"),
        _apply(session, who, "exempt_sticker", materials=("id_card", "vehicle_tax")),
        _apply(session, who, "licence_lost", materials=("id_card", "photo"), face=True, emergency=True,
               emergency_reason="出差途中遗失，需驾车运送防疫物资", delivery_method="post",
               delivery_address="北京市朝阳区东三环中路5号"),
        # The address only: the citizen's phone is the README's SMS sign-in number and must stay it.
        _apply(session, who, "driver_contact_change", answers={"address": "北京市东城区东长安街14号"}),
    ]
    _acts(session, worker, made[1], "accept", "start_review")
    _acts(session, worker, made[2], "accept", "request_correction",
          note="请上传有效期内的交强险保单（电子保单截图即可）。")
    _acts(session, worker, made[3], "accept")
    if old is not None:
        try:
            with session.begin_nested():
                proxies.authorise(session, old, proxy_username=who.username, relation="child",
                                  businesses=["owner_contact_change", "medical_certificate", "licence_renewal"],
                                  expires_on=today() + dt.timedelta(days=180), consent=True)
        except JiaoguanError:
            pass
        made.append(_apply(session, who, "owner_contact_change", on_behalf_of=old.id,
                           answers={"phone": "13900139001", "address": "上海市黄浦区中山东一路1号"}))
    counts["business_application"] = sum(a is not None for a in made)
    counts["business_service_request"] = _service_request(session)
    return counts


def _service_request(session: Session, agent: str = "agent") -> int:
    """The demo haulier asks for its pass-holding vehicles' business to be handled in one batch at the hall."""
    who = principal_by_username(session, agent)
    plates = enterprise_active_plates(session, who.enterprise_id) if who and who.enterprise_id else []
    if who is None or not plates:
        return 0
    try:
        with session.begin_nested():
            service_requests.request_service(session, who, kind="batch", plates=" ".join(plates[:5]),
                                             business="行驶证补领、检验合格标志申领",
                                             contact_phone=who.phone or "13800138000",
                                             preferred_date=today() + dt.timedelta(days=3))
    except JiaoguanError:
        return 0
    return 1


def load_demo_part(session: Session, world: Any) -> dict[str, int]:
    """The hook `jiaoguan.demo.load` calls for every room."""
    return load_business_demo(session)
