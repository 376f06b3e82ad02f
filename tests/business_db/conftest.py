"""Fixtures for the business room's database tests: the shipped catalogue, a clock standing on Friday
2022-04-29 (the eve of the May Day holiday, with Saturday 2022-05-07 worked), a Beijing citizen whose licence
expires within the renewal window, and the Beijing seat, window clerk and supervisor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import start_session
from jiaoguan.business.catalogue_store import seed
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from tests.factories import business as f
from tests.factories.passes import FRIDAY


@pytest.fixture()
def clock() -> Iterator[FixedClock]:
    previous = get_clock()
    fixed = FixedClock(FRIDAY)
    set_clock(fixed)
    try:
        yield fixed
    finally:
        set_clock(previous)


@pytest.fixture()
def catalogue(db: Session, clock: FixedClock) -> None:
    seed(db)
    db.commit()


@pytest.fixture()
def citizen(db: Session, catalogue: None) -> f.Citizen:
    made = f.citizen(db, expiry=FRIDAY.date() + dt.timedelta(days=40))
    db.commit()
    return made


@pytest.fixture()
def seat(db: Session, catalogue: None) -> Principal:
    return f.staff(db, Role.online_seat)


@pytest.fixture()
def clerk(db: Session, catalogue: None) -> Principal:
    return f.staff(db, Role.window_clerk)


@pytest.fixture()
def supervisor(db: Session, catalogue: None) -> Principal:
    return f.staff(db, Role.supervisor)


@pytest.fixture()
def admin(db: Session, catalogue: None) -> Principal:
    return f.staff(db, Role.admin)


@pytest.fixture()
def as_user(db: Session, app):  # type: ignore[no-untyped-def]
    """`as_user(principal)`: a test client of its own signed in as that user (a cookie session, CSRF token)."""
    from jiaoguan.accounts.auth import SESSION_COOKIE
    from tests.conftest import with_csrf

    opened: list[TestClient] = []

    def sign(user: Principal) -> TestClient:
        c = TestClient(app, base_url="http://testserver")
        c.__enter__()
        opened.append(c)
        with_csrf(c)  # the token bound to this client's session, as a page would send it
        c.cookies.set(SESSION_COOKIE, start_session(db, user))
        db.commit()
        return c

    yield sign
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture()
def events_seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, object]]]:
    """Every domain event emitted (name, payload), recorded on its way to the real outbox."""
    from jiaoguan.kit import events

    seen: list[tuple[str, dict[str, object]]] = []
    original = events.emit

    def recording(session, name, payload, **kw):  # type: ignore[no-untyped-def]
        seen.append((name, payload))
        return original(session, name, payload, **kw)

    monkeypatch.setattr(events, "emit", recording)
    return seen
