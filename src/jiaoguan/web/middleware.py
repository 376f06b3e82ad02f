"""Per-request context: request id, language, large-font mode and the CSRF cookie (pure ASGI)."""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jiaoguan.kit.context import SYSTEM, set_actor, set_request_id
from jiaoguan.kit.i18n import normalize_locale, set_locale

LANG_COOKIE = "jg_lang"
LARGE_COOKIE = "jg_large"
CSRF_COOKIE = "jg_csrf"
YEAR = 365 * 24 * 3600


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header must not break the page
                continue
    return {k: m.value for k, m in jar.items()}


def _accept_language(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            first = value.decode("latin-1").split(",")[0].split(";")[0].strip()
            return first or None
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure = "; Secure" if secure_cookies else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        rid = set_request_id(None)
        set_actor(SYSTEM)
        locale = normalize_locale(cookies.get(LANG_COOKIE) or _accept_language(scope))
        set_locale(locale)
        csrf = cookies.get(CSRF_COOKIE)
        new_csrf = None
        if not csrf:
            csrf = new_csrf = secrets.token_urlsafe(24)
            # Make the new token visible to this very request (first visit straight to a form post is refused anyway).
        state: dict[str, Any] = scope.setdefault("state", {})
        state["page_context"] = {
            "locale": locale, "large_font": cookies.get(LARGE_COOKIE) == "1", "csrf_token": csrf,
            "request_id": rid,
        }

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                if new_csrf:
                    cookie = f"{CSRF_COOKIE}={new_csrf}; Path=/; Max-Age={YEAR}; SameSite=Strict{self.secure}"
                    headers.append((b"set-cookie", cookie.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                # A page that sets its own (the driver's e-pass link: no-referrer) keeps it.
                if not any(k.lower() == b"referrer-policy" for k, _ in headers):
                    headers.append((b"referrer-policy", b"same-origin"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)
