"""Seeds derived from (run seed, record index, purpose): every record is reproducible on its own.

Spec sampling draws from `Draws`, which uses nothing but `random.Random.random()` — the one method
Python promises to reproduce across versions for an int seed — and is ~10× cheaper per draw than a
NumPy Generator at these tiny sizes (1M specs must sample in under a minute)."""

from __future__ import annotations

import random
import zlib
from bisect import bisect_right
from itertools import accumulate
from statistics import NormalDist

import numpy as np

_NORMAL = NormalDist()


def derive_seed(*parts: int | str) -> int:
    """A 31-bit seed from any mix of ints and strings (stable across runs and machines)."""
    ints = [p if isinstance(p, int) else zlib.crc32(p.encode()) for p in parts]
    return int(np.random.SeedSequence(ints).generate_state(1)[0] & 0x7FFFFFFF)


class Weighted:
    """A categorical distribution prepared once: names and cumulative weights (zero weights never drawn)."""

    __slots__ = ("cum", "names")

    def __init__(self, weights: dict[str, float] | list[tuple[str, float]]):
        items = [(n, float(w)) for n, w in (weights.items() if isinstance(weights, dict) else weights) if w > 0]
        self.names = [n for n, _ in items]
        self.cum = list(accumulate(w for _, w in items))

    def __bool__(self) -> bool:
        return bool(self.names)


class Draws:
    """The random draws of one record, from one seed."""

    __slots__ = ("_random",)

    def __init__(self, seed: int):
        self._random = random.Random(seed).random

    def uniform(self) -> float:
        return self._random()

    def index(self, n: int) -> int:
        return min(int(self._random() * n), n - 1)

    def integer(self, lo: int, hi: int) -> int:
        """Uniform on lo..hi inclusive."""
        return lo + self.index(hi - lo + 1)

    def pick(self, dist: Weighted) -> str:
        x = self._random() * dist.cum[-1]
        return dist.names[min(bisect_right(dist.cum, x), len(dist.names) - 1)]

    def normal(self) -> float:
        # inverse CDF of a uniform in (0, 1): one draw per normal, exact to the tails we clip anyway
        return _NORMAL.inv_cdf(min(max(self._random(), 1e-12), 1 - 1e-12))

    def sample(self, n: int, k: int) -> list[int]:
        """k distinct indices of range(n), in draw order (partial Fisher-Yates)."""
        k = min(k, n)
        if k * 4 < n:  # sparse: rejection is cheaper than materialising range(n)
            seen: list[int] = []
            taken: set[int] = set()
            while len(seen) < k:
                i = self.index(n)
                if i not in taken:
                    taken.add(i)
                    seen.append(i)
            return seen
        pool = list(range(n))
        for i in range(k):
            j = i + self.index(n - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]
