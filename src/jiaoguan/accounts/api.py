"""Account endpoints of the JSON API."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from jiaoguan.accounts.auth import SignedIn
from jiaoguan.kit.web import UnitOfWorkRoute

router = APIRouter(prefix="/accounts", route_class=UnitOfWorkRoute, tags=["accounts"])


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    province_code: str | None
    office_id: int | None
    enterprise_id: int | None


@router.get("/me", response_model=Me)
def me(user: SignedIn) -> Me:
    """The signed-in user (by session cookie or device token). Roles: any signed-in user."""
    return Me(id=user.id, username=user.username, display_name=user.display_name, role=user.role,
              province_code=user.province_code, office_id=user.office_id, enterprise_id=user.enterprise_id)
