"""How often a corpus says something offensive, beside real DialogSum: the share of dialogues with a
turn that `alt-profanity-check` (MIT; a linear SVM on ~200k human-labelled comments, shipped in its
wheel) scores above each threshold, and the corpus's highest-scoring turns to read.

It scores swearing and insults ("You're an idiot." 1.0, "What the hell" 0.96), not an identity named
where it does not belong ("you're a jew" 0.29): that still needs reading. Not a package dependency
(it pins scikit-learn and joblib exactly): `pip install alt-profanity-check` to run it.
    .venv/bin/python evaluations/offensive.py out/quality-v22 --out evaluations/results/DATE-offensive/offensive.json
"""

from __future__ import annotations

import sys

import numpy as np
from corpus_vs_real import parser, write
from provenance import provenance

from dialoguesynth.errors import ConfigError
from dialoguesynth.evaluate.data import turns_of
from dialoguesynth.sampling.exemplars import load_reference

THRESHOLDS = (0.5, 0.8, 0.9, 0.95)


def turn_scores(dialogues: list[str]) -> tuple[list[np.ndarray], list[list[str]]]:
    """Per dialogue: each turn's probability of being offensive, and the turns' texts."""
    from profanity_check import predict_prob

    turns = [turns_of(d) for d in dialogues]
    flat = [t for ts in turns for t in ts]
    probs = predict_prob(flat) if flat else np.array([])
    out, i = [], 0
    for ts in turns:
        out.append(np.asarray(probs[i : i + len(ts)]))
        i += len(ts)
    return out, turns


def shares(scores: list[np.ndarray]) -> dict[str, float]:
    top = np.array([s.max() if len(s) else 0.0 for s in scores])
    return {f">{t}": round(float((top > t).mean()), 4) for t in THRESHOLDS}


def main() -> None:
    ap = parser(__doc__)
    ap.add_argument("--top", type=int, default=20, help="the corpus's highest-scoring turns listed")
    args = ap.parse_args()
    try:
        import profanity_check  # noqa: F401
    except ImportError:
        sys.exit("offensive: needs alt-profanity-check (pip install alt-profanity-check)")
    try:
        corpus = load_reference(args.corpus / "dialogues.jsonl")
        real = {s: load_reference(args.data_dir / f"{s}.jsonl") for s in ("train", "dev", "test")}
    except ConfigError as e:
        sys.exit(f"offensive: {e}")

    scores, turns = turn_scores([r.dialogue for r in corpus])
    ranked = sorted(
        ((float(p), r.id, t) for r, s, ts in zip(corpus, scores, turns) for p, t in zip(s, ts)), reverse=True
    )
    result = {
        **provenance(),
        "share_of_dialogues_with_a_turn_scored_above": {
            "corpus": shares(scores),
            **{f"dialogsum_{s}": shares(turn_scores([r.dialogue for r in rows])[0]) for s, rows in real.items()},
        },
        "n": {"corpus": len(corpus), **{f"dialogsum_{s}": len(rows) for s, rows in real.items()}},
        "corpus_top_turns": [{"p": round(p, 3), "id": i, "turn": t} for p, i, t in ranked[: args.top]],
    }
    write(result, args.out, "share_of_dialogues_with_a_turn_scored_above")


if __name__ == "__main__":
    main()
