"""委托代办 (Decree 162 art. 105): a citizen authorises a relative to apply for them — consent recorded, limited
to chosen businesses, revocable, expiring. The proxy then applies "on behalf of"; every view says so."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import principal_by_username, principals_by_id
from jiaoguan.business.models import BusinessProxy
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.errors import InvalidInput, NotFound
from jiaoguan.kit.i18n import N_

RELATIONS = {"spouse": N_("Spouse"), "child": N_("Child"), "parent": N_("Parent"), "sibling": N_("Sibling"),
             "other_relative": N_("Other relative")}
MAX_DAYS = 366
CONSENT_MSGID = N_("I authorise %(proxy)s to apply for the chosen businesses for me until %(until)s. I may "
                   "revoke this at any time.")


class ProxyInvalid(InvalidInput):
    code = "business.proxy_invalid"
    message = N_("The authorisation could not be made: %(reason)s")


class ProxyUnknown(NotFound):
    code = "business.proxy_not_found"
    message = N_("No such authorisation.")


def authorise(session: Session, user: Principal, *, proxy_username: str, relation: str, businesses: list[str],
              expires_on: dt.date, consent: bool) -> BusinessProxy:
    if not consent:
        raise ProxyInvalid(reason=N_("consent is needed"))
    proxy = principal_by_username(session, proxy_username.strip())
    if proxy is None or proxy.role != Role.citizen or proxy.id == user.id:
        raise ProxyInvalid(reason=N_("the relative must have a citizen account of their own"))
    if relation not in RELATIONS:
        raise ProxyInvalid(reason=N_("choose the relation"))
    if not businesses:
        raise ProxyInvalid(reason=N_("choose at least one business"))
    if not today() < expires_on <= today() + dt.timedelta(days=MAX_DAYS):
        raise ProxyInvalid(reason=N_("the end date must be within a year from today"))
    row = BusinessProxy(principal_user_id=user.id, proxy_user_id=proxy.id, relation=relation,
                        businesses=" ".join(sorted(set(businesses))),
                        consent_text=CONSENT_MSGID % {"proxy": proxy.display_name, "until": expires_on.isoformat()},
                        consented_at=utc_now(), expires_on=expires_on, revoked_at=None,
                        province_code=user.province_code or "11")
    session.add(row)
    session.flush()
    audit.record(session, "business_proxy.authorise", "business_proxy", row.id,
                 f"user {user.id} authorises user {proxy.id} ({relation}) until {expires_on}")
    return row


def revoke(session: Session, user: Principal, proxy_id: int) -> BusinessProxy:
    row = session.get(BusinessProxy, proxy_id)
    if row is None or row.principal_user_id != user.id:
        raise ProxyUnknown()
    if row.revoked_at is None:
        row.revoked_at = utc_now()
        audit.record(session, "business_proxy.revoke", "business_proxy", row.id, "revoked")
        session.flush()
    return row


def valid(row: BusinessProxy, on: dt.date | None = None) -> bool:
    return row.revoked_at is None and (on or today()) <= row.expires_on


def given_by(session: Session, user_id: int) -> list[BusinessProxy]:
    return list(session.execute(select(BusinessProxy).where(BusinessProxy.principal_user_id == user_id)
                                .order_by(BusinessProxy.id.desc())).scalars())


def held_by(session: Session, user_id: int) -> list[BusinessProxy]:
    return [r for r in session.execute(select(BusinessProxy).where(BusinessProxy.proxy_user_id == user_id)
                                       .order_by(BusinessProxy.id.desc())).scalars() if valid(r)]


def authorisation_for(session: Session, *, proxy_user_id: int, principal_user_id: int,
                      business_code: str) -> Principal | None:
    """The person the proxy may act for in this business today, or None."""
    for row in held_by(session, proxy_user_id):
        if row.principal_user_id == principal_user_id and business_code in row.businesses.split():
            return principals_by_id(session, [principal_user_id]).get(principal_user_id)
    return None
