"""One error base for the whole product.

A `JiaoguanError` carries a stable `code` (what clients and tests match on), an HTTP status and an
English msgid that is translated into the request's language when rendered (RFC 9457 problem+json on
the API, a readable page in the browser, a sentence and a non-zero exit on the CLI).
"""

from __future__ import annotations

from typing import Any

from jiaoguan.kit.i18n import N_, translate


class JiaoguanError(Exception):
    status_code: int = 400
    code: str = "error"
    message: str = "The request could not be handled."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 status_code: int | None = None, field: str | None = None, **params: Any) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.field = field
        self.params = params
        super().__init__(self.message % params if params else self.message)

    def text(self, locale: str | None = None) -> str:
        return translate(self.message, locale, **self.params)


class NotFound(JiaoguanError):
    status_code = 404
    code = "not_found"
    message = N_("Not found.")


class Forbidden(JiaoguanError):
    status_code = 403
    code = "forbidden"
    message = N_("You may not do this.")


class Unauthenticated(JiaoguanError):
    status_code = 401
    code = "unauthenticated"
    message = N_("Please sign in.")


class Conflict(JiaoguanError):
    status_code = 409
    code = "conflict"
    message = N_("This conflicts with the current state.")


class InvalidInput(JiaoguanError):
    status_code = 422
    code = "invalid_input"
    message = N_("The input is not valid.")


class TooManyRequests(JiaoguanError):
    status_code = 429
    code = "too_many_requests"
    message = N_("Too many attempts; please wait and try again.")
