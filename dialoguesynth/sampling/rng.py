"""Seeds derived from (run seed, record index, purpose): every record is reproducible on its own."""

from __future__ import annotations

import zlib

import numpy as np


def derive_seed(*parts: int | str) -> int:
    """A 31-bit seed from any mix of ints and strings (stable across runs and machines)."""
    ints = [p if isinstance(p, int) else zlib.crc32(p.encode()) for p in parts]
    return int(np.random.SeedSequence(ints).generate_state(1)[0] & 0x7FFFFFFF)


def rng_for(*parts: int | str) -> np.random.Generator:
    return np.random.default_rng(derive_seed(*parts))


def weighted_choice(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    w = np.asarray([weights[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=w / w.sum()))]
