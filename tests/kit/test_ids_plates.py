import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.kit.ids import (
    PLATE_PROVINCES,
    Energy,
    PlateKind,
    check_plate,
    check_plate_type,
    plate_type,
    plate_types_for,
)


@pytest.mark.parametrize(("raw", "value", "kind", "display"), [
    ("京A12345", "京A12345", PlateKind.ORDINARY, "京A·12345"),
    ("京A·12345", "京A12345", PlateKind.ORDINARY, "京A·12345"),
    ("京ab123c", "京AB123C", PlateKind.ORDINARY, "京A·B123C"),
    ("京Ａ１２３４５", "京A12345", PlateKind.ORDINARY, "京A·12345"),
    ("粤BD12345", "粤BD12345", PlateKind.SMALL_NEV, "粤B·D12345"),
    ("粤B12345F", "粤B12345F", PlateKind.LARGE_NEV, "粤B·12345F"),
    ("川A1234学", "川A1234学", PlateKind.COACH, "川A·1234学"),
    ("京A0001警", "京A0001警", PlateKind.POLICE, "京A·0001警"),
    ("鲁B1234挂", "鲁B1234挂", PlateKind.TRAILER, "鲁B·1234挂"),
    ("粤Z1234港", "粤Z1234港", PlateKind.HONG_KONG, "粤Z·1234港"),
    ("粤Z·A123澳", "粤ZA123澳", PlateKind.MACAO, "粤Z·A123澳"),
    ("沪224·78领", "沪22478领", PlateKind.CONSULATE, "沪224·78领"),
    ("224·578使", "224578使", PlateKind.EMBASSY, "224·578使"),
    ("使224578", "224578使", PlateKind.EMBASSY, "224·578使"),
])
def test_each_plate_kind_is_recognised_and_displayed_with_the_dot(raw, value, kind, display):
    result = check_plate(raw)
    assert (result.value, result.kind, result.display) == (value, kind, display)


@pytest.mark.parametrize(("serial_head", "energy"), [
    ("D", Energy.PURE_ELECTRIC), ("A", Energy.PURE_ELECTRIC), ("E", Energy.PURE_ELECTRIC),
    ("F", Energy.NON_PURE_ELECTRIC), ("G", Energy.NON_PURE_ELECTRIC), ("K", Energy.NON_PURE_ELECTRIC),
])
def test_the_energy_type_of_a_small_nev_plate_comes_from_its_first_serial_letter(serial_head, energy):
    assert check_plate(f"京A{serial_head}12345").energy is energy


def test_the_energy_type_of_a_large_nev_plate_comes_from_its_last_letter():
    assert check_plate("京A12345D").energy is Energy.PURE_ELECTRIC
    assert check_plate("京A12345H").energy is Energy.NON_PURE_ELECTRIC


@pytest.mark.parametrize(("raw", "code"), [
    ("", "empty"),
    ("貴A12345", "plate.traditional_province"),
    ("粵B12345", "plate.traditional_province"),
    ("AB12345", "plate.province"),
    ("沪111111", "plate.authority"),
    ("京I12345", "plate.letter_i_or_o"),
    ("京A1I345", "plate.letter_i_or_o"),
    ("京AO1234", "plate.letter_i_or_o"),
    ("京AABCDE", "plate.all_letters"),
    ("京A1234", "plate.format"),
    ("京A1234567", "plate.format"),
    ("京AL12345", "plate.format"),   # L is not an energy letter
    ("京A1234港", "plate.format"),   # cross-border plates are 粤Z only
])
def test_invalid_plates_are_refused_with_a_reason(raw, code):
    assert check_plate(raw).reason.code == code


def test_a_traditional_province_names_the_simplified_character_in_both_languages():
    reason = check_plate("貴A12345").reason
    assert "贵" in reason.message_zh and "贵" in reason.message_en


def test_an_old_plate_with_the_letter_o_is_accepted_only_for_historical_records():
    assert not check_plate("京O12345").ok
    result = check_plate("京O12345", legacy=True)
    assert result.ok and result.legacy
    assert result.warning.code == "plate.legacy_o"
    assert not check_plate("京A12345", legacy=True).legacy


def test_plate_type_51_is_the_large_and_52_the_small_new_energy_vehicle():
    assert plate_type("51").name_zh == "大型新能源汽车"
    assert plate_type("52").name_zh == "小型新能源汽车"
    assert plate_type(52).name_en == "Small new-energy vehicle"


def test_plate_type_codes_are_padded_and_unknown_ones_refused():
    assert check_plate_type("2").value == "02"
    assert check_plate_type("28").reason.code == "plate_type.unknown"


def test_a_plate_kind_suggests_its_plate_types():
    assert [t.code for t in plate_types_for(PlateKind.SMALL_NEV)] == ["52"]
    assert [t.code for t in plate_types_for(PlateKind.LARGE_NEV)] == ["51"]
    assert plate_types_for(PlateKind.ORDINARY)[0].code == "02"


SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
ordinary = st.builds(
    lambda p, a, s: p + a + s,
    st.sampled_from(sorted(PLATE_PROVINCES)),
    st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"),
    st.text(SERIAL, min_size=5, max_size=5).filter(lambda s: any(c.isdigit() for c in s)),
)


@given(ordinary)
def test_every_well_formed_ordinary_plate_is_accepted_as_stored(plate):
    assert check_plate(plate).value == plate


@given(ordinary)
def test_plate_normalisation_is_idempotent(plate):
    once = check_plate(plate[0] + "·" + plate[1:].lower()).value
    assert once == plate
    assert check_plate(check_plate(plate).display).value == once
