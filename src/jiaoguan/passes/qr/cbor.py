"""A bounded CBOR reader (RFC 8949) for what arrives in a QR: the only decoder untrusted bytes meet.

A general decoder trusts its input too much for a checkpoint: cbor2 nests as deep as the stack allows,
turns tags into bignums, regular expressions, MIME messages and shared references (a structure that
contains itself), and hands back values JSON cannot carry. This one reads the data model and nothing
more, and stops at limits that no genuine pass or EU DCC comes near, each with a stable reason code:

* nesting of arrays, maps and tags deeper than `max_depth`           → ``cbor_too_deep``
* an array or map with more than `max_items` entries, a byte or text
  string longer than `max_string` bytes                               → ``cbor_too_long``
* an integer beyond 64 bits (bignum tags 2 and 3)                     → ``cbor_int_too_large``
* any other tag, except the COSE/CWT tags that may wrap the message   → ``cbor_tag_not_allowed``

Anything else that is not well-formed CBOR raises `CborError` without a reason (the caller's "bad
COSE"). The browser's verifier (templates/passes/assets/offline_verify.js) applies the same limits in
the same order, so both give the same reason for the same QR. Maps come back as dicts (last duplicate
key wins), arrays as lists; a map key must be a scalar.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, NamedTuple

TOO_DEEP = "cbor_too_deep"
TOO_LONG = "cbor_too_long"
INT_TOO_LARGE = "cbor_int_too_large"
TAG_NOT_ALLOWED = "cbor_tag_not_allowed"
BIGNUM_TAGS = frozenset({2, 3})


class CborError(ValueError):
    """Not CBOR this reader accepts; `reason` names the limit when one was exceeded."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class Tag(NamedTuple):
    """A tag the limits allow (only at the root: the COSE_Sign1 and CWT tags)."""

    tag: int
    value: Any


class Simple(NamedTuple):
    """A simple value other than false, true, null and undefined."""

    value: int


class _Undefined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 16
    max_items: int = 256
    max_string: int | None = 4096  # None: bounded only by the data (the COSE message around the payload)
    root_tags: frozenset[int] = frozenset()


CLAIMS = Limits()

_HALF = struct.Struct(">e")
_SINGLE = struct.Struct(">f")
_DOUBLE = struct.Struct(">d")
_ARRAY, _MAP, _TAG_OPEN, _ROOT = 4, 5, 6, -1  # the open container's kind: its CBOR major type
_NO_KEY = object()


def loads(data: bytes, limits: Limits = CLAIMS, *, whole: bool = False) -> Any:
    """The first data item of `data` (with `whole`, nothing may follow it); raises `CborError`.

    One loop with an explicit stack and the innermost container in local variables, not one call per
    item: it runs on every scan, and a Python call costs more than the work of a small item.
    """
    try:
        return _loads(data, limits, whole)
    except UnicodeDecodeError:
        raise CborError("text is not UTF-8") from None
    except IndexError:  # reading a head past the end (cheaper than a bounds check per item)
        raise CborError("CBOR data ends early") from None


