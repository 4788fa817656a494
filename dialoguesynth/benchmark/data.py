"""Training pairs and the test set with its three reference summaries."""

from __future__ import annotations

import json
import random
from pathlib import Path

from pydantic import BaseModel

from ..errors import ConfigError
from ..evaluate.data import load_rows


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
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"test data not found: {path}")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = []
    for i, r in enumerate(rows):
        refs = [r[k] for k in ("summary1", "summary2", "summary3", "summary") if r.get(k)]
        if r.get("dialogue") and refs:
            items.append(TestItem(id=str(r.get("fname", i)), dialogue=r["dialogue"], references=refs[:3]))
    if not items:
        raise ConfigError(f"{path} has no rows with a dialogue and reference summaries")
    return random.Random(seed).sample(items, min(n, len(items)))
