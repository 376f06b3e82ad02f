"""Issuance (核发): number the pass, sign its QR with the province's current key, store both."""

from __future__ import annotations

import datetime as dt
import functools

import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import enterprise_of
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.passes.applications.policy import issuing_area, province_settings
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.issuance.numbering import next_pass_no
from jiaoguan.passes.models import PassApplication, PassCrewMember, PassSigningKey, TransportPass
from jiaoguan.passes.qr.codec import CrewMember, PassClaims, PassContent, issue_qr, validity_instants
from jiaoguan.passes.states import PassStatus

GREEN = "#80ff80"  # the template's C50 Y50 K0 (REFERENCE B.2) as screen RGB
GREY = "#b4b4b4"


def crew_of(session: Session, application_id: int) -> list[PassCrewMember]:
    return list(session.execute(
        select(PassCrewMember).where(PassCrewMember.application_id == application_id)
        .order_by(PassCrewMember.position)
    ).scalars())


def pass_content(pass_no: str, app: PassApplication, crew: list[PassCrewMember]) -> PassContent:
    """What the QR says: the vehicle, the route, the cargo category and the crew, masked."""
    return PassContent(
        pass_no=pass_no, plate=app.plate_no, plate_colour=app.plate_colour, origin=app.origin_code,
        destination=app.destination_code, cargo_category=app.cargo_category,
        crew=tuple(CrewMember.masked(m.name, m.id_number) for m in crew), crew_count=len(crew),
    )


def sign(p: TransportPass, app: PassApplication, crew: list[PassCrewMember], key: PassSigningKey,
         now: dt.datetime) -> str:
    """Sign (or re-sign) the pass's QR with `key` and keep it on the pass row."""
    pair = keystore.key_pair(key)
    start, end = validity_instants(p.valid_from, p.valid_to)
    claims = PassClaims(issuer=p.province_code + "0000", issued_at=now, valid_from=start, valid_until=end,
                        content=pass_content(p.pass_no, app, crew))
    p.qr_text = issue_qr(claims, pair.private_key, pair.kid)
    p.key_id, p.signed_at = key.id, now
    return p.qr_text


def issue_pass(session: Session, app: PassApplication) -> TransportPass:
    """Number and sign the pass of an approved application, in the caller's transaction."""
    now = utc_now()
    key = keystore.current_signing_key(session, app.province_code)
    enterprise = enterprise_of(session, app.enterprise_id)
    division = enterprise.address_division if enterprise is not None else app.province_code + "0000"
    pass_no = next_pass_no(session, issuing_area(province_settings(session, app.province_code), division))
    p = TransportPass(
        pass_no=pass_no, application_id=app.id, enterprise_id=app.enterprise_id, province_code=app.province_code,
        plate_no=app.plate_no, valid_from=app.valid_from, valid_to=app.valid_to, key_id=key.id, qr_text="",
        issued_at=now, signed_at=now, status=PassStatus.active.value, reissue_count=0,
    )
    sign(p, app, crew_of(session, app.id), key, now)
    session.add(p)
    session.flush()
    audit.record(session, "pass.issue", "transport_pass", pass_no,
                 f"{app.plate_no} {app.origin_code}→{app.destination_code} {app.valid_from}..{app.valid_to} "
                 f"kid {key.kid}")
    return p


@functools.lru_cache(maxsize=256)
def qr_svg(qr_text: str, *, dark: str = "#000000", light: str | None = "#ffffff", scale: int = 4) -> str:
    """The QR as inline SVG (no file, no script). Base45 fits the QR alphanumeric mode exactly.

    Kept per process by its arguments: encoding a pass's QR costs some 30 ms of CPU, and the text it encodes is
    read from the database by each request, so a re-issued pass (a new text) is never drawn from an old one."""
    code = segno.make_qr(qr_text, error="m")
    svg: str = code.svg_inline(scale=scale, dark=dark, light=light, border=2, omitsize=True)
    return svg
