"""Real in-domain dialogues (DialogSum-style jsonl/csv): the one loader used for few-shot
exemplars, the realism reference and the downstream benchmark."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from pydantic import BaseModel

from ..errors import ConfigError
from .rng import Draws

_TAG = re.compile(r"^#Person(\d+)#:", re.MULTILINE)


class Exemplar(BaseModel):
    id: str
    dialogue: str
    summary: str = ""
    topic: str = ""
    references: list[str] = []  # every reference summary (DialogSum test has summary1..3)

    @property
    def turns(self) -> int:
        return len(_TAG.findall(self.dialogue))

    @property
    def speakers(self) -> int:
        return len(set(_TAG.findall(self.dialogue)))


def _first(row: dict, *keys: str) -> str:
    for k in keys:
        if row.get(k):
            return str(row[k])
    return ""


def load_reference(path: str | Path) -> list[Exemplar]:
    """Read ``.jsonl``/``.json``/``.csv`` rows with a ``dialogue`` field (DialogSum layout)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"reference data not found: {path} (set reference.path in the config)")
    try:
        if path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        elif path.suffix == ".json":
            rows = json.loads(path.read_text(encoding="utf-8"))
        else:
            with path.open(encoding="utf-8") as f:
                rows = [json.loads(line) for line in f if line.strip()]
    except (json.JSONDecodeError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"reference data {path} is not readable as {path.suffix or 'jsonl'}: {exc}") from None
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not row.get("dialogue"):
            raise ConfigError(f"reference data {path}: row {i + 1} has no 'dialogue' field")
        out.append(Exemplar(
            id=_first(row, "fname", "id") or f"row{i}",
            dialogue=str(row["dialogue"]).strip(),
            summary=_first(row, "summary", "summary1"),
            topic=_first(row, "topic", "topic1"),
            references=[str(row[k]) for k in ("summary1", "summary2", "summary3", "summary") if row.get(k)][:3],
        ))
    if not out:
        raise ConfigError(f"reference data {path} is empty")
    return out


class ExemplarPool:
    """Exemplars short enough for the prompt budget, drawn per record with its own rng."""

    def __init__(self, rows: list[Exemplar], max_chars: int, max_turns: int):
        self.by_id = {r.id: r for r in rows}
        self.dialogue_ids = [r.id for r in rows if r.speakers == 2 and r.turns <= max_turns and len(r.dialogue) <= max_chars and r.turns >= 4]
        self.summary_ids = [r.id for r in rows if r.summary and r.speakers == 2 and len(r.dialogue) <= 600]
        if not self.dialogue_ids:
            raise ConfigError(f"no reference dialogue has two speakers, 4..{max_turns} turns and <= {max_chars} characters")

    def draw(self, draws: Draws, k: int, summaries: bool = False) -> list[str]:
        ids = self.summary_ids if summaries else self.dialogue_ids
        return [ids[i] for i in draws.sample(len(ids), k)]

    def __getitem__(self, key: str) -> Exemplar:
        return self.by_id[key]
