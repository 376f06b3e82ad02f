"""Resident ID numbers (公民身份号码, GB 11643-1999) and the residence permits that share the format.

18 characters: area code (GB/T 2260) + birth date YYYYMMDD + 3-digit sequence (odd = male) + an
ISO 7064 MOD 11-2 check character. The area code is the one in use when the number was issued,
so retired codes are accepted; python-stdnum instead requires the code to be in force in the birth
year, which wrongly rejects real numbers such as 513101198201130014.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from jiaoguan.kit.clock import today
from jiaoguan.kit.ids.divisions import find_division
from jiaoguan.kit.ids.result import Checked, reject
from jiaoguan.kit.ids.text import compact

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# 港澳台居民居住证 numbers use these pseudo area codes with the same layout and checksum.
PERMIT_AREAS = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
# Nobody alive or on record was born before this; an earlier "date" is a typo.
_EARLIEST_BIRTH = dt.date(1850, 1, 1)


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class IdKind(enum.StrEnum):
    RESIDENT = "resident"                    # 居民身份证
    HK_MACAO_TAIWAN_PERMIT = "hmt_permit"    # 港澳台居民居住证


def id_check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def upgrade_legacy_id(number15: str) -> str:
    """A 15-digit (1989) number as its 18-digit form: insert the century 19, append the check."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + id_check_char(first17)


@dataclass(frozen=True, kw_only=True)
class IdNumber(Checked):
    kind: IdKind | None = None
    birth_date: dt.date | None = None
    sex: Sex | None = None
    area_code: str | None = None
    area_name: str | None = None       # full name of the division, or 香港/澳门/台湾
    upgraded_from: str | None = None   # the 15-digit number this was converted from


def check_id_number(raw: str, *, on: dt.date | None = None, field: str = "id_number") -> IdNumber:
    """Check a resident ID / residence-permit number; `on` is the day it must not be born after."""
    number = compact(raw)
    legacy = None
    if not number:
        return IdNumber(reason=reject("empty", field))
    if len(number) == 15:
        if not number.isdigit():
            return IdNumber(reason=reject("id_number.format", field))
        legacy, number = number, upgrade_legacy_id(number)
    if len(number) != 18:
        return IdNumber(reason=reject("id_number.length", field))
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return IdNumber(reason=reject("id_number.format", field))
    if id_check_char(number[:17]) != number[17]:
        return IdNumber(reason=reject("id_number.checksum", field))
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return IdNumber(reason=reject("id_number.birth_date", field))
    if born < _EARLIEST_BIRTH:
        return IdNumber(reason=reject("id_number.birth_date", field))
    if born > (on or today()):
        return IdNumber(reason=reject("id_number.birth_in_future", field))
    area = number[:6]
    if area in PERMIT_AREAS:
        kind, area_name = IdKind.HK_MACAO_TAIWAN_PERMIT, PERMIT_AREAS[area]
    elif (division := find_division(area)) is not None:
        kind, area_name = IdKind.RESIDENT, division.full_name
    else:
        return IdNumber(reason=reject("id_number.area", field))
    return IdNumber(value=number, kind=kind, birth_date=born,
                    sex=Sex.MALE if int(number[16]) % 2 else Sex.FEMALE,
                    area_code=area, area_name=area_name, upgraded_from=legacy)


def require_id_number(raw: str, *, on: dt.date | None = None, field: str = "id_number") -> IdNumber:
    return check_id_number(raw, on=on, field=field).require()


