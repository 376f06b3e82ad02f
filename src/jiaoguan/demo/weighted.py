"""Weighted choice with the cumulative weights computed once (`random.choices` redoes them on every call,
which shows at millions of draws)."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        listed = list(pairs)
        self.items = [item for item, _ in listed]
        self.cumulative = list(itertools.accumulate(weight for _, weight in listed))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> T:
        # random() < 1, so the point is below the last cumulative weight and the index is in range.
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]
