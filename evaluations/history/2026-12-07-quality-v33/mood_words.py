"""The issue's mood probe (presence_c10, 5 folds) on each dialogue reduced to the words of the mood phrases
(`contexts/realisation.yaml`, `emotion`), beside the same probe on the whole text, over fold seeds 0-4:
whether a weaker whole-text figure means the mood phrases are missing or only diluted.

    .venv/bin/python evaluations/history/2026-12-07-quality-v33/mood_words.py out/quality-v32 out/quality-v34
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from dialoguesynth.evaluate.layers import text_probe
from dialoguesynth.stages.realise import load_realisation

_WORD = re.compile(r"[A-Za-z']+")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", type=Path, nargs="+", help="folders with dialogues.jsonl")
    ap.add_argument("--contexts", type=Path, default=None, help="the contexts catalog (default: built-in)")
    args = ap.parse_args()
    vocab = {
        w.lower()
        for ps in load_realisation(args.contexts).phrases["emotion"].values()
        for p in ps
        for w in _WORD.findall(p)
    }
    for corpus in args.corpora:
        path = corpus / "dialogues.jsonl"
        if not path.is_file():
            sys.exit(f"mood_words: {path} not found")
        rows = [json.loads(line) for line in path.open()]
        moods = [r["emotion"][0] for r in rows]
        whole = [r["dialogue"] for r in rows]
        only = [" ".join(w for w in _WORD.findall(t.lower()) if w in vocab) or "none" for t in whole]
        for name, texts in (("whole text", whole), ("mood words only", only)):
            a = [text_probe(texts, moods, seed=s, probe="presence_c10")["above_chance"] for s in range(5)]
            spread = f"seeds 0-4 {min(a):+.4f}..{max(a):+.4f}, mean {sum(a) / 5:+.4f}"
            print(f"{corpus.name} {name}: seed 0 {a[0]:+.4f}; {spread}")


if __name__ == "__main__":
    main()
