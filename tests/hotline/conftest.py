"""Hotline fixtures: staff of one province as users (for HTTP) and as principals (for services), and a sink that
receives every domain event so a test sees what the room emits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import principal_of
from jiaoguan.kit import rooms
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.kit.rooms import Handler
from tests.factories import registry as reg


@pytest.fixture()
def staff(make_user: Callable[..., User]) -> dict[str, User]:
    return {name: make_user(role, province_code="11") for name, role in (
        ("clerk", Role.window_clerk), ("clerk2", Role.window_clerk), ("agent", Role.hotline_agent),
        ("supervisor", Role.supervisor), ("admin", Role.admin))}


@pytest.fixture()
def p(staff: dict[str, User]) -> dict[str, Principal]:
    return {name: principal_of(u) for name, u in staff.items()}


@pytest.fixture()
def citizen(db: Session, make_user: Callable[..., User]) -> User:
    person = reg.person(db, phone="13911112222")
    return make_user(Role.citizen, person_id=person.id, province_code="11", phone="13911112222")


@pytest.fixture()
def event_sink(monkeypatch: pytest.MonkeyPatch) -> Callable[[Session], list[tuple[str, dict]]]:  # type: ignore[type-arg]
    """Every emitted event goes to one more handler, as the figures room's would; returns the events seen."""
    real = rooms.all_handlers
    monkeypatch.setattr(rooms, "all_handlers",
                        lambda name: (*real(name), Handler(name, "test.sink", "tests:none")))

    def seen(db: Session) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
        rows = db.scalars(select(OutboxMessage).where(
            OutboxMessage.channel == "event", OutboxMessage.recipient == "test.sink").order_by(OutboxMessage.id))
        return [(r.template, r.params["payload"]) for r in rows]

    return seen


def as_user(client: TestClient, sign_in: Callable[[TestClient, User], TestClient], user: User) -> TestClient:
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user)


@pytest.fixture()
def clock() -> Iterator[FixedClock]:
    """Monday 2024-09-23 10:00 in Beijing, a working day: the desk is open."""
    previous = get_clock()
    fixed = FixedClock(dt.datetime(2024, 9, 23, 2, 0, tzinfo=dt.UTC))
    set_clock(fixed)
    yield fixed
    set_clock(previous)
