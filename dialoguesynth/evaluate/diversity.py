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
