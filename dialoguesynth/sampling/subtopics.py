"""Subtopic taxonomy and the coverage ledger that fills it evenly (or by weight)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from ..config import read_yaml
from ..errors import ConfigError


class Taxonomy(BaseModel):
    """topic → subtopics, with each topic's relative weight."""

    subtopics: dict[str, list[str]]
    weights: dict[str, float]
    source: str = Field("topics", description="'file', 'topics' (no expansion) or the sources joined by '+'")
    rejected: dict[str, list[tuple[str, str]]] = Field(
        default_factory=dict, description="topic → candidates that failed the subtopic check, with why"
    )

    @classmethod
    def from_topics(cls, topics: dict[str, float]) -> Taxonomy:
        return cls(subtopics={t: [t] for t in topics}, weights=dict(topics), source="topics")

    @classmethod
    def from_file(cls, path: Path, weights: dict[str, float] | None = None) -> Taxonomy:
        """A YAML/JSON file ``{topic: [subtopic, ...]}`` (weights default to 1)."""
        raw = (
            json.loads(Path(path).read_text())
            if str(path).endswith(".json") and Path(path).is_file()
            else read_yaml(path, "subtopic taxonomy file")
        )
        if isinstance(raw, dict) and "subtopics" in raw and isinstance(raw["subtopics"], dict):
            weights = weights or raw.get("weights")
            raw = raw["subtopics"]
        if (
            not isinstance(raw, dict)
            or not raw
            or not all(isinstance(v, list) and v and all(isinstance(s, str) for s in v) for v in raw.values())
        ):
            raise ConfigError(
                f"subtopic taxonomy file {path} must map each topic to a non-empty list of subtopic strings"
            )
        weights = {t: float((weights or {}).get(t, 1.0)) for t in raw}
        return cls(subtopics={t: list(v) for t, v in raw.items()}, weights=weights, source="file")

    def cells(self) -> list[tuple[str, str, float]]:
        """(topic, subtopic, target share); a topic's weight is split evenly over its subtopics."""
        total = sum(self.weights.values())
        return [(t, s, self.weights[t] / total / len(subs)) for t, subs in self.subtopics.items() for s in subs]


class CoverageLedger:
    """Assigns each new record to the (topic, subtopic) cell furthest below its target share.

    Deterministic: ties are broken by a seeded random order fixed at construction.
    """

    def __init__(self, taxonomy: Taxonomy, seed: int):
        self.cells = taxonomy.cells()
        # plain lists: for a few dozen cells a Python scan beats NumPy's per-call overhead ~5×
        self.counts = [0.0] * len(self.cells)
        self.share = [c[2] for c in self.cells]
        self._tiebreak = (np.random.default_rng(seed).permutation(len(self.cells)) * 1e-9).tolist()
        self.total = 0

    def next(self) -> tuple[str, str]:
        t = self.total + 1
        best, i = -float("inf"), 0
        for k, (s, c, b) in enumerate(zip(self.share, self.counts, self._tiebreak)):
            d = s * t - c + b
            if d > best:
                best, i = d, k
        self.counts[i] += 1
        self.total += 1
        return self.cells[i][0], self.cells[i][1]

    def summary(self) -> dict[str, int]:
        return {f"{t} / {s}": int(n) for (t, s, _), n in zip(self.cells, self.counts)}
