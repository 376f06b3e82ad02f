"""Account endpoints of the JSON API."""

from __future__ import annotations

from fastapi import APIRouter

from jiaoguan.accounts.auth import SignedIn
from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.web import UnitOfWorkRoute

router = APIRouter(prefix="/accounts", route_class=UnitOfWorkRoute, tags=["accounts"])


# The principal every room receives is the response: one declaration of who is signed in (docs/DECISIONS.md,
# "One declaration per shape").
@router.get("/me", response_model=Principal)
def me(user: SignedIn) -> Principal:
    """The signed-in user (by session cookie or device token). Roles: any signed-in user."""
    return user
