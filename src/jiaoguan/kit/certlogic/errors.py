from __future__ import annotations

from jiaoguan.kit.errors import InvalidInput


class CertLogicError(InvalidInput):
    """An invalid CertLogic expression, or a type mismatch found while evaluating one."""

    code = "certlogic.invalid_expression"

    def __init__(self, detail: str) -> None:
        # The detail is technical (an operator, a path), so it is kept verbatim rather than translated.
        super().__init__("Invalid CertLogic expression: %(detail)s", detail=detail)
        self.detail = detail
