"""Two corpora of the same config and seed, paired on the specs both accepted: the render is seeded per
spec, so a spec whose text is identical in both was not touched by the change between them, and the rest
differ by that change alone. Per-dialogue coherence gap (`layers.dialogue_gaps`), paired, with a bootstrap
interval of the mean difference (`layers.bootstrap`).

    .venv/bin/python evaluations/paired_gap.py out/quality-OLD out/quality-NEW --out DIR/paired_OLD.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from provenance import provenance

from dialoguesynth.evaluate.data import turns_of
from dialoguesynth.evaluate.layers import bootstrap, dialogue_gaps


def gaps(dialogues: list[str]) -> list[float | None]:
    return dialogue_gaps([turns_of(d) for d in dialogues])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    for p in (args.old, args.new):
        if not (p / "dialogues.jsonl").is_file():
            sys.exit(f"paired_gap: {p}: no dialogues.jsonl (a dialoguesynth output folder?)")
    read = lambda p: {r["id"]: r["dialogue"] for r in map(json.loads, open(p / "dialogues.jsonl"))}  # noqa: E731
    old, new = read(args.old), read(args.new)
    both = sorted(set(old) & set(new))
    changed = [i for i in both if old[i] != new[i]]
    if not changed:
        sys.exit(f"paired_gap: {args.old} and {args.new} share no accepted spec whose text differs")
    g_old, g_new = gaps([old[i] for i in changed]), gaps([new[i] for i in changed])
    d = np.array([b - a for a, b in zip(g_old, g_new) if a is not None and b is not None])
    lo, hi = bootstrap(d, 0)
    q = lambda t: sum("?" in x for r in t for x in turns_of(r)) / sum(len(turns_of(r)) for r in t)  # noqa: E731
    result = {
        **provenance(),
        "old": args.old.name,
        "new": args.new.name,
        "accepted_in_both": len(both),
        "identical_text": len(both) - len(changed),
        "changed": len(changed),
        "paired": len(d),
        "gap_old": round(float(np.mean([g for g in g_old if g is not None])), 4),
        "gap_new": round(float(np.mean([g for g in g_new if g is not None])), 4),
        "mean_difference": round(float(d.mean()), 4),
        "ci95": [lo, hi],
        "share_new_higher": round(float((d > 0).mean()), 3),
        "turns_with_a_question": {k: round(q([c[i] for i in changed]), 4) for k, c in (("old", old), ("new", new))},
    }
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
