"""What the holder may use while a replacement is made, as data (`data/meanwhile.json`, quoting REFERENCE).

补换领机动车号牌 (A.2 #22): "Reissued within 15 days, same number. A 15-day temporary plate meanwhile (art 51)":
when the replacement is approved, the register also issues a temporary plate of 15 days (never beyond the
compulsory insurance, at most three per vehicle — the registry's rules). If the register refuses it (insurance
lapsed, three already issued), the replacement still stands and the refusal is kept with the effect.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.business import register
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.registry.queries import record
from jiaoguan.registry.records import VehicleRecord


@cache
def rules() -> dict[str, dict[str, Any]]:
    text = (resources.files("jiaoguan.business") / "data" / "meanwhile.json").read_text("utf-8")
    return {code: rule for code, rule in json.loads(text).items() if not code.startswith("_")}


def issue_meanwhile(session: Session, business_code: str, vehicle_id: int | None, *, actor: Any,
                    on: dt.date) -> dict[str, Any] | None:
    """The temporary document the rule gives while the replacement is made, as the effect's data; None when
    the business has no such rule."""
    rule = rules().get(business_code)
    vehicle = record(session, "vehicle", vehicle_id) if rule and vehicle_id is not None else None
    if rule is None or not isinstance(vehicle, VehicleRecord) or vehicle.owner_person_id is None:
        return None
    issue = register.effects()[rule["effect"]]
    try:
        with session.begin_nested():
            result = issue(session, person_id=vehicle.owner_person_id, vin=vehicle.vin, actor=actor, on=on,
                           days=int(rule["days"]), insurance_valid_until=vehicle.insurance_valid_until,
                           replacement=True)
    except JiaoguanError as exc:
        return {"rule": rule["rule"], "issued": False, "refusal": exc.text()}
    return {"rule": rule["rule"], "issued": True, **dict(result.changed)}
