"""The one masker of ID numbers and names (pages, QR crew, audit summaries, logs)."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.kit.ids.masking import mask_id_number, mask_name, scrub
from jiaoguan.kit.logmask import MaskIdNumbers


@pytest.mark.parametrize(("raw", "masked"), [
    ("11010519491231002X", "110105********002X"),
    ("11010519491231002x", "110105********002X"),
    ("１１０１０５１９４９１２３１００２Ｘ", "110105********002X"),  # full-width, as an IME left in Chinese types it
    ("110105 1949 1231 002X", "110105********002X"),
    ("110105900101123", "110105*****1123"),                     # a 15-digit ID number of before 1999
    ("E12345678", "E1*****78"),                                  # a passport: 2 and 2 kept
    ("H1234567890", "H1*******90"),                              # a Hong Kong/Macao permit
    ("12345", "*****"),                                          # too short to show anything
    ("", ""),
])
def test_an_id_number_keeps_the_region_and_the_last_four_and_another_document_two_and_two(
        raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


@given(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))
def test_a_masked_resident_id_never_shows_the_birth_date(number: str) -> None:
    masked = mask_id_number(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:] and masked[6:14] == "*" * 8


@pytest.mark.parametrize(("name", "masked"), [
    ("张三丰", "张*丰"), ("李四", "李*"), ("欧阳娜娜", "欧**娜"), ("阿卜杜拉·买买提", "阿******提"), ("王", "*"),
])
def test_a_name_keeps_only_its_first_and_last_characters(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@given(st.text(min_size=3, max_size=12).filter(lambda s: s == s.strip()))
def test_a_masked_name_never_shows_a_middle_character(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[1:-1] == "*" * (len(name) - 2)


def test_free_text_has_every_resident_id_number_masked_and_nothing_else() -> None:
    text = ("looked up 11010519491231002X and 11010519491231002x, old 110105491231002; "
            "VIN LSVAU2180N2183294, phone 13812341234, pass 110100000123, credit 91110000600037341L")
    assert scrub(text) == ("looked up 110105********002X and 110105********002X, old 110105*****1002; "
                           "VIN LSVAU2180N2183294, phone 13812341234, pass 110100000123, "
                           "credit 91110000600037341L")


def test_a_number_inside_a_longer_run_is_not_taken_for_an_id_number() -> None:
    assert scrub("hash a11010519491231002Xb and 1101051949123100211") == \
        "hash a11010519491231002Xb and 1101051949123100211"


def test_the_log_filter_masks_id_numbers_in_messages_and_arguments() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "GET /x?id_number=%s seen 110105491231002",
                               ("11010519491231002X",), None)
    MaskIdNumbers().filter(record)
    assert record.getMessage() == "GET /x?id_number=110105********002X seen 110105*****1002"
