"""Fixtures of the halls room's database tests: a clock on Monday 9 May 2022 08:00 (Beijing) and a hall."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import principal_of
from jiaoguan.halls.models import HallOffice
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from tests.factories import halls
from tests.factories.halls import MONDAY


@pytest.fixture()
def clock() -> Iterator[FixedClock]:
    previous = get_clock()
    fixed = FixedClock(MONDAY)
    set_clock(fixed)
    try:
        yield fixed
    finally:
        set_clock(previous)


@pytest.fixture()
def principal(make_user: Callable[..., Any]) -> Callable[..., Principal]:
    def make(role: str, **kw: object) -> Principal:
        return principal_of(make_user(role, **kw))

    return make


@pytest.fixture()
def hall(db: Session, clock: FixedClock) -> HallOffice:
    return halls.hall(db)
