"""Who may call what: typed dependencies, one per role set, and the CSRF guard.

Every route depends on `allow(...)` or on `public`; a test walks all routes and fails on any that
declares neither. A browser session rides on an HttpOnly cookie; any state-changing request made
with that cookie must also carry the CSRF token (form field `csrf_token` or header `X-CSRF-Token`).
The token is an HMAC, under the installation's secret, of the browser's random `jg_csrf` cookie *and* its
session cookie: it is bound to the session (a token seen before sign-in, or in another session, is worth
nothing), and sign-in and sign-out give the browser a new `jg_csrf` as well. Device tokens
(`Authorization: Bearer jgt_…`) need no CSRF token, since a browser never attaches them by itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jiaoguan.accounts import service
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import ENFORCEMENT, SUPERVISORS, Role
from jiaoguan.kit.context import set_actor
from jiaoguan.kit.errors import Forbidden, JiaoguanError, Unauthenticated
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.settings import get_settings
from jiaoguan.kit.web import Db, run_blocking

SESSION_COOKIE = "jg_session"
CSRF_COOKIE = "jg_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(JiaoguanError):
    status_code = 403
    code = "accounts.csrf_failed"
    message = N_("The form has expired or did not come from this site. Please reload the page and try again.")


_csrf_key_of: list[tuple[object, bytes]] = []  # (the settings it was made from, the key): no file read per request


def _csrf_key() -> bytes:
    settings = get_settings()
    if not _csrf_key_of or _csrf_key_of[0][0] is not settings:
        key = hashlib.sha256(b"jiaoguan csrf\0" + settings.effective_secret_key.encode()).digest()
        _csrf_key_of[:] = [(settings, key)]
    return _csrf_key_of[0][1]


def csrf_token_for(csrf_cookie: str | None, session_cookie: str | None) -> str:
    """The token forms and htmx send back: bound to this browser's `jg_csrf` cookie and to its session."""
    if not csrf_cookie:
        return ""
    mac = hmac.new(_csrf_key(), f"{csrf_cookie}\0{session_cookie or ''}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)


async def csrf_guard(request: Request) -> None:
    if request.method in SAFE_METHODS or request.headers.get("authorization", "").startswith("Bearer "):
        return
    expected = csrf_token_for(request.cookies.get(CSRF_COOKIE), request.cookies.get(SESSION_COOKIE))
    given = request.headers.get("x-csrf-token", "")
    if not given and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token", "")
        given = value if isinstance(value, str) else ""
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise CsrfFailed()


def device_token_of(request: Request) -> str | None:
    """The device token the request carries (`Authorization: Bearer …`), if any."""
    auth = request.headers.get("authorization", "")
    return auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None


def bad_device_token() -> Unauthenticated:
    return Unauthenticated(N_("The device token is not valid."), code="accounts.bad_token")


def principal_from_request(request: Request, db: Session) -> Principal | None:
    device_token = device_token_of(request)
    if device_token is not None:
        principal = service.principal_for_api_token(db, device_token)
        if principal is None:
            raise bad_device_token()
        return principal
    token = request.cookies.get(SESSION_COOKIE)
    return service.principal_for_session(db, token) if token else None


async def optional_user(request: Request, db: Db) -> Principal | None:
    return await _viewer(request, db)


_LOOKED_UP = "jiaoguan_viewer_looked_up"


async def _viewer(request: Request, db: Session) -> Principal | None:
    """Who sends the request (None: nobody signed in), looked up once per request however many dependencies ask.

    Async on purpose: a context variable set here, in the request's own task, is seen by the sync handler and every
    service it calls (each runs in a thread started with a copy of this context, or in a greenlet sharing it). Set
    inside a sync dependency, it would vanish with that dependency's thread, and the audit trail would name
    "system" as the actor of everything done through the web."""
    if getattr(request.state, _LOOKED_UP, False):
        return request.state.viewer  # type: ignore[no-any-return]
    token = request.cookies.get(SESSION_COOKIE)
    bearer = request.headers.get("authorization", "").startswith("Bearer ")
    if token is None and not bearer:
        principal = None   # nothing to look up (a visitor, the sign-in page, the scripts): no trip off the loop either
    else:
        # A session this process already knows is answered here, on the loop, with no greenlet or thread to start.
        kept = service.kept_principal_for_session(db, token) if token and not bearer else None
        principal = kept or await run_blocking(db, principal_from_request, request, db)
    request.state.viewer = principal
    setattr(request.state, _LOOKED_UP, True)
    if principal is not None:
        set_actor(principal.actor)
    return principal


def admit(user: Principal | None, allowed: frozenset[Role]) -> Principal:
    """The signed-in user if their role is one of `allowed`; refused otherwise (401 when nobody signed in)."""
    if user is None:
        raise Unauthenticated()
    if Role(user.role) not in allowed:
        raise Forbidden()
    return user


def allow(*roles: Role) -> Callable[..., Any]:
    """A dependency that admits only the given roles and returns the signed-in user."""
    allowed = frozenset(roles)

    # Async: see `_viewer`. One dependency with the request and its session, not one on `optional_user` and one on
    # `csrf_guard`: FastAPI's solving of each sub-dependency cost more than what it does.
    async def dependency(request: Request, db: Db) -> Principal:
        user = await _viewer(request, db)
        await csrf_guard(request)
        return admit(user, allowed)

    dependency.__roles__ = allowed  # type: ignore[attr-defined]
    dependency.__name__ = "allow_" + "_".join(sorted(r.value for r in allowed))
    return dependency


async def _public(request: Request, db: Db) -> Principal | None:
    user = await _viewer(request, db)
    await csrf_guard(request)
    return user


_public.__roles__ = frozenset({"public"})  # type: ignore[attr-defined]
public = _public

ALL_ROLES = tuple(Role)


def roles_of(route: Any) -> set[str]:
    """The roles a route admits, as its `allow(...)` and `public` dependencies declare them however deep ("public"
    for anyone): what the page tests and the event-loop test walk for each role."""
    found: set[str] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        found |= {str(r) for r in getattr(dep.call, "__roles__", ())}
        stack.extend(dep.dependencies)
    return found

Anyone = Annotated[Principal | None, Depends(public)]
SignedIn = Annotated[Principal, Depends(allow(*ALL_ROLES))]
Citizen = Annotated[Principal, Depends(allow(Role.citizen))]
EnterpriseAgent = Annotated[Principal, Depends(allow(Role.enterprise_agent))]
Supervisor = Annotated[Principal, Depends(allow(*SUPERVISORS))]
Admin = Annotated[Principal, Depends(allow(Role.admin))]
# Shared by the rooms of the road side (deadlines' penalty check, passes' checkpoint figures and trust data).
Enforcer = Annotated[Principal, Depends(allow(*ENFORCEMENT))]
# A room's own groups live in its `auth.py` (passes/auth.py, deadlines/auth.py, registry/auth.py).
