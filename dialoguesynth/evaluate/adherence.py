"""Adherence: does the dialogue reflect what was sampled for it?"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

FILLERS = re.compile(r"\b(um+|uh+|er+m?|hmm+|you know|i mean|like,|well,)", re.I)
FORMAL = re.compile(
    r"\b(would you|could you|may i|please|sir|madam|mr\.|mrs\.|ms\.|thank you|certainly|indeed)\b", re.I
)
INFORMAL = re.compile(r"\b(yeah|gonna|wanna|hey|cool|guys|kinda|yep|nope|dude|awesome|ok)\b", re.I)


def rate(pattern: re.Pattern, text: str) -> float:
    """Matches per 100 words."""
    words = max(len(text.split()), 1)
    return 100.0 * len(pattern.findall(text)) / words


def turns_spearman(target: list[int], actual: list[int]) -> float | None:
    from scipy.stats import spearmanr

    if len(set(target)) < 2 or len(set(actual)) < 2:
        return None
    return float(spearmanr(target, actual).statistic)


def recoverability(emb: np.ndarray, labels: list[str], seed: int = 0) -> dict | None:
    """Cross-validated accuracy of predicting a spec field from the dialogue embedding, vs the
    majority-class rate (chance). None when there are too few examples per class."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    counts = Counter(labels)
    keep = [i for i, y in enumerate(labels) if counts[y] >= 3]
    ys = [labels[i] for i in keep]
    if len(set(ys)) < 2:
        return None
    k = min(5, min(Counter(ys).values()))
    acc = cross_val_score(
        LogisticRegression(max_iter=2000),
        emb[keep],
        ys,
        scoring="accuracy",
        cv=StratifiedKFold(k, shuffle=True, random_state=seed),
    )
    return {
        "accuracy": float(acc.mean()),
        "chance": max(Counter(ys).values()) / len(ys),
        "n": len(ys),
        "classes": len(set(ys)),
    }
