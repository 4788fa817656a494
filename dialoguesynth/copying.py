"""Copy detection: a dialogue that reproduces its exemplars, or any reference dialogue, is not
synthetic data. Measured as the share of the dialogue's word 8-grams (speaker tags stripped) that
occur in the other text; the bound is calibrated on pairs of different real dialogues
(``evaluations/calibrate_checks.py``)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

from .parsing import strip_tags

N = 8  # an 8-word run shared by chance is rare in everyday talk; a copied turn shares many
_WORD = re.compile(r"[a-z0-9']+")


def grams(text: str) -> set[int]:
    """Hashed word 8-grams of a dialogue, speaker tags stripped."""
    words = _WORD.findall(strip_tags(text).lower())
    return {zlib.crc32(" ".join(words[i : i + N]).encode()) for i in range(len(words) - N + 1)}


def containment(text: str, other: set[int]) -> float:
    """Share of ``text``'s 8-grams found in ``other`` (0 for a dialogue shorter than 8 words)."""
    own = grams(text)
    return len(own & other) / len(own) if own else 0.0


class ReferenceIndex:
    """Every 8-gram of the reference dialogues, to find copies of any of them in one set lookup."""

    def __init__(self, dialogues: Iterable[str]):
        self.grams: set[int] = set()
        for d in dialogues:
            self.grams |= grams(d)

    def copied(self, text: str) -> float:
        return containment(text, self.grams)
