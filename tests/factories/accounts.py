"""Users of each role, created through the accounts service (so their password hash is real argon2id)."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

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
