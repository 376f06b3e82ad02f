import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.kit import clock
from jiaoguan.kit.ids import (
    IdentifierError,
    IdKind,
    Sex,
    check_id_number,
    require_id_number,
    upgrade_legacy_id,
)
from jiaoguan.kit.ids.divisions import divisions
from jiaoguan.kit.ids.resident import id_check_char

ON = dt.date(2025, 6, 1)
AREAS = sorted(divisions())


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "513101198201130014"])
def test_published_vectors_are_accepted(number):
    assert check_id_number(number, on=ON).ok


def test_a_number_from_the_retired_yaan_prefecture_is_accepted_although_its_code_postdates_the_birth():
    result = check_id_number("513101198201130014", on=ON)
    assert result.area_name == "四川省雅安地区雅安市"
    assert result.birth_date == dt.date(1982, 1, 13)


def test_birth_date_sex_and_area_are_parsed():
    result = check_id_number("11010519491231002X", on=ON)
    assert result.birth_date == dt.date(1949, 12, 31)
    assert result.sex is Sex.FEMALE
    assert result.area_code == "110105"
    assert result.area_name == "北京市朝阳区"
    assert result.kind is IdKind.RESIDENT


def test_an_odd_sequence_number_means_male():
    assert check_id_number("440524188001010014", on=ON).sex is Sex.MALE


def test_lower_case_x_and_spaces_are_normalised():
    assert check_id_number(" 110105 19491231 002x ", on=ON).value == "11010519491231002X"


def test_full_width_digits_are_normalised():
    assert check_id_number("１１０１０５１９４９１２３１００２Ｘ", on=ON).value == "11010519491231002X"


def test_a_fifteen_digit_number_is_upgraded_to_eighteen():
    result = check_id_number("110105491231002", on=ON)
    assert result.value == "11010519491231002X"
    assert result.upgraded_from == "110105491231002"
    assert upgrade_legacy_id("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(("number", "code"), [
    ("", "empty"),
    ("1101051949123100", "id_number.length"),
    ("1101051949123100A2", "id_number.format"),
    ("110105194912310021", "id_number.checksum"),
])
def test_malformed_numbers_are_refused_with_a_reason(number, code):
    assert check_id_number(number, on=ON).reason.code == code


def _valid(area: str, born: dt.date, seq: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def test_an_impossible_birth_date_is_refused_even_with_a_correct_check_character():
    first17 = "11010519900230001"
    assert check_id_number(first17 + id_check_char(first17), on=ON).reason.code == "id_number.birth_date"


def test_a_birth_date_after_the_reference_day_is_refused():
    number = _valid("110105", dt.date(2025, 6, 2), 1)
    assert check_id_number(number, on=ON).reason.code == "id_number.birth_in_future"
    assert check_id_number(number, on=dt.date(2025, 6, 2)).ok


def test_the_reference_day_defaults_to_the_injected_clock():
    number = _valid("110105", dt.date(2030, 1, 1), 1)
    previous = clock.get_clock()
    try:
        clock.set_clock(clock.FixedClock(dt.datetime(2029, 12, 31, 12, tzinfo=dt.UTC)))
        assert check_id_number(number).reason.code == "id_number.birth_in_future"
        clock.set_clock(clock.FixedClock(dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)))
        assert check_id_number(number).ok
    finally:
        clock.set_clock(previous)


def test_an_unknown_area_code_is_refused():
    assert check_id_number(_valid("999999", dt.date(1990, 1, 1), 1), on=ON).reason.code == "id_number.area"


@pytest.mark.parametrize(("area", "region"), [("810000", "香港"), ("820000", "澳门"), ("830000", "台湾")])
def test_residence_permits_for_hong_kong_macao_and_taiwan_residents_are_accepted(area, region):
    result = check_id_number(_valid(area, dt.date(1990, 5, 17), 12), on=ON)
    assert result.kind is IdKind.HK_MACAO_TAIWAN_PERMIT
    assert result.area_name == region


def test_require_raises_an_identifier_error_carrying_the_reason_code():
    with pytest.raises(IdentifierError) as caught:
        require_id_number("110105194912310021", on=ON)
    assert caught.value.code == "ids.id_number_checksum"
    assert caught.value.status_code == 422
    assert caught.value.field == "id_number"


ids = st.builds(_valid, st.sampled_from(AREAS), st.dates(dt.date(1900, 1, 1), ON), st.integers(0, 999))


@given(ids)
def test_every_generated_number_is_accepted(number):
    assert check_id_number(number, on=ON).ok


@given(ids, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_any_single_character_is_refused(number, position, replacement):
    if number[position] == replacement:
        return
    changed = number[:position] + replacement + number[position + 1:]
    assert not check_id_number(changed, on=ON).ok


@given(ids)
def test_normalisation_is_idempotent(number):
    once = check_id_number(number.lower(), on=ON).value
    assert once is not None
    assert check_id_number(once, on=ON).value == once
