"""quality-v35 against quality-v34 on the same specs: the render is seeded per spec, so a spec both accepted
with identical text had no question opener placed; the rest differ by the question slot alone. Per-dialogue
coherence gap (`layers.adjacency_gap`), paired, with a bootstrap interval of the mean difference.

    .venv/bin/python evaluations/results/2026-12-07-quality-v35/paired_v34.py out/quality-v34 out/quality-v35 \
        --out evaluations/results/2026-12-07-quality-v35/paired_v34.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # evaluations/, for provenance
from provenance import provenance  # noqa: E402

from dialoguesynth.evaluate.data import turns_of  # noqa: E402
from dialoguesynth.evaluate.layers import adjacency_gap, embed  # noqa: E402


def gaps(dialogues: list[str]) -> list[float | None]:
    turns = [turns_of(d) for d in dialogues]
    emb = embed([t for ts in turns for t in ts])
    out, k = [], 0
    for ts in turns:
        out.append(adjacency_gap(emb[k : k + len(ts)]) if len(ts) >= 3 else None)
        k += len(ts)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    for p in (args.old, args.new):
        if not (p / "dialogues.jsonl").is_file():
            sys.exit(f"paired: {p}: no dialogues.jsonl (a dialoguesynth output folder?)")
    read = lambda p: {r["id"]: r["dialogue"] for r in map(json.loads, open(p / "dialogues.jsonl"))}  # noqa: E731
    old, new = read(args.old), read(args.new)
    both = sorted(set(old) & set(new))
    changed = [i for i in both if old[i] != new[i]]
    if not changed:
        sys.exit(f"paired: {args.old} and {args.new} share no accepted spec whose text differs")
    g_old, g_new = gaps([old[i] for i in changed]), gaps([new[i] for i in changed])
    d = np.array([b - a for a, b in zip(g_old, g_new) if a is not None and b is not None])
    rng = np.random.default_rng(0)
    boot = [rng.choice(d, len(d)).mean() for _ in range(2000)]
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
        "ci95": [round(float(np.percentile(boot, 2.5)), 4), round(float(np.percentile(boot, 97.5)), 4)],
        "share_new_higher": round(float((d > 0).mean()), 3),
        "turns_with_a_question": {k: round(q([c[i] for i in changed]), 4) for k, c in (("old", old), ("new", new))},
    }
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
