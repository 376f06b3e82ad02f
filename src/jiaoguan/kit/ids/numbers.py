"""Plain numbers: mainland mobile, driving-licence file number, key-material pass number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jiaoguan.kit.ids.divisions import Division, divisions
from jiaoguan.kit.ids.result import Checked, reject
from jiaoguan.kit.ids.text import compact


@dataclass(frozen=True, kw_only=True)
class Mobile(Checked):
    """A mainland mobile number, normalised to 11 digits."""


def check_mobile(raw: str, *, field: str = "mobile") -> Mobile:
    """Mainland mobile numbers; a +86 / 0086 country prefix is dropped."""
    number = compact(raw).removeprefix("+")
    if not number:
        return Mobile(reason=reject("empty", field))
    for prefix in ("0086", "86"):
        if number.startswith(prefix) and len(number) == 11 + len(prefix):
            number = number[len(prefix):]
    if not re.fullmatch(r"1[3-9]\d{9}", number):
        return Mobile(reason=reject("mobile.format", field))
    return Mobile(value=number)


def require_mobile(raw: str, *, field: str = "mobile") -> Mobile:
    return check_mobile(raw, field=field).require()


def mask_mobile(raw: str) -> str:
    """For logs and pages: 13812341234 -> 138****1234."""
    number = check_mobile(raw).value or compact(raw)
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


@dataclass(frozen=True, kw_only=True)
class LicenceFileNo(Checked):
    """A driving-licence file number (档案编号), 12 digits."""


def check_licence_file_no(raw: str, *, field: str = "licence_file_no") -> LicenceFileNo:
    """驾驶证档案编号: 12 digits; there is no published check digit, so the prefix is not checked."""
    number = compact(raw)
    if not number:
        return LicenceFileNo(reason=reject("empty", field))
    if not re.fullmatch(r"\d{12}", number):
        return LicenceFileNo(reason=reject("licence_file_no.format", field))
    return LicenceFileNo(value=number)


def require_licence_file_no(raw: str, *, field: str = "licence_file_no") -> LicenceFileNo:
    return check_licence_file_no(raw, field=field).require()


@dataclass(frozen=True, kw_only=True)
class PassNo(Checked):
    division: Division | None = None   # the issuing area
    serial: str | None = None


def check_pass_no(raw: str, *, in_year: int | None = None, field: str = "pass_no") -> PassNo:
    """重点物资运输车辆通行证 number: a GB/T 2260 division code of the issuing area + 6-digit serial.

    With `in_year` (the year of issue) the code must have been in force that year.
    """
    number = compact(raw)
    if not number:
        return PassNo(reason=reject("empty", field))
    if not re.fullmatch(r"\d{12}", number):
        return PassNo(reason=reject("pass_no.format", field))
    # Every level in the code list (province, prefecture, county) is "county level or above".
    found = divisions().get(number[:6])
    if found is None or (in_year is not None and not found.in_force(in_year)):
        return PassNo(reason=reject("pass_no.division", field))
    return PassNo(value=number, division=found, serial=number[6:])


def require_pass_no(raw: str, *, in_year: int | None = None, field: str = "pass_no") -> PassNo:
    return check_pass_no(raw, in_year=in_year, field=field).require()
