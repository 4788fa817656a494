"""What tells a corpus from real DialogSum: the words a linear classifier leans on, and the turn shapes
that differ (questions, exclamations, openings), each beside the same-size real sample's figure.

The MiniLM classifier of `quality_report.py` says *how* separable a corpus is (its AUC); this says *by
what*, in words a reader can check, so the next change to the generator can aim at the largest gap.
    .venv/bin/python evaluations/realism_gap.py out/quality-v24 --out evaluations/results/DATE/realism_gap.json
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter

import numpy as np
from corpus_vs_real import parser, write
from provenance import provenance
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from dialoguesynth.errors import ConfigError
from dialoguesynth.evaluate.data import turns_of
from dialoguesynth.sampling.exemplars import load_reference

# words with their apostrophes, and ? and ! as words of their own: the marks are part of the gap
TOKEN = r"(?u)\b\w[\w']*\b|[?!]"
_TOKEN = re.compile(TOKEN)


def shape(turns: list[list[str]]) -> dict[str, float]:
    """Turn-shape figures of a set of dialogues: what a reader notices first."""
    flat = [t for ts in turns for t in ts]
    first = Counter(ws[0].lower() for ws in map(_TOKEN.findall, flat) if ws)
    return {
        "turns_per_dialogue": round(float(np.mean([len(ts) for ts in turns])), 2),
        "words_per_turn": round(float(np.mean([len(t.split()) for t in flat])), 2),
        "turns_with_a_question": round(sum("?" in t for t in flat) / len(flat), 4),
        "turns_with_an_exclamation": round(sum("!" in t for t in flat) / len(flat), 4),
        "turns_opening_with": {w: round(c / len(flat), 4) for w, c in first.most_common(8)},
    }


def per_thousand(texts: list[str], words: list[str]) -> dict[str, float]:
    counts = Counter(w.lower() for t in texts for w in _TOKEN.findall(t))
    n = sum(counts.values())
    return {w: round(1000 * counts[w] / n, 2) for w in words}


def main() -> None:
    ap = parser(__doc__)
    ap.add_argument("--top", type=int, default=25, help="words listed on each side")
    ap.add_argument("--seed", type=int, default=0, help="which real dialogues form the same-size sample")
    args = ap.parse_args()
    try:
        corpus = [r.dialogue for r in load_reference(args.corpus / "dialogues.jsonl")]
        real_all = [r.dialogue for r in load_reference(args.data_dir / "train.jsonl")]
    except ConfigError as e:
        sys.exit(f"realism_gap: {e}")
    if len(real_all) < len(corpus) or len(corpus) < 10:
        sys.exit(f"realism_gap: need at least 10 dialogues and as many real ones (have {len(corpus)}, {len(real_all)})")
    real = random.Random(args.seed).sample(real_all, len(corpus))

    # turns only: the speaker labels are the same on both sides and would only add noise
    syn_turns, real_turns = [turns_of(d) for d in corpus], [turns_of(d) for d in real]
    texts = [" ".join(ts) for ts in syn_turns + real_turns]
    y = np.array([1] * len(corpus) + [0] * len(real))
    vec = TfidfVectorizer(token_pattern=TOKEN, min_df=3, sublinear_tf=True)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(max_iter=2000)
    auc = cross_val_score(clf, x, y, cv=5, scoring="roc_auc")
    coef = clf.fit(x, y).coef_[0]
    names = vec.get_feature_names_out()
    order = np.argsort(coef)
    syn_words = [str(names[i]) for i in order[::-1][: args.top]]
    real_words = [str(names[i]) for i in order[: args.top]]
    syn_text, real_text = [" ".join(ts) for ts in syn_turns], [" ".join(ts) for ts in real_turns]

    def rates(words: list[str]) -> list[dict]:
        a, b = per_thousand(syn_text, words), per_thousand(real_text, words)
        return [{"word": w, "corpus_per_1000": a[w], "real_per_1000": b[w]} for w in words]

    result = {
        **provenance(),
        "n": len(corpus),
        "word_classifier_auc": {"mean": round(float(auc.mean()), 4), "sd": round(float(auc.std()), 4)},
        "shape": {"corpus": shape(syn_turns), "dialogsum_train_sample": shape(real_turns)},
        "words_that_say_synthetic": rates(syn_words),
        "words_that_say_real": rates(real_words),
    }
    write(result, args.out, "word_classifier_auc", "shape")


if __name__ == "__main__":
    main()
