import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.kit.ids import check_credit_code
from jiaoguan.kit.ids.credit_code import CREDIT_CODE_CHARS, credit_code_check_char, org_code_check_char

# The first two are the examples published with python-stdnum / GB 32100 explanations;
# the third is a published enterprise code that satisfies both checks.
PUBLISHED = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_pass_both_checks(code):
    result = check_credit_code(code, strict=True)
    assert result.ok and result.warning is None


def test_the_parts_are_split_out():
    result = check_credit_code("91110000600037341L")
    assert (result.authority, result.entity_type, result.division_code, result.org_code) == (
        "9", "1", "110000", "600037341")


def test_lower_case_is_normalised():
    assert check_credit_code("91350100m000100y43").value == "91350100M000100Y43"


@pytest.mark.parametrize(("raw", "code"), [
    ("", "empty"),
    ("91110000600037341", "credit_code.length"),
    ("91110000600037341I", "credit_code.format"),
    ("9111000060003734SL", "credit_code.format"),
    ("91110000600037341M", "credit_code.checksum"),
])
def test_malformed_codes_are_refused(raw, code):
    assert check_credit_code(raw).reason.code == code


def test_a_bad_organisation_code_is_a_warning_unless_strict():
    first17 = "91110000600037342"  # org code check character 2 instead of 1
    code = first17 + credit_code_check_char(first17)
    assert check_credit_code(code).warning.code == "credit_code.org_code"
    assert check_credit_code(code, strict=True).reason.code == "credit_code.org_code"


def _build(head: str, org8: str) -> str:
    first17 = head + org8 + org_code_check_char(org8)
    return first17 + credit_code_check_char(first17)


codes = st.builds(_build, st.text("0123456789", min_size=8, max_size=8),
                  st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))


@given(codes)
def test_every_generated_code_passes(code):
    assert check_credit_code(code, strict=True).ok


@given(codes, st.integers(0, 17), st.sampled_from(CREDIT_CODE_CHARS))
def test_changing_any_single_character_is_refused_when_strict(code, position, replacement):
    if code[position] == replacement:
        return
    assert not check_credit_code(code[:position] + replacement + code[position + 1:], strict=True).ok
