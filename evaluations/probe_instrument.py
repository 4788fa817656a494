"""Can the text probe see what it is asked to find? Real DialogSum dialogues, a label planted by a
phrase opening two turns (the way the guided decoder realises a speech feature), 5-fold accuracy
above chance for the report's probe (`layers.text_probe`) and candidate probes; plus a null (labels
at random, nothing planted) that every probe must leave near chance.

    .venv/bin/python evaluations/probe_instrument.py --out evaluations/results/<date>-probe-instrument
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from pathlib import Path

from provenance import provenance

from dialoguesynth.evaluate import layers

PHRASES = {  # phrases of contexts/realisation.yaml's speech features (words < 3 % of DialogSum uses)
    "slang": ["Dude,", "Gonna", "Kinda", "Gotta", "Wanna", "Bro,"],
    "fillers": ["Um,", "Uh,", "Er,", "Um, you know,", "So, um,", "Uh, um,"],
}


def planted(rows: list[dict], phrases: list[str] | None, share: float, seed: int) -> tuple[list[str], list[str]]:
    """Texts without speaker tags and yes/no labels; 'yes' rows open turns 2 and 4 with a phrase."""
    rng = random.Random(seed)
    texts, ys = [], []
    for r in rows:
        turns = [re.sub(r"^#Person\d#:\s*", "", t) for t in r["dialogue"].split("\n") if t.strip()]
        yes = rng.random() < share
        if yes and phrases:
            drawn = rng.sample(phrases, 2)
            for k in (1, 3):
                if k < len(turns):
                    turns[k] = f"{rng.choice(drawn)} {turns[k]}"
        texts.append("\n".join(turns))
        ys.append("yes" if yes else "no")
    return texts, ys


def candidates():
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return {
        "report's probe: TF-IDF 1-2-grams, logistic C=4": None,
        "TF-IDF 1-2-grams, logistic C=100": lambda: make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), LogisticRegression(max_iter=5000, C=100.0)
        ),
        "binary word presence, logistic C=1": lambda: make_pipeline(
            CountVectorizer(min_df=2, binary=True), LogisticRegression(max_iter=5000, C=1.0)
        ),
    }


def score(make, texts, ys, seed) -> float:
    if make is None:
        return layers.text_probe(texts, ys, seed)["above_chance"]
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    acc = cross_val_score(make(), texts, ys, scoring="accuracy", cv=StratifiedKFold(5, shuffle=True, random_state=seed))
    return round(float(acc.mean()) - max(Counter(ys).values()) / len(ys), 4)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", default="../shared/data/dialogsum/train.jsonl")
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    rows = [json.loads(x) for x in Path(a.reference).read_text().splitlines()[: a.n]]
    cases = [(f"{k}, {s:.0%} of rows", v, s) for k, v in PHRASES.items() for s in (0.35, 0.13)]
    cases.append(("null: nothing planted, 35 % labelled yes at random", None, 0.35))
    res = {}
    for name, phrases, share in cases:
        res[name] = {
            probe: round(sum(score(make, *planted(rows, phrases, share, s), s) for s in range(a.seeds)) / a.seeds, 4)
            for probe, make in candidates().items()
        }
        print(name, res[name], flush=True)
    a.out.mkdir(parents=True, exist_ok=True)
    command = f".venv/bin/python evaluations/probe_instrument.py --n {a.n} --seeds {a.seeds} --out {a.out}"
    (a.out / "probe_instrument.json").write_text(
        json.dumps({"command": command, "n": a.n, "seeds": a.seeds, "above_chance": res}, indent=2)
    )
    (a.out / "provenance.json").write_text(json.dumps(provenance(), indent=1))


if __name__ == "__main__":
    main()
