"""Base45 (RFC 9285), the QR-alphanumeric text encoding of the pass.

The pure-Python `base45` package loops over characters and costs about as much as the ES256
verification itself (PERFORMANCE.md: ~45 % of a straightforward verifier). Decoding here does the
per-character work in C: `bytes.translate` maps characters to their values, and three big-integer
sums over 24-bit slots compute every chunk value ``c + 45·d + 2025·e`` at once. A slot is wide enough
(max 91 124) that no chunk carries into its neighbour, so a chunk over 65 535 stays visible in its
slot's top byte and is rejected as RFC 9285 §4 requires.
"""

from __future__ import annotations

import struct

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

_INVALID = 0xFF
_VALUES = bytearray([_INVALID]) * 256
for _i, _ch in enumerate(ALPHABET):
    _VALUES[ord(_ch)] = _i
_DECODE_TABLE = bytes(_VALUES)

# Two characters for the low part (value mod 2025) of every 16-bit chunk: small, and it halves the
# work per chunk when encoding.
_LOW_PAIRS = [ALPHABET[n % 45] + ALPHABET[n // 45] for n in range(45 * 45)]


class Base45Error(ValueError):
    """The text is not Base45: a character outside the alphabet, a bad length or a value too big."""


def b45encode(data: bytes) -> str:
    """Encode bytes as Base45 text (two bytes → three characters, a last odd byte → two)."""
    n = len(data)
    even = n - (n & 1)
    chunks = struct.unpack(f">{even // 2}H", data[:even])
    low, alpha = _LOW_PAIRS, ALPHABET
    text = "".join([low[x % 2025] + alpha[x // 2025] for x in chunks])
    if n & 1:
        text += low[data[-1]]
    return text


def b45decode(text: str | bytes) -> bytes:
    """Decode Base45 text strictly; raise `Base45Error` on anything RFC 9285 rejects."""
    if isinstance(text, str):
        try:
            raw = text.encode("ascii")
        except UnicodeEncodeError:
            raise Base45Error("character outside the Base45 alphabet") from None
    else:
        raw = bytes(text)
    values = raw.translate(_DECODE_TABLE)
    if _INVALID in values:
        raise Base45Error("character outside the Base45 alphabet")
    chunks, rest = divmod(len(values), 3)
    if rest == 1:
        raise Base45Error("length leaves a single character")
    out = bytearray(2 * chunks + (rest == 2))
    if chunks:
        span = 3 * chunks
        slots = bytearray(span)
        slots[2::3] = values[0:span:3]
        low = int.from_bytes(slots, "big")
        slots[2::3] = values[1:span:3]
        mid = int.from_bytes(slots, "big")
        slots[2::3] = values[2:span:3]
        high = int.from_bytes(slots, "big")
        joined = (low + 45 * mid + 2025 * high).to_bytes(span, "big")
        if joined[0::3].count(0) != chunks:
            raise Base45Error("a three-character group exceeds 65535")
        out[0 : 2 * chunks : 2] = joined[1::3]
        out[1 : 2 * chunks : 2] = joined[2::3]
    if rest == 2:
        last = values[-2] + 45 * values[-1]
        if last > 0xFF:
            raise Base45Error("the final two-character group exceeds 255")
        out[-1] = last
    return bytes(out)
