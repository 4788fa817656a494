"""What the scripts that score a corpus beside real DialogSum share: their arguments and their output."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def parser(doc: str) -> argparse.ArgumentParser:
    """A corpus folder, the DialogSum folder and the JSON to write; a script adds its own options."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a dataset folder with dialogues.jsonl")
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data/dialogsum"))
    ap.add_argument("--out", type=Path, required=True)
    return ap


def write(result: dict, out: Path, *headline: str) -> None:
    """The result as JSON at out, and its headline part (one key's value, or several keys) on stdout."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    shown = result[headline[0]] if len(headline) == 1 else {k: result[k] for k in headline}
    print(json.dumps(shown, indent=1))
