"""Append-only audit trail, chained by hash.

Each record's hash covers its own fields and the previous record's hash, so an edited row breaks
its own hash and a deleted row breaks the link of the next one. Appends are serialised by locking
the single chain-head row, which keeps the chain linear on PostgreSQL with many writers. Database
triggers (see the migration) refuse UPDATE and DELETE on the table itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.context import Actor, current_actor, request_id
from jiaoguan.kit.db import Base

GENESIS = "0" * 64
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def scrub(text: str) -> str:
    """Mask any 18-character ID number in free text (first 6 and last 4 kept)."""
    return _ID_NUMBER.sub(lambda m: m.group(1) + "********" + m.group(2)[-4:], text)


class AuditRecord(Base):
    __tablename__ = "audit_record"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None]
    actor_role: Mapped[str] = mapped_column(String(32))
    actor_label: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row that points at the last record; locked for every append."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _fields(r: AuditRecord) -> dict[str, Any]:
    return {
        "id": r.id, "at": r.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": r.actor_id, "actor_role": r.actor_role, "actor_label": r.actor_label,
        "action": r.action, "object_type": r.object_type, "object_id": r.object_id,
        "summary": r.summary, "request_id": r.request_id,
    }


def record(session: Session, action: str, object_type: str, object_id: object, summary: str = "", *,
           actor: Actor | None = None) -> AuditRecord:
    """Append one audit record in the caller's transaction, by `actor` (default: who is acting now)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    actor = actor or current_actor()
    at = utc_now()  # both engines keep microseconds exactly, so the hash replays
    rec = AuditRecord(
        id=head.last_id + 1, at=at, actor_id=actor.user_id, actor_role=actor.role,
        actor_label=scrub(actor.label)[:120], action=action, object_type=object_type,
        object_id=scrub(str(object_id))[:80], summary=scrub(summary), request_id=request_id(),
        prev_hash=head.last_hash,
    )
    rec.hash = _digest(rec.prev_hash, _fields(rec))
    session.add(rec)
    head.last_id, head.last_hash = rec.id, rec.hash
    session.flush()
    return rec


@dataclass(frozen=True)
class ChainProblem:
    record_id: int
    problem: str  # "edited" | "missing_before" | "head_mismatch"


def verify_chain(session: Session, batch: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain; return how many records were checked and every problem found."""
    problems: list[ChainProblem] = []
    prev_hash, prev_id, checked = GENESIS, 0, 0
    last_seen = 0
    while True:
        rows = session.execute(
            select(AuditRecord).where(AuditRecord.id > last_seen).order_by(AuditRecord.id).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for r in rows:
            checked += 1
            if r.id != prev_id + 1 or r.prev_hash != prev_hash:
                problems.append(ChainProblem(r.id, "missing_before"))
            if _digest(r.prev_hash, _fields(r)) != r.hash:
                problems.append(ChainProblem(r.id, "edited"))
            prev_hash, prev_id, last_seen = r.hash, r.id, r.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id != prev_id or head.last_hash != prev_hash):
        problems.append(ChainProblem(head.last_id, "head_mismatch"))
    return checked, problems
