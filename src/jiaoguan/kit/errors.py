"""One error base for the whole product.

A `JiaoguanError` carries a stable `code` (what clients and tests match on), an HTTP status and an
English msgid that is translated into the request's language when rendered (RFC 9457 problem+json on
the API, a readable page in the browser, a sentence and a non-zero exit on the CLI).

Codes are `<room>.<reason>`: the room that raises it (`passes.overlap`, `registry.person_not_found`),
`kit` for the generic errors below, a part of the kit for its own (`audit.key_missing`, `ids.*`), and
`web` for what the shell's error handler answers by itself (`web.validation_failed`, `web.not_found`).
The problem's `type` URL ends with the code. `tests/foundation/test_foundation_error_codes.py` walks
every code in the source.
"""

from __future__ import annotations

from typing import Any

from jiaoguan.kit.i18n import N_, translate


class JiaoguanError(Exception):
    status_code: int = 400
    code: str = "kit.error"
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
        # As in message templates, a parameter named `x_msgid` is itself a message (a field's label): translated too.
        params = {k: translate(v, locale) if k.endswith("_msgid") and isinstance(v, str) else v
                  for k, v in self.params.items()}
        return translate(self.message, locale, **params)

    def problem_members(self) -> dict[str, Any]:
        """Members the problem+json body carries beside type, title, status, code, detail and instance."""
        return {"field": self.field} if self.field else {}


class NotFound(JiaoguanError):
    status_code = 404
    code = "kit.not_found"
    message = N_("Not found.")


class Forbidden(JiaoguanError):
    status_code = 403
    code = "kit.forbidden"
    message = N_("You may not do this.")


class Unauthenticated(JiaoguanError):
    status_code = 401
    code = "kit.unauthenticated"
    message = N_("Please sign in.")


class Conflict(JiaoguanError):
    status_code = 409
    code = "kit.conflict"
    message = N_("This conflicts with the current state.")


class InvalidInput(JiaoguanError):
    status_code = 422
    code = "kit.invalid_input"
    message = N_("The input is not valid.")


class TooManyRequests(JiaoguanError):
    status_code = 429
    code = "kit.too_many_requests"
    message = N_("Too many attempts; please wait and try again.")
