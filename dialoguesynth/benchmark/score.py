"""Scores against the three reference summaries: ROUGE-1/2/L F1 (rouge-score) and MiniLM cosine,
each averaged over the references; bootstrap confidence intervals over test items and seeds."""

from __future__ import annotations

import numpy as np

from ..evaluate.embed import embed

METRICS = ("rouge1", "rouge2", "rougeL", "embedding_cosine")


def item_scores(predictions: list[str], references: list[list[str]]) -> dict[str, np.ndarray]:
    """Per test item, each metric averaged over that item's references."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    out = {m: [] for m in METRICS}
    pred_emb = embed([p or " " for p in predictions])
    flat = [r for refs in references for r in refs]
    ref_emb = embed(flat)
    k = 0
    for i, (p, refs) in enumerate(zip(predictions, references)):
        s = [scorer.score(r, p) for r in refs]
        for m in ("rouge1", "rouge2", "rougeL"):
            out[m].append(100 * float(np.mean([x[m].fmeasure for x in s])))
        out["embedding_cosine"].append(float(np.mean(ref_emb[k : k + len(refs)] @ pred_emb[i])))
        k += len(refs)
    return {m: np.array(v) for m, v in out.items()}


def bootstrap_ci(per_seed: list[np.ndarray], n_boot: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """Mean over seeds and items, with a 95% CI resampling items (and seeds)."""
    rng = np.random.default_rng(seed)
    a = np.stack(per_seed)  # seeds × items
    means = []
    for _ in range(n_boot):
        s = rng.integers(0, a.shape[0], a.shape[0])
        i = rng.integers(0, a.shape[1], a.shape[1])
        means.append(a[np.ix_(s, i)].mean())
    return float(a.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def ratio_ci(
    num: list[np.ndarray], den: list[np.ndarray], n_boot: int = 1000, seed: int = 0
) -> tuple[float, float, float]:
    """mean(num)/mean(den) with a paired bootstrap over the same items and seeds."""
    rng = np.random.default_rng(seed)
    a, b = np.stack(num), np.stack(den)
    ratios = []
    for _ in range(n_boot):
        s = rng.integers(0, a.shape[0], a.shape[0])
        i = rng.integers(0, a.shape[1], a.shape[1])
        ratios.append(a[np.ix_(s, i)].mean() / max(b[np.ix_(s, i)].mean(), 1e-9))
    return float(a.mean() / max(b.mean(), 1e-9)), float(np.percentile(ratios, 2.5)), float(np.percentile(ratios, 97.5))
