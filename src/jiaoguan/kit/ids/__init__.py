"""Identifier checks (身份证号码, 号牌号码, VIN, 行政区划代码, 准驾车型, 统一社会信用代码, …).

Each `check_*` returns a result with `.ok`, `.value` (normalised), `.reason` (a `Rejection` with a
stable code and the sentence in Chinese and English) and the facts parsed from the value; each
`require_*` returns the same result or raises `IdentifierError`. Pure: no database, no web.
"""

from jiaoguan.kit.ids.credit_code import CreditCode, check_credit_code, require_credit_code
from jiaoguan.kit.ids.divisions import (
    PLATE_PROVINCES,
    PROVINCES,
    Division,
    DivisionCheck,
    Level,
    check_division_code,
    division,
    find_division,
    is_county_level,
)
from jiaoguan.kit.ids.licence import (
    LICENCE_CLASSES,
    LicenceClass,
    LicenceClasses,
    check_licence_classes,
    is_ab_class,
    parse_licence_classes,
    permits,
    permitted_classes,
)
from jiaoguan.kit.ids.masking import mask_id_number, mask_name, scrub
from jiaoguan.kit.ids.numbers import (
    LicenceFileNo,
    Mobile,
    PassNo,
    check_licence_file_no,
    check_mobile,
    check_pass_no,
    mask_mobile,
    require_licence_file_no,
    require_mobile,
    require_pass_no,
)
from jiaoguan.kit.ids.plate_types import PLATE_TYPES, PlateType, check_plate_type, plate_type, plate_types_for
from jiaoguan.kit.ids.plates import Energy, Plate, PlateKind, check_plate, require_plate
from jiaoguan.kit.ids.resident import (
    IdKind,
    IdNumber,
    Sex,
    check_id_number,
    require_id_number,
    upgrade_legacy_id,
)
from jiaoguan.kit.ids.result import REASONS, Checked, IdentifierError, Rejection
from jiaoguan.kit.ids.vin import Vin, check_vin, require_vin

__all__ = [
    "LICENCE_CLASSES", "PLATE_PROVINCES", "PLATE_TYPES", "PROVINCES", "REASONS",
    "Checked", "CreditCode", "Division", "DivisionCheck", "Energy", "IdKind", "IdNumber", "IdentifierError",
    "LicenceClass", "LicenceClasses", "LicenceFileNo", "Level", "Mobile", "PassNo", "Plate", "PlateKind",
    "PlateType", "Rejection", "Sex", "Vin",
    "check_credit_code", "check_division_code", "check_id_number", "check_licence_classes",
    "check_licence_file_no", "check_mobile", "check_pass_no", "check_plate", "check_plate_type", "check_vin",
    "division", "find_division", "is_ab_class", "is_county_level", "mask_id_number", "mask_mobile",
    "mask_name", "scrub",
    "parse_licence_classes", "permits", "permitted_classes", "plate_type", "plate_types_for",
    "require_credit_code", "require_id_number", "require_licence_file_no", "require_mobile",
    "require_pass_no", "require_plate", "require_vin", "upgrade_legacy_id",
]
