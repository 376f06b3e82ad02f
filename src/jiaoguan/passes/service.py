"""What other rooms may ask the pass room (business and halls call down here, never into its tables).

特事特办 (measure 1): an enterprise whose vehicles hold active passes gets the key-material priority
class on its own business and hall tickets; the pass number is the evidence.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import today
from jiaoguan.kit.ids.text import compact
from jiaoguan.passes.models import TransportPass
from jiaoguan.passes.states import PassStatus

PRIORITY_REASON = "KEY_MATERIAL_TRANSPORT"  # REFERENCE F: priority_reason on cases and tickets


def _active_today() -> tuple[ColumnElement[bool], ...]:
    day = today()
    return (TransportPass.status == PassStatus.active, TransportPass.valid_from <= day, TransportPass.valid_to >= day)


def active_pass_no_for_vehicle(session: Session, plate_no: str) -> str | None:
    """The number of the pass the vehicle holds today (green at a checkpoint), or None."""
    return session.execute(
        select(TransportPass.pass_no).where(TransportPass.plate_no == compact(plate_no), *_active_today())
        .order_by(TransportPass.valid_to.desc()).limit(1)
    ).scalar_one_or_none()


def vehicle_holds_active_pass(session: Session, plate_no: str) -> bool:
    return active_pass_no_for_vehicle(session, plate_no) is not None


def enterprise_active_pass_nos(session: Session, enterprise_id: int) -> list[str]:
    return list(session.execute(
        select(TransportPass.pass_no).where(TransportPass.enterprise_id == enterprise_id, *_active_today())
        .order_by(TransportPass.pass_no)
    ).scalars())


def enterprise_has_active_passes(session: Session, enterprise_id: int) -> bool:
    return session.execute(
        select(TransportPass.id).where(TransportPass.enterprise_id == enterprise_id, *_active_today()).limit(1)
    ).first() is not None


def enterprise_active_plates(session: Session, enterprise_id: int) -> list[str]:
    return sorted(set(session.execute(
        select(TransportPass.plate_no).where(TransportPass.enterprise_id == enterprise_id, *_active_today())
    ).scalars()))
