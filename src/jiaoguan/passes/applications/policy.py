"""Each province's pass policy (validity maximum, review SLA, numbering area) and auto-approval rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import PROVINCES, find_division
from jiaoguan.passes.models import PassAutoApprovalRule, PassProvinceSettings, TransportPass
from jiaoguan.passes.states import PassStatus
from jiaoguan.passes.vocab import CARGO_CATEGORIES

NUMBER_AREAS = ("province", "prefecture")
# An enterprise is in good standing when none of its passes was revoked by an issuer for this long.
GOOD_STANDING_DAYS = 180


def province_settings(session: Session, province_code: str) -> PassProvinceSettings:
    """The province's row, or the defaults (not stored) when it has none yet."""
    row = session.get(PassProvinceSettings, province_code)
    if row is None:
        row = PassProvinceSettings(province_code=province_code, max_validity_days=15, review_working_days=3,
                                   number_area="province", issuer_name="", verification_phone="",
                                   updated_at=utc_now())
    return row


def configure_province(session: Session, province_code: str, *, max_validity_days: int | None = None,
                       review_working_days: int | None = None, number_area: str | None = None,
                       issuer_name: str | None = None, verification_phone: str | None = None
                       ) -> PassProvinceSettings:
    if province_code not in PROVINCES:
        raise InvalidInput(N_("Unknown province code."), code="passes.unknown_province", field="province_code")
    row = session.get(PassProvinceSettings, province_code)
    if row is None:
        row = province_settings(session, province_code)
        session.add(row)
    if max_validity_days is not None:
        if not 1 <= max_validity_days <= 90:
            raise InvalidInput(N_("The maximum validity must be between 1 and 90 days."),
                               code="passes.bad_max_validity", field="max_validity_days")
        row.max_validity_days = max_validity_days
    if review_working_days is not None:
        row.review_working_days = max(0, review_working_days)
    if number_area is not None:
        if number_area not in NUMBER_AREAS:
            raise InvalidInput(N_("Unknown numbering area."), code="passes.bad_number_area", field="number_area")
        row.number_area = number_area
    if issuer_name is not None:
        row.issuer_name = issuer_name
    if verification_phone is not None:
        row.verification_phone = verification_phone
    row.updated_at = utc_now()
    session.flush()
    audit.record(session, "pass.settings.update", "pass_province_settings", province_code,
                 f"max {row.max_validity_days} days, review {row.review_working_days} working days, "
                 f"numbers per {row.number_area}")
    return row


def issuing_area(settings: PassProvinceSettings, enterprise_division: str) -> str:
    """The 6-digit division code that heads the pass number (证件编号前6位)."""
    province = settings.province_code + "0000"
    if settings.number_area == "prefecture" and enterprise_division[:2] == settings.province_code:
        prefecture = enterprise_division[:4] + "00"
        if find_division(prefecture) is not None:
            return prefecture
    return province


def add_auto_rule(session: Session, province_code: str, name: str, *, cargo_categories: list[str],
                  require_good_standing: bool = True, max_days: int | None = None) -> PassAutoApprovalRule:
    unknown = [c for c in cargo_categories if c not in CARGO_CATEGORIES]
    if unknown:
        raise InvalidInput(N_("Unknown cargo category."), code="passes.unknown_cargo_category",
                           field="cargo_categories")
    rule = PassAutoApprovalRule(province_code=province_code, name=name, cargo_categories=" ".join(cargo_categories),
                                require_good_standing=require_good_standing, max_days=max_days, enabled=True,
                                created_at=utc_now())
    session.add(rule)
    session.flush()
    audit.record(session, "pass.auto_rule.add", "pass_auto_approval_rule", rule.id,
                 f"{province_code} {name}: {rule.cargo_categories or 'any'}; good standing "
                 f"{'required' if require_good_standing else 'not required'}")
    return rule


def enterprise_in_good_standing(session: Session, enterprise_id: int, now: dt.datetime | None = None) -> bool:
    since = (now or utc_now()) - dt.timedelta(days=GOOD_STANDING_DAYS)
    revoked = session.execute(
        select(TransportPass.id).where(TransportPass.enterprise_id == enterprise_id,
                                       TransportPass.status == PassStatus.revoked,
                                       TransportPass.revoked_at >= since).limit(1)
    ).first()
    return revoked is None


def matching_auto_rule(session: Session, province_code: str, enterprise_id: int, cargo_category: str,
                       days: int) -> PassAutoApprovalRule | None:
    rules = session.execute(
        select(PassAutoApprovalRule).where(PassAutoApprovalRule.province_code == province_code,
                                           PassAutoApprovalRule.enabled.is_(True))
        .order_by(PassAutoApprovalRule.id)
    ).scalars().all()
    standing: bool | None = None
    for rule in rules:
        categories = rule.cargo_categories.split()
        if categories and cargo_category not in categories:
            continue
        if rule.max_days is not None and days > rule.max_days:
            continue
        if rule.require_good_standing:
            if standing is None:
                standing = enterprise_in_good_standing(session, enterprise_id)
            if not standing:
                continue
        return rule
    return None
