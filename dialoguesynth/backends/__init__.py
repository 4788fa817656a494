"""Engines behind one small protocol (see base.Backend)."""

from __future__ import annotations

from ..config import Config
from ..models import resolve_model
from .base import Backend, Completion, GenRequest, ProgressFn

__all__ = ["Backend", "Completion", "GenRequest", "ProgressFn", "make_backend"]


def make_backend(cfg: Config) -> Backend:
    """Build the backend the config names (loads the model for in-process vLLM)."""
    if cfg.model.backend == "openai":
        from .openai_http import OpenAIBackend

        return OpenAIBackend(cfg.model)
    from .vllm_backend import VLLMBackend

    return VLLMBackend(resolve_model(cfg.model.name), cfg.model, cfg.seed)
