"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters: registering authority (1), entity type (1), division code of the registering
office (6), organisation code (9, GB 11714, with its own check character) and a MOD 31 check.
The embedded organisation-code check is reported as a warning unless `strict=True`: codes are
issued by many registries and we must not lock an enterprise out on a secondary check.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiaoguan.kit.ids.result import Checked, reject
from jiaoguan.kit.ids.text import compact

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O S V Z
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: Registering authorities (登记管理部门代码).


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of an organisation code (组织机构代码)."""
    total = sum((int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10) * w
                for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return {10: "X", 11: "0"}.get(r, str(r))


@dataclass(frozen=True, kw_only=True)
class CreditCode(Checked):
    authority: str | None = None       # 1st character
    entity_type: str | None = None     # 2nd character
    division_code: str | None = None   # characters 3–8
    org_code: str | None = None        # characters 9–17


def check_credit_code(raw: str, *, strict: bool = False, field: str = "credit_code") -> CreditCode:
    code = compact(raw)
    if not code:
        return CreditCode(reason=reject("empty", field))
    if len(code) != 18:
        return CreditCode(reason=reject("credit_code.length", field))
    if any(ch not in CREDIT_CODE_CHARS for ch in code):
        return CreditCode(reason=reject("credit_code.format", field))
    if credit_code_check_char(code[:17]) != code[17]:
        return CreditCode(reason=reject("credit_code.checksum", field))
    org = code[8:17]
    problem = None if org_code_check_char(org[:8]) == org[8] else reject("credit_code.org_code", field)
    if strict and problem:
        return CreditCode(reason=problem)
    return CreditCode(value=code, warning=problem, authority=code[0], entity_type=code[1],
                      division_code=code[2:8], org_code=org)


def require_credit_code(raw: str, *, strict: bool = False, field: str = "credit_code") -> CreditCode:
    return check_credit_code(raw, strict=strict, field=field).require()
