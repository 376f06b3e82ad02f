"""The bounded CBOR reader: it reads what cbor2 writes, and stops at each limit with the limit's reason."""

from __future__ import annotations

import math

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiaoguan.passes.qr import cbor
from jiaoguan.passes.qr.cbor import CborError, Limits, Simple, Tag, loads

plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64), 2**64 - 1) | st.floats(allow_nan=False) | st.binary(max_size=40)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=8)
    | st.dictionaries(st.integers(-(2**64), 2**64 - 1) | st.text(max_size=5), children, max_size=8),
    max_leaves=40,
)


@given(value=plain, canonical=st.booleans(), indefinite=st.booleans())
@settings(max_examples=300, deadline=None)
def test_it_reads_whatever_cbor2_writes_within_the_limits(value: object, canonical: bool, indefinite: bool) -> None:
    data = cbor2.dumps(value, canonical=canonical, indefinite_containers=indefinite)
    assert loads(data, whole=True) == cbor2.loads(data)


def reason(data: bytes, limits: Limits = cbor.CLAIMS) -> str | None:
    try:
        loads(data, limits, whole=True)
    except CborError as exc:
        return exc.reason or "malformed"
    return None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x81" * 16 + b"\x00", None),  # 16 levels of arrays around an integer
        (b"\x81" * 17 + b"\x00", cbor.TOO_DEEP),
        (b"\xa1\x00" * 16 + b"\x00", None),
        (b"\xa1\x00" * 17 + b"\x00", cbor.TOO_DEEP),
        (cbor2.dumps(list(range(256))), None),
        (cbor2.dumps(list(range(257))), cbor.TOO_LONG),
        (cbor2.dumps(dict.fromkeys(range(257), 0)), cbor.TOO_LONG),
        (b"\x9f" + b"\x00" * 257 + b"\xff", cbor.TOO_LONG),  # indefinite: counted as it is read
        (b"\x9b" + b"\xff" * 8, cbor.TOO_LONG),  # a declared length checked before the data
        (cbor2.dumps("字" * 1365), None),  # 4,095 bytes
        (cbor2.dumps("字" * 1366), cbor.TOO_LONG),  # 4,098 bytes: the limit counts bytes, not characters
        (cbor2.dumps(b"x" * 4097), cbor.TOO_LONG),
        (b"\x5f" + cbor2.dumps(b"x" * 4000) + cbor2.dumps(b"y" * 97) + b"\xff", cbor.TOO_LONG),
        (b"\x1b" + b"\xff" * 8, None),  # 2^64 - 1 is still a 64-bit integer
        (cbor2.dumps(2**64), cbor.INT_TOO_LARGE),  # a bignum (tag 2)
        (cbor2.dumps(-(2**64) - 1), cbor.INT_TOO_LARGE),  # tag 3
        (cbor2.dumps(cbor2.CBORTag(1, 0)), cbor.TAG_NOT_ALLOWED),
        (cbor2.dumps([cbor2.CBORTag(28, [])]), cbor.TAG_NOT_ALLOWED),  # shared references: a structure in itself
        (b"\xa1\x80\x00", "malformed"),  # an array as a map key
        (b"\x62\xc3\x28", "malformed"),  # not UTF-8
        (b"\x00\x00", "malformed"),  # something after the item
        (b"\x5f\x41a\x61b\xff", "malformed"),  # a text chunk in a byte string
        (b"\x5f\x5f\xff\xff", "malformed"),  # nested indefinite chunks
        (b"\xff", "malformed"),
        (b"\x1c", "malformed"),
    ],
)
def test_each_limit_has_its_reason_and_everything_else_is_malformed(data: bytes, expected: str | None) -> None:
    assert reason(data) == expected


def test_the_cose_and_cwt_tags_may_wrap_the_root_and_nothing_else() -> None:
    message = Limits(max_string=None, root_tags=frozenset({18, 61}))
    assert loads(cbor2.dumps(cbor2.CBORTag(61, cbor2.CBORTag(18, [1]))), message) == Tag(61, Tag(18, [1]))
    assert reason(cbor2.dumps([cbor2.CBORTag(18, [])]), message) == cbor.TAG_NOT_ALLOWED
    assert reason(cbor2.dumps(cbor2.CBORTag(18, [b"x" * 5000])), message) is None


def test_floats_and_simple_values_come_back_as_values_json_can_be_told_about() -> None:
    assert math.isnan(loads(b"\xf9\x7e\x00"))
    assert loads(b"\xf9\x3c\x00") == 1.0 and type(loads(b"\xf9\x3c\x00")) is float
    assert loads(b"\xf0") == Simple(16) and loads(b"\xf8\xff") == Simple(255)
    assert loads(b"\xf7") is cbor.UNDEFINED


usual_parts = st.tuples(
    st.one_of(st.binary(max_size=300), st.just(b"\xa2\x01\x26\x04\x48" + bytes(8)),
              st.binary(min_size=8, max_size=8).map(lambda kid: b"\xa2\x01\x26\x04\x48" + kid)),
    st.sampled_from([{}, {4: b"12345678"}]),
    st.binary(max_size=70_000),
    st.binary(max_size=80),
)


@given(parts=usual_parts, tagged=st.booleans(), tail=st.sampled_from([b"", b"\x00"]))
@settings(max_examples=200, deadline=None)
def test_the_short_cut_for_the_usual_cose_message_reads_what_the_general_reader_reads(
    parts: tuple[bytes, dict[int, bytes], bytes, bytes], tagged: bool, tail: bytes
) -> None:
    from jiaoguan.passes.qr import cose

    body = list(parts)
    data = cbor2.dumps(cbor2.CBORTag(18, body) if tagged else body) + tail

    def parse() -> object:
        try:
            return cose.parse_sign1(data)
        except cose.CoseError as exc:
            return ("refused", exc.reason)

    quick = parse()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cose, "_usual_message", lambda _data: None)
        assert parse() == quick
