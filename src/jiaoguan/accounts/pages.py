"""Sign-in pages: password for everyone, a one-time SMS code for citizens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jiaoguan.accounts import service
from jiaoguan.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, Anyone, new_csrf_cookie
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.i18n import gettext as _
from jiaoguan.kit.ids import check_mobile
from jiaoguan.kit.settings import get_settings
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


def _renew_csrf(response: Response) -> None:
    """A new CSRF cookie at sign-in and sign-out: nothing a page showed before carries over."""
    response.set_cookie(CSRF_COOKIE, new_csrf_cookie(), max_age=365 * 86400, samesite="strict",
                        secure=get_settings().secure_cookies)


def _signed_in(user_token: str, next_url: str) -> Response:
    response = RedirectResponse(_safe_next(next_url), status_code=303)
    response.set_cookie(SESSION_COOKIE, user_token, httponly=True, samesite="lax",
                        secure=get_settings().secure_cookies, max_age=service.SESSION_DAYS * 86400)
    _renew_csrf(response)
    return response


def client_address(request: Request) -> str:
    """Whom the back-off and the send limits count per address: the peer as the server sees it (behind a
    reverse proxy, run uvicorn with --proxy-headers and --forwarded-allow-ips so this is the real client)."""
    return request.client.host if request.client else "unknown"


def _form(request: Request, **ctx: object) -> Response:
    status = int(ctx.pop("status", 200))  # type: ignore[call-overload]
    return render(request, "accounts/signin.html", {**ctx}, status_code=status)


@router.get("/signin")
def signin_page(request: Request, _u: Anyone, next: str = "/") -> Response:
    return _form(request, next=next, tab="password")


@router.post("/signin")
def signin(request: Request, _u: Anyone, db: Db, username: Annotated[str, Form()] = "",
           password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    try:
        user = service.authenticate_password(db, username, password, client_address(request))
    except JiaoguanError as exc:
        # The attempt was counted (and committed) before it was judged; this keeps anything else it wrote.
        db.commit()
        return _form(request, next=next, tab="password", error=exc.text(), username=username,
                     status=exc.status_code)
    return _signed_in(service.start_session(db, user), next)


@router.post("/signin/sms/request")
def request_code(request: Request, _u: Anyone, db: Db, phone: Annotated[str, Form()] = "",
                 next: Annotated[str, Form()] = "/") -> Response:
    checked = check_mobile(phone)
    if checked.reason is not None or checked.value is None:
        error = checked.reason.text() if checked.reason else ""
        return _form(request, next=next, tab="sms", phone=phone, error=error, status=422)
    try:
        service.request_sms_code(db, checked.value, client_address(request))
    except JiaoguanError as exc:
        return _form(request, next=next, tab="sms", phone=phone, error=exc.text(), status=exc.status_code)
    return _form(request, next=next, tab="sms", phone=checked.value, code_sent=True,
                 notice=_("If this phone number belongs to an account, a code has been sent to it."))


@router.post("/signin/sms")
def signin_sms(request: Request, _u: Anyone, db: Db, phone: Annotated[str, Form()] = "",
               code: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    checked = check_mobile(phone)
    try:
        user = service.authenticate_sms_code(db, checked.value or phone, code, client_address(request))
    except JiaoguanError as exc:
        db.commit()
        return _form(request, next=next, tab="sms", phone=phone, code_sent=True, error=exc.text(),
                     status=exc.status_code)
    return _signed_in(service.start_session(db, user), next)


@router.post("/signout")
def signout(request: Request, _u: Anyone, db: Db) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_session(db, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    _renew_csrf(response)
    return response
