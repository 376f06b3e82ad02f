"""The pass QR (重点物资运输车辆通行证二维码): CWT claims → COSE_Sign1 → zlib → Base45 → ``JG1:``.

The same stack as the EU Digital COVID Certificate (ARCHITECTURE.md, "The pass"). The pass itself is
one private CWT claim (-70001, in the private-use range below -65536 of RFC 8392) holding a small map
with short text keys; zlib makes the key names nearly free.

What the QR says about people is only what lets an officer match the crew standing at the
checkpoint with their ID cards (B.2: "the crew, vehicle and route must match the pass"):

* the name with its middle hidden — ``张*三`` — keeps the surname and the last character;
* the ID number keeps its first 6 and last 4 characters — ``110105********123X`` — ten characters the
  officer compares with the card in hand; the birth date, the most sensitive part, is hidden.

Phone numbers, VIN, consignor and consignee stay in the issuer's database: QR pictures get shared
(the 2022 Shanghai forgeries started from a picture a friend sent, REFERENCE.md B.5).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec

from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.kit.ids.masking import mask_id_number, mask_name
from jiaoguan.passes.qr import cbor
from jiaoguan.passes.qr.b45 import b45encode
from jiaoguan.passes.qr.cose import sign1
from jiaoguan.passes.vocab import CARGO_CATEGORIES, PLATE_COLOURS

PREFIX = "JG1:"
PASS_CLAIM = -70001
CWT_ISS, CWT_EXP, CWT_NBF, CWT_IAT = 1, 4, 5, 6
FORMAT_VERSION = 1
# A QR holds at most 4,296 alphanumeric characters (≈2.8 kB of Base45 bytes); a pass payload is a few
# hundred bytes. The caps stop longer text and a zip bomb at the checkpoint.
MAX_QR_CHARS = 4296
MAX_DECOMPRESSED = 64 * 1024

_PASS_NO = re.compile(r"\d{12}")
_DIVISION = re.compile(r"\d{6}")


class PassFormatError(ValueError):
    """The claims are not a well-formed pass (or, in issuance, the pass fields are not valid); `reason`
    names the CBOR limit the payload broke, if one."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class DecompressedTooLarge(zlib.error):
    """The data inflates beyond `MAX_DECOMPRESSED` (a zip bomb, or not a pass)."""


class CrewMember(NamedTuple):
    """司乘人员 as printed in the QR: already masked. (A NamedTuple: cheap to build on every scan.)"""

    name: str
    id_number: str

    @classmethod
    def masked(cls, name: str, id_number: str) -> CrewMember:
        return cls(mask_name(name), mask_id_number(id_number))


@dataclass(frozen=True, slots=True)
class PassContent:
    """The fields of the national template that a checkpoint needs (一车一证一线路)."""

    pass_no: str  # 证件编号: 6-digit division code of the issuing area + 6-digit serial
    plate: str  # 车牌号码 (the tractor's, for a combination vehicle)
    plate_colour: str  # key of vocab.PLATE_COLOURS
    origin: str  # 始发地, county-level GB/T 2260 code
    destination: str  # 目的地, county-level GB/T 2260 code
    cargo_category: str  # key of vocab.CARGO_CATEGORIES
    crew: tuple[CrewMember, ...]
    crew_count: int  # may exceed len(crew) when escorts are counted but not listed

    def check(self) -> None:
        """Issuance-time validation; decoding stays lenient so a newer vocabulary still verifies."""
        if not _PASS_NO.fullmatch(self.pass_no):
            raise PassFormatError("pass_no must be 12 digits")
        for code in (self.origin, self.destination):
            if not _DIVISION.fullmatch(code):
                raise PassFormatError("origin and destination must be 6-digit division codes")
        if self.plate_colour not in PLATE_COLOURS:
            raise PassFormatError(f"unknown plate colour {self.plate_colour!r}")
        if self.cargo_category not in CARGO_CATEGORIES:
            raise PassFormatError(f"unknown cargo category {self.cargo_category!r}")
        if not self.plate.strip():
            raise PassFormatError("plate is empty")
        if self.crew_count < len(self.crew) or self.crew_count < 1:
            raise PassFormatError("crew_count must cover the listed crew and be at least 1")

    def to_cbor(self) -> dict[str, Any]:
        return {
            "v": FORMAT_VERSION,
            "no": self.pass_no,
            "pl": self.plate,
            "pc": self.plate_colour,
            "o": self.origin,
            "d": self.destination,
            "cg": self.cargo_category,
            "cc": self.crew_count,
            "cr": [[m.name, m.id_number] for m in self.crew],
        }

    @classmethod
    def from_cbor(cls, value: Any) -> PassContent:
        # Runs on every scan: one lookup per field, exact type checks, no intermediate dicts.
        # cbor.loads gives maps as dicts; a concrete type check costs a third of isinstance(x, Mapping).
        if type(value) is not dict or value.get("v") != FORMAT_VERSION:
            raise PassFormatError("pass claim is not a version-1 map")
        try:
            no, pl, pc, o, d, cg = value["no"], value["pl"], value["pc"], value["o"], value["d"], value["cg"]
            count, crew = value["cc"], value["cr"]
        except KeyError as missing:
            raise PassFormatError(f"pass claim field {missing} missing") from None
        if not all(type(x) is str for x in (no, pl, pc, o, d, cg)) or type(count) is not int:
            raise PassFormatError("pass claim fields have the wrong types")
        if not isinstance(crew, list | tuple):
            raise PassFormatError("pass claim crew must be a list")
        members = []
        for item in crew:
            if not (isinstance(item, list | tuple) and len(item) == 2):
                raise PassFormatError("crew entry must be [name, id_number]")
            name, id_number = item
            if type(name) is not str or type(id_number) is not str:
                raise PassFormatError("crew entry must be [name, id_number]")
            members.append(CrewMember(name, id_number))
        return cls(no, pl, pc, o, d, cg, tuple(members), count)

    def to_json(self) -> dict[str, Any]:
        return {
            "pass_no": self.pass_no,
            "plate": self.plate,
            "plate_colour": self.plate_colour,
            "origin": self.origin,
            "destination": self.destination,
            "cargo_category": self.cargo_category,
            "crew_count": self.crew_count,
            "crew": [{"name": m.name, "id_number": m.id_number} for m in self.crew],
        }


