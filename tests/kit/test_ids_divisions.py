import pytest

from jiaoguan.kit.ids import (
    PLATE_PROVINCES,
    PROVINCES,
    IdentifierError,
    Level,
    check_division_code,
    division,
    find_division,
    is_county_level,
)
from jiaoguan.kit.ids.divisions import build, merge, parse_stdnum, parse_supplement


def test_a_current_county_has_its_full_name_without_the_city_district_grouping():
    found = division("110105")
    assert (found.name, found.full_name) == ("朝阳区", "北京市朝阳区")
    assert (found.level, found.retired) == (Level.COUNTY, False)


def test_a_retired_district_is_kept_and_marked_retired():
    found = division("110103")
    assert found.name == "崇文区"
    assert found.retired
    assert found.in_force(2005) and not found.in_force(2011)


def test_the_yaan_prefecture_and_its_counties_are_known_as_retired():
    assert division("513100").full_name == "四川省雅安地区"
    assert division("513100").level is Level.PREFECTURE
    assert division("513122").full_name == "四川省雅安地区名山县"
    assert all(division(code).retired for code in ("513100", "513101", "513122"))


def test_a_province_level_code_has_the_simplified_province_name():
    assert division("510000").full_name == "四川省"
    assert division("810000").name == "香港特别行政区"


def test_an_unknown_code_raises_with_a_stable_reason():
    with pytest.raises(IdentifierError) as caught:
        division("999999")
    assert caught.value.code == "ids.division_unknown"
    assert find_division("999999") is None


def test_a_code_can_be_required_to_be_in_force_in_a_given_year():
    assert check_division_code("110103", in_year=2000).ok
    assert check_division_code("110103", in_year=2022).reason.code == "division.not_in_force"
    assert check_division_code("11010").reason.code == "division.format"


def test_only_county_level_codes_are_county_level():
    assert is_county_level("110105")
    assert not is_county_level("510100")
    assert not is_county_level("510000")
    assert not is_county_level("999999")


def test_the_supplement_adds_retired_codes_the_base_data_lacks():
    base = parse_stdnum('51 province="四川省"\n  0100 county="成都市"\n')
    extra = parse_supplement("code,name,start,end\n513100,雅安地区,,2000\n513122,名山县,,2000\n")
    built = build(merge(base, extra))
    assert built["513122"].full_name == "四川省雅安地区名山县"
    assert built["513122"].retired


def test_the_supplement_does_not_duplicate_a_name_already_listed():
    base = parse_stdnum('51 province="四川省"\n  3100 county="[-2000]雅安地区"\n')
    extra = parse_supplement("code,name,start,end\n513100,雅安地区,,2000\n")
    assert len(merge(base, extra)["513100"]) == 1


def test_a_code_with_several_names_takes_the_latest_one():
    base = parse_stdnum('21 province="辽宁省"\n  0200 county="[-1980]旅大市,[1981-]大连市"\n')
    found = build(base)["210200"]
    assert found.name == "大连市"
    assert not found.retired


def test_there_are_thirty_one_plate_abbreviations_each_naming_a_mainland_province():
    assert len(PLATE_PROVINCES) == 31
    assert all(code in PROVINCES and int(code) < 70 for code in PLATE_PROVINCES.values())
    assert PLATE_PROVINCES["京"] == "11"
    assert PLATE_PROVINCES["川"] == "51"
