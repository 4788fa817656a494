"""Realism: how far synthetic dialogues are from real ones in embedding space and in shape."""

from __future__ import annotations

import numpy as np


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two embedding sets (as FID, on MiniLM)."""
    from scipy import linalg

    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(s1 @ s2, disp=False)
    covmean = covmean.real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def c2st_auc(a: np.ndarray, b: np.ndarray, folds: int = 5, seed: int = 0) -> tuple[float, float]:
    """Classifier two-sample test: cross-validated ROC AUC of a logistic regression telling a from b
    (0.5 = indistinguishable). Classes are balanced by subsampling the larger set. Returns (mean, sd)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    rng = np.random.default_rng(seed)
    n = min(len(a), len(b))
    a = a[rng.choice(len(a), n, replace=False)]
    b = b[rng.choice(len(b), n, replace=False)]
    x = np.vstack([a, b])
    y = np.r_[np.ones(n), np.zeros(n)]
    k = max(2, min(folds, n))
    scores = cross_val_score(
        LogisticRegression(max_iter=2000, C=1.0),
        x,
        y,
        scoring="roc_auc",
        cv=StratifiedKFold(k, shuffle=True, random_state=seed),
    )
    return float(scores.mean()), float(scores.std())


def mauve_score(a: np.ndarray, b: np.ndarray, seed: int = 0) -> float | None:
    """MAUVE on precomputed MiniLM features (no featurizer download); None if mauve-text is absent."""
    try:
        import mauve
    except ImportError:
        return None
    n = min(len(a), len(b))
    if n < 10:
        return None
    out = mauve.compute_mauve(p_features=a, q_features=b, num_buckets=max(2, n // 10), seed=seed, verbose=False)
    return float(out.mauve)


def shape(dialogues: list[str]) -> dict[str, list[float]]:
    """Per dialogue: turns, words per turn (mean), words."""
    from .data import turns_of

    turns = [turns_of(d) for d in dialogues]
    return {
        "turns": [len(t) for t in turns],
        "words_per_turn": [float(np.mean([len(x.split()) for x in t])) if t else 0.0 for t in turns],
        "words": [sum(len(x.split()) for x in t) for t in turns],
    }
