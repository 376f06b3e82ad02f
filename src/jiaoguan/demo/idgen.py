"""Valid identifiers for synthetic records, unique by construction so that millions need no lookup set.

Plates, VINs, credit codes and file numbers are drawn from counters through a bijection (an affine map
modulo the size of the number space), so they look random yet can never repeat.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from abc import ABC, abstractmethod
from dataclasses import dataclass

from jiaoguan.kit.ids.credit_code import credit_code_check_char, org_code_check_char
from jiaoguan.kit.ids.resident import id_check_char
from jiaoguan.kit.ids.vin import vin_check_digit

PLATE_SYMBOLS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # 34: no I, O
VIN_SYMBOLS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"     # 33: no I, O, Q
# Model-year codes (VIN position 10) repeat every 30 years from 1980.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
VIN_SPACE = len(VIN_SYMBOLS) * 10**6       # (plant, serial) pairs: how many distinct VINs `vin` can make
_ORG_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # also legal in a credit code
_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                    "155", "156", "157", "158", "159", "166", "177", "180", "181", "186", "187", "189", "199")


def id_number(area: str, birth: dt.date, sequence: int) -> str:
    """An 18-character ID number; the sequence's parity is the sex (odd = male)."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def licence_file_no(area: str, sequence: int) -> str:
    """档案编号: province and city digits of the issuing area, then an 8-digit office sequence."""
    return f"{area[:4]}{sequence:08d}"


class Bijection:
    """k -> (a·k + b) mod n, a permutation of range(n) because gcd(a, n) = 1."""

    def __init__(self, rng: random.Random, n: int) -> None:
        self.n = n
        a = rng.randrange(n // 3, n) | 1
        while math.gcd(a, n) != 1:
            a += 1
        self.a, self.b = a % n, rng.randrange(n)

    def __call__(self, k: int) -> int:
        if not 0 <= k < self.n:
            raise OverflowError("the number space is used up")
        return (self.a * k + self.b) % self.n


@dataclass(frozen=True)
class _Family(ABC):
    size: int                 # serials per issuing-office letter

    @abstractmethod
    def serial(self, i: int) -> str:
        """The i-th serial of this plate family (0 <= i < size)."""


class _Ordinary(_Family):
    # Two free symbols then three digits: always at least one digit, as GA 36 requires.
    def serial(self, i: int) -> str:
        return PLATE_SYMBOLS[i // 34000] + PLATE_SYMBOLS[i // 1000 % 34] + f"{i % 1000:03d}"


class _SmallNev(_Family):
    # D = pure electric, F = not purely electric; then a letter or digit and four digits.
    def serial(self, i: int) -> str:
        return "DF"[i // 340000] + PLATE_SYMBOLS[i // 10000 % 34] + f"{i % 10000:04d}"


class _LargeNev(_Family):
    def serial(self, i: int) -> str:
        return f"{i % 100000:05d}" + "DF"[i // 100000]


class _Trailer(_Family):
    def serial(self, i: int) -> str:
        return PLATE_SYMBOLS[i // 3400] + PLATE_SYMBOLS[i // 100 % 34] + f"{i % 100:02d}挂"


FAMILIES: dict[str, _Family] = {
    "ordinary": _Ordinary(34 * 34 * 1000), "small_nev": _SmallNev(2 * 34 * 10000),
    "large_nev": _LargeNev(2 * 100000), "trailer": _Trailer(34 * 34 * 100),
}


class PlateAllocator:
    """Hands out distinct plate numbers per (province, family), in a seeded order."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._state: dict[tuple[str, str], tuple[Bijection, list[int]]] = {}

    def next(self, abbreviation: str, letters: str, family: str) -> str:
        key = (abbreviation, family)
        if key not in self._state:
            # A private stream per key, so the permutation does not depend on the order keys appear in.
            sub = random.Random(f"plates:{self._seed}:{abbreviation}:{family}")
            self._state[key] = (Bijection(sub, len(letters) * FAMILIES[family].size), [0])
        perm, counter = self._state[key]
        index = perm(counter[0])
        counter[0] += 1
        letter, i = divmod(index, FAMILIES[family].size)
        return abbreviation + letters[letter] + FAMILIES[family].serial(i)


def vin(rng: random.Random, wmi: str, model_year: int, counter: int) -> str:
    """A VIN with a correct check digit; (plant, serial) encode `counter`, so VINs never repeat."""
    if not 0 <= counter < VIN_SPACE:
        raise OverflowError("too many vehicles for the VIN space")
    plant, serial = divmod(counter, 10**6)
    vds = "".join(rng.choices(VIN_SYMBOLS, k=5))
    body = f"{wmi}{vds}0{_YEAR_CODES[(model_year - 1980) % 30]}{VIN_SYMBOLS[plant]}{serial:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


class CreditCodes:
    """Unified social credit codes (GB 32100) for enterprises registered with 工商 (91…)."""

    def __init__(self, seed: int) -> None:
        self._perm = Bijection(random.Random(f"credit:{seed}"), len(_ORG_SYMBOLS) ** 6)

    def make(self, division: str, counter: int) -> str:
        n, digits = self._perm(counter), []
        for _ in range(6):
            n, r = divmod(n, len(_ORG_SYMBOLS))
            digits.append(_ORG_SYMBOLS[r])
        org8 = "MA" + "".join(digits)
        first17 = f"91{division}{org8}{org_code_check_char(org8)}"
        return first17 + credit_code_check_char(first17)
