"""Engines behind one small protocol (see base.Backend)."""

from __future__ import annotations

import importlib

from ..config import Config
from ..errors import ModelError
from ..models import resolve_model
from .base import Backend, Completion, GenRequest, ProgressFn

__all__ = ["Backend", "Completion", "GenRequest", "ProgressFn", "make_backend"]


def make_backend(cfg: Config) -> Backend:
    """Build the backend the config names (loads the model for in-process vLLM)."""
    kind = cfg.model.backend
    if kind == "openai":
        from .openai_http import OpenAIBackend

        return OpenAIBackend(cfg.model)
    if kind == "vllm":
        from .vllm_backend import VLLMBackend

        return VLLMBackend(resolve_model(cfg.model.name), cfg.model, cfg.seed, deterministic=cfg.run.deterministic)
    module, _, cls = kind.partition(":")
    try:
        factory = getattr(importlib.import_module(module), cls)
    except (ImportError, AttributeError) as exc:
        raise ModelError(f"model.backend {kind!r} cannot be imported: {exc}") from None
    return factory(cfg)
