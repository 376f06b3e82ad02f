"""Base45 (RFC 9285), the QR-alphanumeric text encoding of the pass.

The pure-Python `base45` package loops over characters and costs about as much as the ES256
verification itself (PERFORMANCE.md: ~45 % of a straightforward verifier). Decoding here does the
per-character work in C: `bytes.translate` maps characters to their values (one byte each), the
values are read as one big integer whose 24-bit slots are the three-character groups ``c d e``, and
masks and shifts pull out the c, d and e of every group at once, so ``C + 45·D + 2025·E`` computes
all group values in three big-integer operations. A slot is wide enough (max 91 124) that no group
carries into its neighbour, so a group over 65 535 stays visible in its slot's top byte and is
rejected as RFC 9285 §4 requires.
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


_MASKS: dict[int, int] = {}
_MASK_CACHE_LIMIT = 1500  # a QR holds at most 4,296 characters: 1,432 groups


def _low_byte_mask(groups: int) -> int:
    """0x0000FF repeated `groups` times: selects the low byte of every 24-bit slot."""
    mask = _MASKS.get(groups)
    if mask is None:
        mask = int.from_bytes(b"\x00\x00\xff" * groups, "big")
        if groups <= _MASK_CACHE_LIMIT:
            _MASKS[groups] = mask
    return mask


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
        mask = _low_byte_mask(chunks)
        groups = int.from_bytes(values[:span], "big")
        joined = ((groups >> 16) & mask) + 45 * ((groups >> 8) & mask) + 2025 * (groups & mask)
        joined_bytes = joined.to_bytes(span, "big")
        if joined_bytes[0::3].count(0) != chunks:
            raise Base45Error("a three-character group exceeds 65535")
        out[0 : 2 * chunks : 2] = joined_bytes[1::3]
        out[1 : 2 * chunks : 2] = joined_bytes[2::3]
    if rest == 2:
        last = values[-2] + 45 * values[-1]
        if last > 0xFF:
            raise Base45Error("the final two-character group exceeds 255")
        out[-1] = last
    return bytes(out)
