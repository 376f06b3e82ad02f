import pytest

from jiaoguan.kit.ids import (
    REASONS,
    check_licence_file_no,
    check_mobile,
    check_pass_no,
    mask_mobile,
    require_pass_no,
)
from jiaoguan.kit.ids.result import reject


@pytest.mark.parametrize("raw", ["13812341234", "+86 138 1234 1234", "0086-13812341234", "8613812341234"])
def test_mainland_mobiles_are_accepted_with_or_without_the_country_code(raw):
    assert check_mobile(raw).value == "13812341234"


@pytest.mark.parametrize("raw", ["12812341234", "1381234123", "138123412345", "23812341234"])
def test_other_numbers_are_not_mainland_mobiles(raw):
    assert check_mobile(raw).reason.code == "mobile.format"


def test_a_mobile_is_masked_in_the_middle():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("+86 13812341234") == "138****1234"


def test_a_licence_file_number_has_twelve_digits():
    assert check_licence_file_no("1101 0012 3456").value == "110100123456"
    assert check_licence_file_no("11010012345").reason.code == "licence_file_no.format"


def test_a_pass_number_starts_with_the_issuing_division():
    result = check_pass_no("510100000123")
    assert result.division.full_name == "四川省成都市"
    assert result.serial == "000123"


def test_a_pass_number_with_an_unknown_division_is_refused():
    assert check_pass_no("999999000123").reason.code == "pass_no.division"
    assert check_pass_no("51010000012").reason.code == "pass_no.format"


def test_a_pass_number_issued_in_a_year_needs_a_code_in_force_that_year():
    assert require_pass_no("110105000001", in_year=2022).ok
    assert check_pass_no("110103000001", in_year=2022).reason.code == "pass_no.division"


def test_every_reason_has_a_chinese_translation():
    for code in REASONS:
        reason = reject(code, "x", value="V", year=2000, simplified="贵")
        assert reason.message_zh != reason.message_en, code


def test_an_unregistered_reason_code_is_a_programming_error():
    with pytest.raises(KeyError):
        reject("no.such.reason", "x")
