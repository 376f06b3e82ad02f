from __future__ import annotations

import base45
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiaoguan.passes.qr.b45 import ALPHABET, Base45Error, b45decode, b45encode

# Characters the decoder sees in practice: the alphabet, plus look-alikes that must be refused.
NEAR_ALPHABET = ALPHABET + "abz#_=,;!\"'\u00e9\u4e2d"


def reference_decode(text: str) -> bytes | None:
    try:
        return base45.b45decode(text)
    except ValueError:
        return None


def ours(text: str) -> bytes | None:
    try:
        return b45decode(text)
    except Base45Error:
        return None


@pytest.mark.parametrize(
    ("raw", "text"),
    [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0"), (b"", "")],
)
def test_the_rfc_9285_examples_encode_and_decode(raw: bytes, text: str) -> None:
    assert b45encode(raw) == text
    assert b45decode(text) == raw


@given(st.binary(max_size=600))
@settings(max_examples=300)
def test_encoding_matches_the_base45_package_and_round_trips(data: bytes) -> None:
    text = b45encode(data)
    assert text == base45.b45encode(data).decode()
    assert b45decode(text) == data
    assert b45decode(text.encode()) == data


@given(st.text(alphabet=ALPHABET, max_size=60))
@settings(max_examples=500)
def test_any_alphabet_text_decodes_exactly_as_the_base45_package_does(text: str) -> None:
    assert ours(text) == reference_decode(text)


@given(st.text(alphabet=NEAR_ALPHABET, max_size=40))
@settings(max_examples=500)
def test_text_with_foreign_characters_is_refused_exactly_when_the_package_refuses_it(text: str) -> None:
    assert ours(text) == reference_decode(text)


@pytest.mark.parametrize(
    "text",
    [
        "GGW",  # 16 + 16·45 + 32·2025 = 65536: one more than two bytes hold
        ":::",  # 44 + 44·45 + 44·2025 = 91124, the largest three characters can say
        "BB8GGW",  # a bad group after a good one
        "ZZ",  # 35 + 35·45 = 1610 > 255 in the final pair
        "BB8ZZ",
        "A",  # a length that leaves one character
        "BB8A",
        "bb8",  # lower case is not in the alphabet
        "BB8\n",  # the package tolerates a trailing newline; stripping is the caller's job
        "BB=",
        "中文",
    ],
)
def test_rfc_9285_rejections(text: str) -> None:
    with pytest.raises(Base45Error):
        b45decode(text)


def test_the_largest_legal_values_decode() -> None:
    assert b45decode("FGW") == b"\xff\xff"  # 15 + 15·45 + 32·2025 = 65535
    assert b45decode("U5") == b"\xff"  # 30 + 5·45 = 255
