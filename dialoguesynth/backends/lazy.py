"""The engine of a config, loaded on first use: a fully resumed run never starts vLLM."""

from __future__ import annotations

from ..config import Config
from .base import Backend, Completion, GenRequest, ProgressFn


class LazyBackend:
    """Builds the config's backend at the first ``generate``; ``use(model)`` switches to another model
    of a mix by closing the engine (one engine per process on CPU) and loading the next lazily."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self._engine: Backend | None = None

    @property
    def model_name(self) -> str:
        return self._engine.model_name if self._engine is not None else self.cfg.model.name

    def use(self, model: str) -> None:
        if model == self.cfg.model.name:
            return
        self.close()
        self.cfg = self.cfg.model_copy(update={"model": self.cfg.model.model_copy(update={"name": model})})

    def generate(self, requests: list[GenRequest], progress: ProgressFn | None = None) -> list[Completion]:
        if self._engine is None:
            from . import make_backend

            self._engine = make_backend(self.cfg)
        return self._engine.generate(requests, progress)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
