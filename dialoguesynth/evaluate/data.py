"""Load dialogues to evaluate: a dialoguesynth output folder, or any jsonl/json/csv/parquet with a
``dialogue`` column (so other tools' corpora can be scored too)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..parsing import parse_dialogue, strip_tags
from ..sampling.exemplars import load_reference
from ..speakers import names_to_tags, normalise
from ..spec import RunSummary

__all__ = ["load_rows", "strip_tags", "turns_of"]


def turns_of(dialogue: str) -> list[str]:
    return [t for t in (strip_tags(line) for line in dialogue.splitlines()) if t]


def load_rows(path: str | Path) -> tuple[list[dict], RunSummary | None]:
    """(rows with at least ``dialogue``, the run summary if the folder has one)."""
    path = Path(path)
    if path.is_dir():
        if not (path / "dataset_info.json").exists():
            raise ConfigError(
                f"{path} is not a datasets folder (no dataset_info.json); pass a jsonl/csv/parquet file instead"
            )
        import datasets

        rows = datasets.load_from_disk(str(path)).to_list()
        summary = RunSummary.load(path)
    elif path.suffix == ".parquet":
        import datasets

        rows = datasets.Dataset.from_parquet(str(path)).to_list()
        summary = None
    else:
        rows = [r.model_dump() for r in load_reference(path)]
        summary = None
    if not rows:
        raise ConfigError(f"no dialogues in {path}")
    if "dialogue" not in rows[0]:
        raise ConfigError(f"{path} has no 'dialogue' column")
    return [_tagged(r) for r in rows], summary


def _tagged(row: dict) -> dict:
    """A row written with speaker names ('Amanda: ...', a dialoguesynth corpus in named style) in
    tags, its summary and turns too, so every figure reads one convention; tagged rows as they are."""
    norm = normalise(row["dialogue"]) if isinstance(row["dialogue"], str) else None
    if norm is None or not norm.names:
        return row
    turns, _ = parse_dialogue(norm.dialogue, opener="")
    return {
        **row,
        "dialogue": norm.dialogue,
        "summary": names_to_tags(row.get("summary") or "", norm.names),
        "turns": [t.model_dump() for t in turns],
        "speaker_names": norm.names,
    }
