"""Fixtures for the pass room's database tests: a Shanghai haulier, its agent, the Shanghai issuer, a
Beijing checkpoint officer, keys, and a clock standing on Friday 2022-04-29 (the eve of May Day)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import EnterpriseView
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import principal_of
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.passes.checkpoint.scans import ensure_checkpoint
from jiaoguan.passes.issuance.keystore import init_keys
from jiaoguan.passes.models import Checkpoint
from tests.factories import accounts
from tests.factories.passes import FRIDAY, register


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
def make_user(make_user: Callable[..., Any]) -> Callable[..., Principal]:
    """Accounts as the pass room sees them: a `Principal`, never the accounts room's row."""

    def make(role: Role | str, **kw: object) -> Principal:
        return principal_of(make_user(role, **kw))

    return make


@pytest.fixture()
def enterprise(db: Session) -> EnterpriseView:
    return accounts.enterprise(db, credit_code="91310115MA1H7XYZ0A", name="上海顺达物流有限公司", division="310115",
                               phone="13800138000")


FLEET = range(1, 41)


@pytest.fixture()
def agent(db: Session, make_user: Callable[..., Principal], enterprise: EnterpriseView, clock: FixedClock) -> Principal:
    """The haulier's agent; the vehicles and crews of `application(1)` … `application(40)` are in the register
    as the haulier's fleet (register_check), valid through the travel dates."""
    register(db, enterprise.id, *FLEET)
    return make_user(Role.enterprise_agent, enterprise_id=enterprise.id, province_code="31")


@pytest.fixture()
def issuer(make_user: Callable[..., Principal], clock: FixedClock) -> Principal:
    return make_user(Role.pass_issuer, province_code="31")


@pytest.fixture()
def officer(make_user: Callable[..., Principal], clock: FixedClock) -> Principal:
    return make_user(Role.checkpoint_officer, province_code="11")


@pytest.fixture()
def keys(db: Session, clock: FixedClock) -> None:
    init_keys(db, ["31", "11"])


@pytest.fixture()
def checkpoint(db: Session, clock: FixedClock) -> Checkpoint:
    return ensure_checkpoint(db, "BJ-G4-DJK", "京港澳高速杜家坎检查站", province_code="11", division_code="110106",
                             name_en="Dujiakan checkpoint, G4")
