"""The pass room's facts for the figures (the shared event contract), emitted live and recounted from raw data.

Each payload is built by one function here, used both where the room emits the event and by `recount`,
which `Room.figures` names: `jiaoguan stats rebuild` replays what the tables say happened and compares it
with what the events counted. The person served by a pass is its enterprise (`e<id>`, an opaque id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import CHINA_TZ, on_china_days
from jiaoguan.kit.events import emit
from jiaoguan.passes.models import Checkpoint, CheckpointScan, PassApplication, TransportPass

Fact = tuple[str, dict[str, Any]]


def local_day(at: dt.datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(CHINA_TZ).date().isoformat()


def applied(app: PassApplication) -> dict[str, Any]:
    return {"application": app.id, "province": app.province_code, "day": local_day(app.submitted_at),
            "person": f"e{app.enterprise_id}"}


def issued(p: TransportPass) -> dict[str, Any]:
    return {"pass_no": p.pass_no, "province": p.province_code, "day": local_day(p.issued_at),
            "person": f"e{p.enterprise_id}"}


def refused(app: PassApplication) -> dict[str, Any]:
    assert app.decided_at is not None
    return {"application": app.id, "reason": app.refusal_code or "", "province": app.province_code,
            "day": local_day(app.decided_at), "person": f"e{app.enterprise_id}"}


def revoked(p: TransportPass) -> dict[str, Any]:
    assert p.revoked_at is not None
    return {"pass_no": p.pass_no, "plate_no": p.plate_no, "province_code": p.province_code,
            "enterprise_id": p.enterprise_id, "province": p.province_code, "day": local_day(p.revoked_at),
            "person": f"e{p.enterprise_id}"}


def verified(scan: dict[str, Any] | CheckpointScan, checkpoint_code: str) -> dict[str, Any]:
    def get(key: str) -> Any:
        return scan[key] if isinstance(scan, dict) else getattr(scan, key)

    return {"verdict": "released" if get("valid") else "denied", "reason": get("reason") or "",
            "ms": get("check_ms"), "province": get("province_code"), "day": local_day(get("scanned_at")),
            "office": checkpoint_code}


def emit_fact(session: Session, name: str, payload: dict[str, Any]) -> None:
    emit(session, name, payload, province_code=province_of(payload))


def province_of(payload: dict[str, Any]) -> str | None:
    """The province a fact's event is filed under (its outbox row's province)."""
    return str(payload.get("province") or "") or None


def recount(session: Session, start: dt.date | None = None, end: dt.date | None = None) -> Iterator[Fact]:
    """Every pass fact whose day falls in [start, end] (Beijing dates; None = unbounded), from the tables."""
    for app in session.scalars(select(PassApplication).where(*on_china_days(PassApplication.submitted_at, start, end))):
        yield "pass.applied", applied(app)
    for app in session.scalars(select(PassApplication).where(
            PassApplication.status == "refused", PassApplication.decided_at.is_not(None),
            *on_china_days(PassApplication.decided_at, start, end))):
        yield "pass.refused", refused(app)
    for p in session.scalars(select(TransportPass).where(*on_china_days(TransportPass.issued_at, start, end))):
        yield "pass.issued", issued(p)
    for p in session.scalars(select(TransportPass).where(TransportPass.revoked_at.is_not(None),
                                                         *on_china_days(TransportPass.revoked_at, start, end))):
        yield "pass.revoked", revoked(p)
    codes = {row.id: row.code for row in session.execute(select(Checkpoint.id, Checkpoint.code))}
    scans = select(CheckpointScan.valid, CheckpointScan.reason, CheckpointScan.check_ms, CheckpointScan.province_code,
                   CheckpointScan.scanned_at, CheckpointScan.checkpoint_id).where(
        *on_china_days(CheckpointScan.scanned_at, start, end))
    for row in session.execute(scans).mappings():
        yield "pass.verified", verified(dict(row), codes.get(row["checkpoint_id"], ""))
