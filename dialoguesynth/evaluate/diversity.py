"""Diversity metrics; the report computes them on quality-passing dialogues only."""

from __future__ import annotations

import gzip
import math
from collections import Counter

import numpy as np


def distinct_n(texts: list[str], n: int) -> float:
    """Unique n-grams / all n-grams over the corpus (word level, lower-cased)."""
    grams = [tuple(w[i : i + n]) for t in texts for w in [t.lower().split()] for i in range(len(w) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def compression_ratio(texts: list[str]) -> float:
    """Raw size / gzip size of the concatenated corpus: higher = more repetitive."""
    raw = "\n".join(texts).encode()
    return len(raw) / len(gzip.compress(raw, compresslevel=9)) if raw else 0.0


def self_bleu(texts: list[str], max_n: int = 200, seed: int = 0) -> float:
    """Mean BLEU of each text against all others (sacrebleu; 0-100, higher = more alike)."""
    from sacrebleu.metrics import BLEU

    rng = np.random.default_rng(seed)
    idx = (
        rng.choice(len(texts), size=min(max_n, len(texts)), replace=False)
        if len(texts) > max_n
        else np.arange(len(texts))
    )
    if len(idx) < 2:
        return 0.0
    bleu = BLEU(effective_order=True)
    scores = [bleu.sentence_score(texts[i], [texts[j] for j in idx if j != i]).score for i in idx]
    return float(np.mean(scores))


def vendi_score(emb: np.ndarray) -> float:
    """exp(entropy of the eigenvalues of K/n), K = cosine similarities: 1 (all identical) .. n (orthogonal)."""
    n = len(emb)
    if n == 0:
        return 0.0
    x = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    lam = np.linalg.eigvalsh(x @ x.T / n)
    lam = lam[lam > 1e-12]
    return float(np.exp(-(lam * np.log(lam)).sum()))


def at_equal_n(texts: list[str], emb: np.ndarray, n: int, draws: int = 50, seed: int = 0) -> dict:
    """Vendi and distinct-2 of random subsets of n texts: the mean over ``draws`` subsets and their 2.5-97.5
    percentile range. Both grow with the number of texts, so sets of different sizes compare only this way."""
    if not 2 <= n <= len(texts):
        raise ValueError(f"need 2 <= n <= {len(texts)} texts, got n={n}")
    rng = np.random.default_rng(seed)
    subsets = [rng.choice(len(texts), size=n, replace=False) for _ in range(draws)]
    vendi = [vendi_score(emb[i]) for i in subsets]
    d2 = [distinct_n([texts[j] for j in i], 2) for i in subsets]

    def summary(x: list[float], digits: int) -> tuple[float, list[float]]:
        return round(float(np.mean(x)), digits), [round(float(q), digits) for q in np.percentile(x, [2.5, 97.5])]

    (v, v_range), (d, d_range) = summary(vendi, 2), summary(d2, 4)
    return {"n": n, "draws": draws, "vendi": v, "vendi_range": v_range, "distinct_2": d, "distinct_2_range": d_range}


def mean_pairwise_cosine(emb: np.ndarray) -> float:
    n = len(emb)
    if n < 2:
        return 0.0
    x = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    s = x @ x.T
    return float((s.sum() - np.trace(s)) / (n * (n - 1)))


def entropy(labels: list[str]) -> tuple[float, float]:
    """(Shannon entropy in bits, normalised by log2 of the number of distinct labels)."""
    c = Counter(labels)
    total = sum(c.values())
    h = -sum(v / total * math.log2(v / total) for v in c.values()) if total else 0.0
    return h, (h / math.log2(len(c)) if len(c) > 1 else 0.0)
