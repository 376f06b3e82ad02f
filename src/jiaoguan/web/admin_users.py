"""The administrator's user pages (issue 9.8): find, add, disable/enable, reset the password, change role and
office — what `jiaoguan user add` did from the command line only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jiaoguan.accounts import user_admin
from jiaoguan.accounts.auth import Admin
from jiaoguan.accounts.roles import ROLE_NAMES, Role
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
STAFF_ROLES = tuple(r for r in Role if r not in (Role.citizen, Role.enterprise_agent))


def _page(request: Request, db: Db, q: str = "", notice: str = "", error: str = "", status_code: int = 200,
          password: str = "", form: dict[str, str] | None = None) -> Response:
    return render(request, "web/admin_users.html", {
        "rows": user_admin.find_users(db, q), "q": q, "notice": notice, "error": error, "password": password,
        "offices": user_admin.offices(db), "roles": [(r.value, ROLE_NAMES[r]) for r in Role],
        "staff_roles": [(r.value, ROLE_NAMES[r]) for r in STAFF_ROLES], "role_names": ROLE_NAMES,
        "form": form or {}}, status_code=status_code)


@router.get("/admin/users")
def users(request: Request, user: Admin, db: Db, q: str = "", notice: str = "") -> Response:
    return _page(request, db, q, notice)


@router.post("/admin/users")
def add_user(request: Request, user: Admin, db: Db, username: Annotated[str, Form()] = "",
             display_name: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
             password: Annotated[str, Form()] = "", office_id: Annotated[str, Form()] = "",
             phone: Annotated[str, Form()] = "") -> Response:
    try:
        with db.begin_nested():
            made = user_admin.add_staff(db, username=username, display_name=display_name, role=role,
                                        password=password, office_id=int(office_id) if office_id.isdigit() else None,
                                        phone=phone)
    except JiaoguanError as exc:
        return _page(request, db, error=exc.text(), status_code=exc.status_code,
                     form={"username": username, "display_name": display_name, "role": role, "phone": phone,
                           "office_id": office_id})
    return RedirectResponse(f"/admin/users?notice=added-{made.username}", status_code=303)


@router.post("/admin/users/{user_id}/active")
def set_active(request: Request, user_id: int, user: Admin, db: Db, active: Annotated[str, Form()] = "") -> Response:
    try:
        with db.begin_nested():
            row = user_admin.set_active(db, user.id, user_id, active == "yes")
    except JiaoguanError as exc:
        return _page(request, db, error=exc.text(), status_code=exc.status_code)
    return RedirectResponse(f"/admin/users?notice={'enabled' if row.is_active else 'disabled'}-{row.username}",
                            status_code=303)


@router.post("/admin/users/{user_id}/reset")
def reset(request: Request, user_id: int, user: Admin, db: Db) -> Response:
    password = user_admin.reset_password(db, user_id)
    # Shown once, on this answer only (never in a URL or a log).
    response = _page(request, db, password=password)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/admin/users/{user_id}/role")
def role(request: Request, user_id: int, user: Admin, db: Db, role: Annotated[str, Form()] = "",
         office_id: Annotated[str, Form()] = "") -> Response:
    try:
        with db.begin_nested():
            user_admin.change_role(db, user.id, user_id, role)
            row = user_admin.change_office(db, user_id, int(office_id) if office_id.isdigit() else None)
    except JiaoguanError as exc:
        return _page(request, db, error=exc.text(), status_code=exc.status_code)
    return RedirectResponse(f"/admin/users?notice=changed-{row.username}", status_code=303)
