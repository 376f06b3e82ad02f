"""Real effects of businesses on the register (issue 11.4 and 11.5): one function per effect.

Every effect takes the session and keyword arguments, always `actor` (a `Principal`, a kit `Actor`, or
None for whoever is acting now) and `on` (the local date of the fact); it checks its rules (refusing with
`EffectRefused`, a 422 problem whose code is `registry.<reason>` and whose body names the `rule`, the
`article` and the `remedy`), writes the register, audits the change with the actor, emits the domain event
`registry.changed` {business, subject_type, subject_id, province, day, person} and returns an
`EffectResult`. It flushes, never commits: the caller's unit of work owns the transaction.

`EFFECTS` is keyed by the catalogue's business code (REFERENCE A.2, its row number in brackets), with the
arguments each takes beside `actor` and `on`:

| code | business | arguments |
|---|---|---|
| `learner-permit-proof` | [3] 学习驾驶证明 (打印/下载) | permit_id |
| `licence-renewal` | [5] 期满换证 (超龄 downgrade included) | licence_id, defer_certificate=False (容缺) |
| `licence-age-renewal` | [6] 超龄换证 | licence_id |
| `licence-replace-lost` | [7] 遗失补证 | licence_id |
| `licence-replace-damaged` | [8] 损毁换证 | licence_id |
| `licence-defer-renewal` | [9] 延期换证 | licence_id, until, reason="other" |
| `licence-defer-review` | [10] 延期审验 | licence_id, until, reason |
| `licence-defer-medical` | [11] 延期提交身体条件证明 | licence_id, until, reason |
| `medical-certificate-submit` | [12] 提交身体条件证明 (closes 容缺) | licence_id, issued_on=None |
| `study-points` | [15] 学法减分 | licence_id |
| `driver-contact-change` | [16] 变更驾驶人联系方式 | person_id, phone=None, address=None |
| `e-licence` | [17] 驾驶证电子版申领 | licence_id |
| `plate-preselect-new` | [18] 新车注册登记预选号牌 | person_id, vin, plate_no, plate_type="02", hold_working_days=15 |
| `plate-preselect-transfer` | [19] 二手车转移登记预选号牌 | as plate-preselect-new |
| `temporary-plate` | [21] 申领临时号牌 | person_id, vin, days, insurance_valid_until, replacement=False |
| `plate-replace` | [22] 补换领机动车号牌 | vehicle_id |
| `vehicle-licence-replace` | [23] 补换领机动车行驶证 | vehicle_id |
| `sticker-replace` | [24] 补换领检验合格标志 | vehicle_id |
| `exempt-sticker` | [25] 免检车申领检验标志 (electronic) | vehicle_id |
| `vehicle-contact-change` | [27] 变更机动车联系方式 | person_id, phone=None, address=None |
| `camera-violation` | [30] 电子监控违法处理 | violation_id, licence_id |
| `fine-payment` | [31] 缴纳罚款 | violation_id, provider=None (see `registry.payments`) |

The other businesses of the catalogue (exam and inspection bookings, mortgages, accidents, proxies, …)
change nothing in the register themselves and run through business's generic flow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jiaoguan.registry.changes.base import CHANGED_EVENT, EffectRefused, EffectResult
from jiaoguan.registry.changes.licences import (
    change_contact,
    change_vehicle_contact,
    defer_medical,
    defer_renewal,
    defer_review,
    downgrade_licence,
    issue_e_licence,
    issue_learner_permit_proof,
    renew_licence,
    replace_damaged_licence,
    replace_lost_licence,
    submit_medical_certificate,
)
from jiaoguan.registry.changes.vehicles import (
    issue_exempt_sticker,
    issue_temporary_plate,
    preselect_plate,
    preselect_transfer_plate,
    replace_plate,
    replace_sticker,
    replace_vehicle_licence,
)
from jiaoguan.registry.changes.violations import handle_camera_violation, pay_fine, study_points

EFFECTS: dict[str, Callable[..., EffectResult]] = {
    "learner-permit-proof": issue_learner_permit_proof,
    "licence-renewal": renew_licence,
    "licence-age-renewal": downgrade_licence,
    "licence-replace-lost": replace_lost_licence,
    "licence-replace-damaged": replace_damaged_licence,
    "licence-defer-renewal": defer_renewal,
    "licence-defer-review": defer_review,
    "licence-defer-medical": defer_medical,
    "medical-certificate-submit": submit_medical_certificate,
    "study-points": study_points,
    "driver-contact-change": change_contact,
    "e-licence": issue_e_licence,
    "plate-preselect-new": preselect_plate,
    "plate-preselect-transfer": preselect_transfer_plate,
    "temporary-plate": issue_temporary_plate,
    "plate-replace": replace_plate,
    "vehicle-licence-replace": replace_vehicle_licence,
    "sticker-replace": replace_sticker,
    "exempt-sticker": issue_exempt_sticker,
    "vehicle-contact-change": change_vehicle_contact,
    "camera-violation": handle_camera_violation,
    "fine-payment": pay_fine,
}


def apply(session: Any, business: str, **arguments: Any) -> EffectResult:
    """Run the effect of `business` (a catalogue code above) with its arguments."""
    return EFFECTS[business](session, **arguments)


__all__ = ["CHANGED_EVENT", "EFFECTS", "EffectRefused", "EffectResult", "apply"]