@dataclass(frozen=True, slots=True)
class PassClaims:
    """The CWT of a pass: who issued it, when, for how long, and the pass."""

    issuer: str  # issuing province's division code, e.g. "440000"
    issued_at: dt.datetime
    valid_from: dt.datetime
    valid_until: dt.datetime
    content: PassContent

    def to_cwt(self) -> dict[int, Any]:
        return {
            CWT_ISS: self.issuer,
            CWT_IAT: int(self.issued_at.timestamp()),
            CWT_NBF: int(self.valid_from.timestamp()),
            CWT_EXP: int(self.valid_until.timestamp()),
            PASS_CLAIM: self.content.to_cbor(),
        }

    @classmethod
    def from_cwt(cls, cwt: Mapping[Any, Any]) -> PassClaims:
        issuer = cwt.get(CWT_ISS)
        times: list[Any] = [cwt.get(k) for k in (CWT_IAT, CWT_NBF, CWT_EXP)]
        if not isinstance(issuer, str) or not all(_is_numeric_date(t) for t in times):
            raise PassFormatError("pass CWT needs iss, iat, nbf and exp")
        try:
            iat, nbf, exp = (dt.datetime.fromtimestamp(t, dt.UTC) for t in times)
        except (OverflowError, ValueError, OSError):
            raise PassFormatError("pass CWT times are out of range") from None
        return cls(issuer, iat, nbf, exp, PassContent.from_cbor(cwt.get(PASS_CLAIM)))

    def to_json(self) -> dict[str, Any]:
        return {
            "iss": self.issuer,
            "iat": int(self.issued_at.timestamp()),
            "nbf": int(self.valid_from.timestamp()),
            "exp": int(self.valid_until.timestamp()),
            "pass": self.content.to_json(),
        }


def _is_numeric_date(value: Any) -> bool:
    # bool is an int subclass and NaN compares false with everything: neither may stand for a time.
    return type(value) is int or (type(value) is float and math.isfinite(value))


def read_cwt(payload: bytes) -> dict[Any, Any]:
    """The claims map of a COSE payload, with exp and iat as NumericDates (nbf optional)."""
    try:
        claims = cbor.loads(payload)
    except cbor.CborError as exc:
        raise PassFormatError(f"payload is not CBOR this verifier reads: {exc}", exc.reason) from None
    if type(claims) is not dict:
        raise PassFormatError("CWT claims must be a map")
    if not (_is_numeric_date(claims.get(CWT_EXP)) and _is_numeric_date(claims.get(CWT_IAT))):
        raise PassFormatError("CWT needs numeric exp and iat")
    nbf = claims.get(CWT_NBF)
    if nbf is not None and not _is_numeric_date(nbf):
        raise PassFormatError("CWT nbf must be numeric")
    return claims


def validity_instants(valid_from: dt.date, valid_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """有效期 as dates (Beijing time, both days included) → the nbf and exp instants of the CWT."""
    if valid_to < valid_from:
        raise PassFormatError("valid_to is before valid_from")
    start = dt.datetime.combine(valid_from, dt.time(0), CHINA_TZ)
    end = dt.datetime.combine(valid_to + dt.timedelta(days=1), dt.time(0), CHINA_TZ)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def wrap(cose: bytes, prefix: str = PREFIX) -> str:
    return prefix + b45encode(zlib.compress(cose, 9))


def decompress(data: bytes) -> bytes:
    """zlib-inflate with a size cap; raise `zlib.error` on broken, truncated or oversized data."""
    inflater = zlib.decompressobj()
    # One byte past the cap tells "more than the cap" from "exactly the cap" (the browser counts the same).
    out = inflater.decompress(data, MAX_DECOMPRESSED + 1)
    if len(out) > MAX_DECOMPRESSED:
        raise DecompressedTooLarge("decompressed data exceeds the cap")
    if not inflater.eof or inflater.unused_data:
        raise zlib.error("zlib stream is truncated or followed by other bytes")
    return out


def issue_qr(claims: PassClaims, private_key: ec.EllipticCurvePrivateKey, kid: bytes, prefix: str = PREFIX) -> str:
    """Sign the pass and render the QR text (the string to put into a QR code in alphanumeric mode)."""
    claims.content.check()
    if not claims.valid_from < claims.valid_until:
        raise PassFormatError("the pass must be valid for some time")
    payload = cbor2.dumps(claims.to_cwt())
    return wrap(sign1(payload, private_key, kid), prefix)
