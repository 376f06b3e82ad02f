"""The halls room's periodic jobs (each in its own unit of work, run by the worker)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.halls import allocation, booking, slots


def expire_holds(session: Session) -> int:
    return booking.expire_holds(session)


def mark_no_shows(session: Session) -> int:
    return booking.mark_no_shows(session)


def generate_slots(session: Session) -> int:
    return slots.generate_all(session)


def run_allocations(session: Session) -> int:
    return allocation.due_allocations(session)
