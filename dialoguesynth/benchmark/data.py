"""Training pairs and the test set with its three reference summaries."""

from __future__ import annotations

import random
from pathlib import Path

from pydantic import BaseModel

from ..errors import ConfigError
from ..evaluate.data import load_rows
from ..sampling.exemplars import load_reference


class Pair(BaseModel):
    dialogue: str
    summary: str


class TestItem(BaseModel):
    id: str
    dialogue: str
    references: list[str]


def pairs_from(path: str | Path, n: int | None = None, seed: int = 0) -> list[Pair]:
    """(dialogue, summary) pairs from a dialoguesynth output or a jsonl with both fields; a random n."""
    rows = [r for r in load_rows(path)[0] if (r.get("summary") or "").strip()]
    if not rows:
        raise ConfigError(f"{path} has no rows with a summary: enable the summary stage when generating")
    if n is not None:
        if n > len(rows):
            raise ConfigError(f"{path} has {len(rows)} rows with a summary, fewer than the {n} asked for")
        rows = random.Random(seed).sample(rows, n)
    return [Pair(dialogue=r["dialogue"], summary=r["summary"]) for r in rows]


def test_items(path: str | Path, n: int, seed: int = 0) -> list[TestItem]:
    """DialogSum test layout: ``summary1..3`` (falls back to ``summary``)."""
    items = [
        TestItem(id=r.id, dialogue=r.dialogue, references=r.references) for r in load_reference(path) if r.references
    ]
    if not items:
        raise ConfigError(f"{path} has no rows with a dialogue and reference summaries")
    return random.Random(seed).sample(items, min(n, len(items)))
