"""The coherence gap of corpora with and without one turn (default: turn 1, the one that names the
subtopic since quality-v34; turn 2 before it, turn 3 in quality-v33): whether a change in the figure comes
from that turn alone or from the rest of the dialogue.

    .venv/bin/python evaluations/coherence_cut.py out/quality-v12 out/quality-v13 --out DIR/coherence_cut.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from provenance import provenance

from dialoguesynth.errors import ConfigError
from dialoguesynth.evaluate.data import turns_of
from dialoguesynth.evaluate.layers import coherence
from dialoguesynth.sampling.exemplars import load_reference


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", type=Path, nargs="+", help="dataset folders with dialogues.jsonl")
    ap.add_argument("--drop-turn", type=int, default=1, help="1-based turn to remove (default 1)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    result: dict = {**provenance(), "dropped_turn": args.drop_turn, "corpora": {}}
    for corpus in args.corpora:
        try:
            dialogues = [r.dialogue for r in load_reference(corpus / "dialogues.jsonl")]
        except ConfigError as e:
            sys.exit(f"coherence_cut: {e}")
        # turns as `coherence` counts them (blank lines are not turns)
        cut = ["\n".join(t for k, t in enumerate(turns_of(d)) if k != args.drop_turn - 1) for d in dialogues]
        result["corpora"][corpus.name] = {"full": coherence(dialogues), "without_turn": coherence(cut)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    for name, r in result["corpora"].items():
        print(name, r["full"]["adjacency_gap"], r["full"]["ci95"], "| without", r["without_turn"]["adjacency_gap"])


if __name__ == "__main__":
    main()
