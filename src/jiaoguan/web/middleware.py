"""Per-request context: request id, language, large-font mode, the CSRF cookie and token, and the security
headers of every response (pure ASGI).

- Content-Security-Policy: scripts only from this site's files (no inline script, no eval), nothing framed by
  another site (`frame-ancestors 'none'`, and X-Frame-Options for older browsers), forms post only here. Inline
  *styles* stay allowed (a few `style=` attributes, htmx's indicator style). A route may send its own policy
  (the API docs page, whose script comes from a CDN).
- Strict-Transport-Security when the public URL is https (the app then sits behind TLS).
- Referrer-Policy `same-origin`; X-Content-Type-Options `nosniff`.
- Under https every cookie any room sets is made `Secure` here, whatever the room wrote.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jiaoguan.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for, new_csrf_cookie
from jiaoguan.kit.context import SYSTEM, set_actor, set_request_id
from jiaoguan.kit.i18n import normalize_locale, set_locale

LANG_COOKIE = "jg_lang"
LARGE_COOKIE = "jg_large"
YEAR = 365 * 24 * 3600
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"
_CSP, _HSTS = CSP.encode(), HSTS.encode()
_CSRF_PREFIX = CSRF_COOKIE.encode() + b"="
_ALWAYS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff")]


def _secure(cookie: bytes) -> bytes:
    return cookie if b"secure" in cookie.lower().replace(b" ", b"").split(b";") else cookie + b"; Secure"


def _cookies(header: bytes | None) -> dict[str, str]:
    # Starlette's parser, as `request.cookies` reads them (a tenth of the time of `http.cookies.SimpleCookie`, which
    # also dropped every cookie of a header holding one it found malformed); it never raises.
    return cookie_parser(header.decode("latin-1")) if header is not None else {}


def _headers_read(scope: Scope) -> tuple[bytes | None, bytes | None, bool]:
    """The request's cookie and accept-language headers, and whether it carries a device token (one pass)."""
    cookie = language = None
    device = False
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookie = value if cookie is None else cookie + b"; " + value
        elif name == b"accept-language":
            language = value
        elif name == b"authorization":
            device = value[:7] == b"Bearer "
    return cookie, language, device


def _accept_language(header: bytes | None) -> str | None:
    if header is None:
        return None
    first = header.decode("latin-1").split(",")[0].split(";")[0].strip()
    return first or None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, secure_cookies: bool = False) -> None:
        self.app = app
        self.https = secure_cookies
        self.secure = "; Secure" if secure_cookies else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie_header, language, device = _headers_read(scope)
        cookies = _cookies(cookie_header)
        rid = set_request_id(None)
        set_actor(SYSTEM)
        locale = normalize_locale(cookies.get(LANG_COOKIE) or _accept_language(language))
        set_locale(locale)
        csrf = cookies.get(CSRF_COOKIE)
        new_csrf = None
        if not csrf and not device:
            # A device (Authorization: Bearer) needs no CSRF token and keeps no cookies: none is made for it.
            csrf = new_csrf = new_csrf_cookie()
            # Make the new token visible to this very request (first visit straight to a form post is refused anyway).
        state: dict[str, Any] = scope.setdefault("state", {})
        state["page_context"] = {
            "locale": locale, "large_font": cookies.get(LARGE_COOKIE) == "1",
            "csrf_token": csrf_token_for(csrf, cookies.get(SESSION_COOKIE)) if csrf else "", "request_id": rid,
        }

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # What the route set itself, read in one pass over its headers.
                renewed = own_policy = own_referrer = False
                for k, v in headers:
                    name = k.lower()
                    if name == b"set-cookie":
                        renewed = renewed or v.startswith(_CSRF_PREFIX)
                    elif name == b"content-security-policy":
                        own_policy = True
                    elif name == b"referrer-policy":
                        own_referrer = True
                if self.https:
                    headers = [(k, _secure(v) if k.lower() == b"set-cookie" else v) for k, v in headers]
                    headers.append((b"strict-transport-security", _HSTS))
                headers.append((b"x-request-id", rid.encode()))
                if new_csrf and not renewed:
                    cookie = f"{CSRF_COOKIE}={new_csrf}; Path=/; Max-Age={YEAR}; SameSite=Strict{self.secure}"
                    headers.append((b"set-cookie", cookie.encode()))
                if not own_policy:
                    headers.append((b"content-security-policy", _CSP))
                headers += _ALWAYS
                # A page that sets its own (the driver's e-pass link: no-referrer) keeps it.
                if not own_referrer:
                    headers.append((b"referrer-policy", b"same-origin"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)
