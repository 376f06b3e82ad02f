"""What every identifier check returns: the normalised value and facts, or a reason it was refused.

Reason codes are stable (clients, logs and tests match on them); the sentences are English msgids
translated through `kit.i18n` (Chinese in `locale/zh_Hans/LC_MESSAGES/ids.po`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Self

from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_, translate

#: Every reason an identifier can be refused or warned about: stable code -> English msgid.
REASONS: Mapping[str, str] = MappingProxyType({
    "empty": N_("Please enter a value."),
    # Resident ID number (公民身份号码)
    "id_number.length": N_("An ID number has 18 characters (or 15 for an old one)."),
    "id_number.format": N_("An ID number is digits only, except that the last character may be X."),
    "id_number.checksum": N_("The last character of the ID number does not match; please check for a typo."),
    "id_number.birth_date": N_("The ID number does not contain a real birth date."),
    "id_number.birth_in_future": N_("The birth date in the ID number is in the future."),
    "id_number.area": N_("The first 6 digits of the ID number are not a known area code."),
    # Division code (行政区划代码)
    "division.format": N_("An administrative division code has 6 digits."),
    "division.unknown": N_("%(value)s is not a known administrative division code."),
    "division.not_in_force": N_("Division code %(value)s was not in use in %(year)s."),
    # Plate number (号牌号码)
    "plate.province": N_("A plate number starts with a province abbreviation such as 京 or 粤."),
    "plate.traditional_province": N_(
        "Please write the province with the simplified character %(simplified)s."),
    "plate.authority": N_("The issuing-office letter must be A–Z other than I and O."),
    "plate.letter_i_or_o": N_("Plate numbers never use the letters I or O; did you mean 1 or 0?"),
    "plate.legacy_o": N_("The letter O only appears on old plates; accepted for historical records only."),
    "plate.all_letters": N_("The serial of a plate number must contain at least one digit."),
    "plate.format": N_("This is not a valid plate number."),
    # Plate type (号牌种类)
    "plate_type.unknown": N_("%(value)s is not a plate type code."),
    # VIN (车辆识别代号)
    "vin.length": N_("A VIN has 17 characters."),
    "vin.forbidden_letter": N_("A VIN never contains the letters I, O or Q."),
    "vin.format": N_("A VIN contains only letters and digits."),
    "vin.check_digit": N_(
        "The 9th character of the VIN (the check digit) does not match; please check for a typo."),
    # Licence classes (准驾车型)
    "licence_class.unknown": N_("%(value)s is not a driving-licence class."),
    # Unified social credit code (统一社会信用代码)
    "credit_code.length": N_("A unified social credit code has 18 characters."),
    "credit_code.format": N_(
        "A unified social credit code uses digits and capital letters except I, O, S, V and Z."),
    "credit_code.checksum": N_(
        "The last character of the unified social credit code does not match; please check for a typo."),
    "credit_code.org_code": N_("The organisation code inside the unified social credit code does not match."),
    # Other numbers
    "mobile.format": N_("A mobile number has 11 digits and starts with 13–19."),
    "licence_file_no.format": N_("A driving-licence file number has 12 digits."),
    "pass_no.format": N_("A pass number has 12 digits."),
    "pass_no.division": N_("The first 6 digits of the pass number are not a known division code."),
})


@dataclass(frozen=True)
class Rejection:
    """Why a value was refused (or, as a warning, what looks wrong with an accepted one)."""

    code: str
    field: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    @property
    def msgid(self) -> str:
        return REASONS[self.code]

    def text(self, locale: str | None = None) -> str:
        return translate(self.msgid, locale, **self.params)

    @property
    def message_en(self) -> str:
        return self.text("en")

    @property
    def message_zh(self) -> str:
        return self.text("zh_Hans")


def reject(code: str, field: str, /, **params: Any) -> Rejection:
    if code not in REASONS:
        raise KeyError(f"unregistered identifier reason {code!r}")
    return Rejection(code, field, MappingProxyType(dict(params)))


class IdentifierError(InvalidInput):
    """Raised by the `require_*` helpers. Its code is `ids.<identifier>_<reason>` (`ids.id_number_checksum`
    for the rejection `id_number.checksum`); the problem body also names the rejection itself as `reason`."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.msgid, code=f"ids.{rejection.code.replace('.', '_')}", field=rejection.field,
                         **rejection.params)
        self.rejection = rejection

    def problem_members(self) -> dict[str, Any]:
        return {**super().problem_members(), "reason": self.rejection.code}


@dataclass(frozen=True, kw_only=True)
class Checked:
    """The outcome of one check: `value` is the normalised form when `ok`."""

    value: str | None = None
    reason: Rejection | None = None
    warning: Rejection | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None

    def __bool__(self) -> bool:
        return self.ok

    def require(self) -> Self:
        """Return self when accepted, otherwise raise `IdentifierError`."""
        if self.reason is not None:
            raise IdentifierError(self.reason)
        return self
