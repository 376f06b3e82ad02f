import pytest

from jiaoguan.kit.ids import (
    LICENCE_CLASSES,
    IdentifierError,
    check_licence_classes,
    is_ab_class,
    parse_licence_classes,
    permits,
    permitted_classes,
)


def test_run_together_classes_are_split():
    assert parse_licence_classes("A2D") == ["A2", "D"]
    assert parse_licence_classes("C1E") == ["C1", "E"]


def test_classes_are_normalised_to_official_order_without_duplicates():
    result = check_licence_classes("d, a2 a2")
    assert result.classes == ("A2", "D")
    assert result.value == "A2D"


def test_an_unknown_class_is_refused():
    assert check_licence_classes("C7").reason.code == "licence_class.unknown"
    with pytest.raises(IdentifierError):
        parse_licence_classes("A4")


def test_a1_permits_everything_on_its_row_and_nothing_more():
    assert permitted_classes("A1") == {"A1", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"}


def test_permission_is_transitive():
    # A2 -> B1 -> M, and C1 -> C2; D -> E -> F.
    assert permits("A2D", "C2")
    assert permits("A2D", "F")
    assert permits(["C3"], "C4")


def test_a_car_licence_does_not_permit_a_truck_or_a_motorcycle():
    assert not permits("C1", "B2")
    assert not permits("C1", "E")
    assert not permits("C2", "C1")


def test_b2_permits_the_small_classes_the_code_transcription_omitted():
    assert permitted_classes("B2") >= {"C1", "C2", "C3", "C4", "M"}


def test_c6_is_reached_only_through_a2():
    holders = [code for code in LICENCE_CLASSES if "C6" in permitted_classes(code)]
    assert holders == ["A2", "C6"]


def test_a_and_b_classes_are_recognised():
    assert is_ab_class("B2")
    assert is_ab_class("A2D")
    assert not is_ab_class("C1E")
    assert not is_ab_class([])


def test_every_class_has_names_in_both_languages():
    assert len(LICENCE_CLASSES) == 17
    assert all(c.name_zh and c.name_en for c in LICENCE_CLASSES.values())
