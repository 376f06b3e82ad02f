"""Who may call what: typed dependencies, one per role set, and the CSRF guard.

Every route depends on `allow(...)` or on `public`; a test walks all routes and fails on any that
declares neither. A browser session rides on an HttpOnly cookie; any state-changing request made
with that cookie must also carry the CSRF token (form field `csrf_token` or header `X-CSRF-Token`)
matching the `jg_csrf` cookie. Device tokens (`Authorization: Bearer jgt_…`) need no CSRF token,
since a browser never attaches them by itself.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jiaoguan.accounts import service
from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import REGISTRY_READERS, STAFF, Role
from jiaoguan.kit.context import Actor, set_actor
from jiaoguan.kit.errors import Forbidden, JiaoguanError, Unauthenticated
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.web import get_db

SESSION_COOKIE = "jg_session"
CSRF_COOKIE = "jg_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(JiaoguanError):
    status_code = 403
    code = "csrf_failed"
    message = N_("The form has expired or did not come from this site. Please reload the page and try again.")


async def csrf_guard(request: Request) -> None:
    if request.method in SAFE_METHODS or request.headers.get("authorization", "").startswith("Bearer "):
        return
    expected = request.cookies.get(CSRF_COOKIE, "")
    given = request.headers.get("x-csrf-token", "")
    if not given and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token", "")
        given = value if isinstance(value, str) else ""
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise CsrfFailed()


def _user_from_request(request: Request, db: Session) -> User | None:
    auth = request.headers.get("authorization", "")
    if auth.startswith("Bearer "):
        user = service.user_for_api_token(db, auth.removeprefix("Bearer ").strip())
        if user is None:
            raise Unauthenticated(N_("The device token is not valid."), code="bad_token")
        return user
    token = request.cookies.get(SESSION_COOKIE)
    return service.user_for_session(db, token) if token else None


@dataclass(frozen=True)
class Viewer:
    id: int
    username: str
    display_name: str
    role: str


def optional_user(request: Request, db: Annotated[Session, Depends(get_db)]) -> User | None:
    user = _user_from_request(request, db)
    request.state.user = user
    # A plain snapshot for the page shell: still readable after the request's transaction rolled back.
    request.state.viewer = None if user is None else Viewer(user.id, user.username, user.display_name, user.role)
    if user is not None:
        set_actor(Actor(user.id, user.role, user.username))
    return user


def allow(*roles: Role) -> Callable[..., Any]:
    """A dependency that admits only the given roles and returns the signed-in user."""
    allowed = frozenset(roles)

    def dependency(user: Annotated[User | None, Depends(optional_user)],
                   _csrf: Annotated[None, Depends(csrf_guard)]) -> User:
        if user is None:
            raise Unauthenticated()
        if Role(user.role) not in allowed:
            raise Forbidden()
        return user

    dependency.__roles__ = allowed  # type: ignore[attr-defined]
    dependency.__name__ = "allow_" + "_".join(sorted(r.value for r in allowed))
    return dependency


def _public(user: Annotated[User | None, Depends(optional_user)],
            _csrf: Annotated[None, Depends(csrf_guard)]) -> User | None:
    return user


_public.__roles__ = frozenset({"public"})  # type: ignore[attr-defined]
public = _public

ALL_ROLES = tuple(Role)

Anyone = Annotated[User | None, Depends(public)]
SignedIn = Annotated[User, Depends(allow(*ALL_ROLES))]
Citizen = Annotated[User, Depends(allow(Role.citizen))]
EnterpriseAgent = Annotated[User, Depends(allow(Role.enterprise_agent))]
Staff = Annotated[User, Depends(allow(*STAFF))]
RegistryReader = Annotated[User, Depends(allow(*REGISTRY_READERS))]
Supervisor = Annotated[User, Depends(allow(Role.supervisor, Role.admin))]
Admin = Annotated[User, Depends(allow(Role.admin))]
