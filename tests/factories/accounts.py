"""Users of each role and enterprises, made through the accounts room's services (real argon2id hashes, audit)."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import EnterpriseView, add_enterprise
from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import create_user

PASSWORD = "correct horse battery"
_serial = itertools.count(1)


def user(db: Session, role: Role | str, *, username: str | None = None, password: str = PASSWORD,
         **kw: object) -> User:
    """A user of the role named `<role><n>` unless named; other keywords go to `create_user`.

    Committed (a savepoint release inside the test's transaction): a request that rolls back must not
    take the user with it.
    """
    name = username or f"{Role(role).value}{next(_serial)}"
    made = create_user(db, username=name, display_name=name, role=role, password=password, **kw)  # type: ignore[arg-type]
    db.commit()
    return made


def enterprise(db: Session, *, credit_code: str | None = None, name: str | None = None, division: str = "310115",
               phone: str | None = "13900139000") -> EnterpriseView:
    """An enterprise registered at the division's address (its province follows from it)."""
    n = next(_serial)
    return add_enterprise(db, credit_code=credit_code or f"91310115MA{n:07d}X", name=name or f"测试物流{n}",
                          address_division=division, contact_phone=phone)