def _loads(data: bytes, limits: Limits, whole: bool) -> Any:
    max_depth, max_items, max_string = limits.max_depth, limits.max_items, limits.max_string
    root_tags = limits.root_tags
    # Heads of short text strings (under 24 bytes) skip the general path below, unless a limit is tighter.
    short_text = 0x78 if max_string is None or max_string >= 23 else 0x60
    end, pos, depth = len(data), 0, 0
    # The innermost open container: kind, the list/dict (or tag number), declared size (-1: indefinite),
    # entries so far, a map key waiting for its value; `chain` while only tags enclose the item.
    box: Any = None
    kind, size, count, key, chain = _ROOT, 0, 0, _NO_KEY, True
    outer: list[tuple[Any, ...]] = []
    push, pop = outer.append, outer.pop
    value: Any
    while True:
        if depth > max_depth:
            raise CborError("CBOR nested too deeply", TOO_DEEP)
        initial = data[pos]
        pos += 1
        # The two commonest items first: a small unsigned integer, a short text.
        if initial < 0x18:
            value = initial
        elif 0x60 <= initial < short_text:
            stop = pos + initial - 0x60
            if stop > end:
                raise CborError("CBOR data ends early")
            value = data[pos:stop].decode()
            pos = stop
        else:
            major, arg = initial >> 5, initial & 31
            if arg >= 24:
                if arg < 28:
                    width = 1 << (arg - 24)
                    if pos + width > end:
                        raise CborError("CBOR data ends early")
                    if major == 7:
                        value = _simple(data[pos : pos + width], arg)
                        pos += width
                        major = -1  # a finished value
                    else:
                        arg = int.from_bytes(data[pos : pos + width], "big")
                        pos += width
                elif arg == 31:
                    arg = -1
                else:
                    raise CborError("reserved additional information")

            if major == 3 or major == 2:
                if arg == -1:
                    value, pos = _chunks(data, pos, major, max_string)
                else:
                    if max_string is not None and arg > max_string:
                        raise CborError("CBOR string too long", TOO_LONG)
                    if pos + arg > end:
                        raise CborError("CBOR data ends early")
                    value = data[pos : pos + arg]
                    if major == 3:
                        value = value.decode()
                    pos += arg
            elif major == 0 or major == 1:
                if arg == -1:
                    raise CborError("indefinite integer")
                value = arg if major == 0 else -1 - arg
            elif major == 5 or major == 4:
                if arg > max_items:
                    raise CborError("CBOR array or map has too many entries", TOO_LONG)
                if arg == 0:
                    value = {} if major == 5 else []
                    if kind == _MAP and key is _NO_KEY:
                        raise CborError("a map key must be a scalar")
                else:
                    push((kind, box, size, count, key, chain))
                    kind, box, size, count, key, chain = major, {} if major == 5 else [], arg, 0, _NO_KEY, False
                    depth += 1
                    continue
            elif major == 6:
                if arg == -1:
                    raise CborError("indefinite tag")
                if arg in BIGNUM_TAGS:
                    raise CborError("integers beyond 64 bits are not accepted", INT_TOO_LARGE)
                # Allowed only in the chain of tags around the root item (CWT 61, COSE_Sign1 18).
                if not chain or arg not in root_tags:
                    raise CborError(f"CBOR tag {arg} is not accepted here", TAG_NOT_ALLOWED)
                push((kind, box, size, count, key, chain))
                kind, box, size, count, key = _TAG_OPEN, arg, 1, 0, _NO_KEY
                depth += 1
                continue
            elif major == 7:
                if arg != -1:
                    value = _simple(b"", arg)
                elif size != -1 or key is not _NO_KEY:  # a break closes only an indefinite array or map
                    raise CborError("unexpected break")
                else:
                    value = box
                    kind, box, size, count, key, chain = pop()
                    depth -= 1
                    if kind == _MAP and key is _NO_KEY:
                        raise CborError("a map key must be a scalar")

        # Hand the value to the containers waiting for it, closing each one it completes.
        while True:
            if kind == _MAP:
                if key is _NO_KEY:  # (a container as a key is refused where it closes)
                    key = value
                    break
                box[key] = value
                key = _NO_KEY
                count += 1
            elif kind == _ARRAY:
                box.append(value)
                count += 1
            elif kind == _TAG_OPEN:
                value = Tag(box, value)
                kind, box, size, count, key, chain = pop()
                depth -= 1
                continue
            else:
                if whole and pos != end:
                    raise CborError("bytes after the CBOR item")
                return value
            if count != size:
                if size == -1 and count > max_items:
                    raise CborError("CBOR array or map has too many entries", TOO_LONG)
                break
            value = box
            kind, box, size, count, key, chain = pop()
            depth -= 1
            if kind == _MAP and key is _NO_KEY:
                raise CborError("a map key must be a scalar")


def _string(raw: bytes, major: int) -> Any:
    if major == 2:
        return raw
    try:
        return str(raw, "utf-8")
    except UnicodeDecodeError:
        raise CborError("text is not UTF-8") from None


def _chunks(data: bytes, pos: int, major: int, limit: int | None) -> tuple[Any, int]:
    """An indefinite-length string: definite strings of the same type up to a break (RFC 8949 §3.2.3)."""
    end = len(data)
    parts: list[Any] = []
    total = 0
    while True:
        if pos >= end:
            raise CborError("CBOR data ends early")
        initial = data[pos]
        pos += 1
        if initial == 0xFF:
            return (b"".join(parts) if major == 2 else "".join(parts)), pos
        info = initial & 31
        if initial >> 5 != major or info > 27:
            raise CborError("bad chunk in an indefinite-length string")
        if info < 24:
            n = info
        else:
            size = 1 << (info - 24)
            if pos + size > end:
                raise CborError("CBOR data ends early")
            n = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        total += n
        if limit is not None and total > limit:
            raise CborError("CBOR string too long", TOO_LONG)
        if pos + n > end:
            raise CborError("CBOR data ends early")
        parts.append(_string(data[pos : pos + n], major))
        pos += n


def _simple(raw: bytes, info: int) -> Any:
    """Major type 7 other than break: false, true, null, undefined, a simple value or a float."""
    if info < 20:
        return Simple(info)
    if info == 20:
        return False
    if info == 21:
        return True
    if info == 22:
        return None
    if info == 23:
        return UNDEFINED
    if info == 24:
        return Simple(raw[0])
    return (_HALF if info == 25 else _SINGLE if info == 26 else _DOUBLE).unpack(raw)[0]
