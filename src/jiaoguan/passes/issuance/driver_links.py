"""The driver carries the e-pass (issue 9.6): the enterprise sends each crew member a link by SMS (through the
outbox) that opens that one pass's e-pass on the phone without the agent's sign-in.

A link is `<id>.<random>.<signature>`: the signature is an HMAC of the id, the random part and the expiry under
the installation's secret key, so a link can be neither forged nor altered; the row
keeps only the SHA-256 of the random part, its expiry (the day after the pass's last day, Beijing time) and
whether the enterprise revoked it. A link shows only its pass: no other pass, no account, no navigation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit, outbox
from jiaoguan.kit.clock import CHINA_TZ, utc_now
from jiaoguan.kit.errors import Forbidden, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.settings import get_settings
from jiaoguan.passes.issuance.issue import crew_of
from jiaoguan.passes.issuance.revocation import get_pass
from jiaoguan.passes.models import PassApplication, PassDriverLink, TransportPass
from jiaoguan.passes.states import PassStatus


class LinkNotValid(NotFound):
    code = "passes.link_not_valid"
    message = N_("This link is not valid: it was revoked, it has expired, or it was never sent. Ask your "
                 "company for a new one.")


class NotYourPass(Forbidden):
    code = "passes.not_your_pass"
    message = N_("This pass belongs to another enterprise.")


class PassNotSendable(Forbidden):
    code = "passes.pass_not_sendable"
    message = N_("Only a pass in force can be sent to its crew.")


@dataclass(frozen=True)
class SentLink:
    link: PassDriverLink
    url: str


def _sign(link_id: int, secret: str, expires: dt.datetime) -> str:
    key = hashlib.sha256(("driver-link:" + get_settings().effective_secret_key).encode()).digest()
    mac = hmac.new(key, f"{link_id}.{secret}.{int(expires.timestamp())}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode().rstrip("=")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _expiry(p: TransportPass) -> dt.datetime:
    """The end of the day after the pass's last day, Beijing time."""
    last = dt.datetime.combine(p.valid_to + dt.timedelta(days=2), dt.time(0), tzinfo=CHINA_TZ)
    return last.astimezone(dt.UTC)


def send_links(session: Session, agent: Principal, pass_no: str) -> list[SentLink]:
    """A new link for each crew member with a mobile number, sent by SMS; earlier links of the pass stop."""
    p = get_pass(session, pass_no)
    if agent.enterprise_id != p.enterprise_id:
        raise NotYourPass()
    if p.status != PassStatus.active or p.valid_to < utc_now().astimezone(CHINA_TZ).date():
        raise PassNotSendable()
    revoke_links(session, agent, pass_no, quiet=True)
    expires = _expiry(p)
    base = get_settings().public_base_url.rstrip("/")
    sent: list[SentLink] = []
    for member in crew_of(session, p.application_id):
        if not member.phone:
            continue
        secret = secrets.token_urlsafe(18)
        link = PassDriverLink(pass_id=p.id, crew_position=member.position, phone=member.phone,
                              token_sha256=_digest(secret), created_at=utc_now(), created_by_user_id=agent.id,
                              expires_at=expires)
        session.add(link)
        session.flush()
        url = f"{base}/e/{link.id}.{secret}.{_sign(link.id, secret, expires)}"
        outbox.enqueue(session, "sms", member.phone, "pass_driver_link",
                       {"plate": p.plate_no, "pass_no": p.pass_no, "url": url,
                        "until": p.valid_to.isoformat()}, province_code=p.province_code)
        sent.append(SentLink(link, url))
    audit.record(session, "pass.driver_links.send", "transport_pass", p.pass_no,
                 f"{len(sent)} link(s) sent to the crew, valid until {expires:%Y-%m-%d %H:%M}Z")
    return sent


def revoke_links(session: Session, agent: Principal, pass_no: str, *, quiet: bool = False) -> int:
    """Stop every link of the pass still open; returns how many."""
    p = get_pass(session, pass_no)
    if agent.enterprise_id != p.enterprise_id:
        raise NotYourPass()
    now = utc_now()
    open_links = session.execute(select(PassDriverLink).where(PassDriverLink.pass_id == p.id,
                                                              PassDriverLink.revoked_at.is_(None))).scalars().all()
    for link in open_links:
        link.revoked_at = now
    session.flush()
    if open_links and not quiet:
        audit.record(session, "pass.driver_links.revoke", "transport_pass", p.pass_no,
                     f"{len(open_links)} link(s) revoked")
    return len(open_links)


def links_of(session: Session, pass_id: int) -> list[PassDriverLink]:
    return list(session.execute(select(PassDriverLink).where(PassDriverLink.pass_id == pass_id)
                                .order_by(PassDriverLink.id.desc()).limit(30)).scalars())


def open_link(session: Session, token: str) -> tuple[TransportPass, PassApplication]:
    """The pass a link opens, or `LinkNotValid` (forged, altered, expired, revoked or unknown alike)."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(token) > 200:
        raise LinkNotValid()
    link = session.get(PassDriverLink, int(parts[0]))
    if link is None:
        raise LinkNotValid()
    expected = _sign(link.id, parts[1], link.expires_at)
    if not hmac.compare_digest(expected, parts[2]) or not hmac.compare_digest(_digest(parts[1]), link.token_sha256):
        raise LinkNotValid()
    if link.revoked_at is not None or utc_now() >= link.expires_at:
        raise LinkNotValid()
    p = session.get(TransportPass, link.pass_id)
    app = session.get(PassApplication, p.application_id) if p is not None else None
    if p is None or app is None:
        raise LinkNotValid()
    return p, app
