"""Fixtures for the pass room's database tests: a Shanghai haulier, its agent, the Shanghai issuer, a
Beijing checkpoint officer, keys, and a clock standing on Friday 2022-04-29 (the eve of May Day)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from passes_db_factories import FRIDAY
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import EnterpriseView, add_enterprise
from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.passes.checkpoint.scans import ensure_checkpoint
from jiaoguan.passes.issuance.keystore import init_keys
from jiaoguan.passes.models import Checkpoint


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
def enterprise(db: Session) -> EnterpriseView:
    return add_enterprise(db, credit_code="91310115MA1H7XYZ0A", name="上海顺达物流有限公司", address_division="310115",
                          contact_phone="13800138000")


@pytest.fixture()
def agent(make_user: Callable[..., User], enterprise: EnterpriseView, clock: FixedClock) -> User:
    return make_user(Role.enterprise_agent, enterprise_id=enterprise.id, province_code="31")


@pytest.fixture()
def issuer(make_user: Callable[..., User], clock: FixedClock) -> User:
    return make_user(Role.pass_issuer, province_code="31")


@pytest.fixture()
def officer(make_user: Callable[..., User], clock: FixedClock) -> User:
    return make_user(Role.checkpoint_officer, province_code="11")


@pytest.fixture()
def keys(db: Session, clock: FixedClock) -> None:
    init_keys(db, ["31", "11"])


@pytest.fixture()
def checkpoint(db: Session, clock: FixedClock) -> Checkpoint:
    return ensure_checkpoint(db, "BJ-G4-DJK", "京港澳高速杜家坎检查站", province_code="11", division_code="110106",
                             name_en="Dujiakan checkpoint, G4")
