import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.kit.ids import IdentifierError, check_vin, require_vin
from jiaoguan.kit.ids.vin import vin_check_digit

VECTOR = "1M8GDM9AXKP042788"


def test_the_published_vector_has_check_digit_x():
    result = check_vin(VECTOR)
    assert result.ok and result.check_digit_ok and result.warning is None
    assert vin_check_digit(VECTOR) == "X"


def test_the_parts_of_a_vin_are_split_out():
    result = check_vin(VECTOR)
    assert (result.wmi, result.vds, result.model_year_code, result.plant_code, result.serial) == (
        "1M8", "GDM9A", "K", "P", "042788")


def test_a_wrong_check_digit_is_only_a_warning_by_default():
    result = check_vin("1M8GDM9A1KP042788")
    assert result.ok
    assert result.warning.code == "vin.check_digit"
    assert result.check_digit_ok is False


def test_a_wrong_check_digit_is_refused_when_strict():
    assert check_vin("1M8GDM9A1KP042788", strict=True).reason.code == "vin.check_digit"
    with pytest.raises(IdentifierError):
        require_vin("1M8GDM9A1KP042788", strict=True)


def test_lower_case_spaces_and_full_width_are_normalised():
    assert check_vin(" 1m8gdm9axkp０４２７８８ ").value == VECTOR


@pytest.mark.parametrize(("raw", "code"), [
    ("", "empty"),
    ("1M8GDM9AXKP04278", "vin.length"),
    ("1M8GDM9AXKP0427888", "vin.length"),
    ("1M8GDM9AXKP04278O", "vin.forbidden_letter"),
    ("IM8GDM9AXKP042788", "vin.forbidden_letter"),
    ("QM8GDM9AXKP042788", "vin.forbidden_letter"),
    ("1M8GDM9AXKP04278*", "vin.format"),
])
def test_malformed_vins_are_refused_whatever_the_mode(raw, code):
    assert check_vin(raw).reason.code == code


ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
vins = st.text(ALPHABET, min_size=17, max_size=17).map(lambda v: v[:8] + vin_check_digit(v) + v[9:])


@given(vins)
def test_every_vin_with_a_computed_check_digit_passes_strictly(vin):
    assert check_vin(vin, strict=True).ok


@given(vins, st.sampled_from("0123456789X"))
def test_changing_the_check_digit_is_refused_when_strict(vin, replacement):
    if vin[8] == replacement:
        return
    assert not check_vin(vin[:8] + replacement + vin[9:], strict=True).ok


@given(vins)
def test_vin_normalisation_is_idempotent(vin):
    once = check_vin(vin.lower()).value
    assert once == vin and check_vin(once).value == once
