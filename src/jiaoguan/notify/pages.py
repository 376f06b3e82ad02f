"""Admin page showing what the development SMS channel 'sent' (sign-in codes, reminders)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.auth import Admin
from jiaoguan.kit.web import UnitOfWorkRoute, get_db, render
from jiaoguan.notify.models import DevSms
from jiaoguan.web.nav import nav_for

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)


@router.get("/admin/dev-sms")
def dev_sms(request: Request, user: Admin, db: Annotated[Session, Depends(get_db)]) -> Response:
    rows = db.execute(select(DevSms).order_by(DevSms.id.desc()).limit(100)).scalars().all()
    return render(request, "notify/dev_sms.html", {"user": user, "nav": nav_for(user.role), "rows": rows})
