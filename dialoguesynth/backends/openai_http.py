"""OpenAI-compatible HTTP backend (e.g. a ``vllm serve`` the user started): ``/completions`` with
raw prompts, requests sent concurrently, structured outputs passed the way vLLM's server takes them."""

from __future__ import annotations

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from ..config import ModelConfig
from ..errors import ModelError
from .base import Completion, GenRequest, ProgressFn

RETRY_STATUS = {408, 429, 500, 502, 503, 504}


class OpenAIBackend:
    def __init__(self, cfg: ModelConfig, max_attempts: int = 5, backoff_s: float = 1.0):
        self.cfg = cfg
        self.model_name = cfg.served_model or cfg.name
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        key = os.environ.get(cfg.api_key_env, "EMPTY")
        self._tripped = threading.Event()  # circuit breaker: set once a request exhausted its retries
        self.client = httpx.Client(
            base_url=cfg.base_url.rstrip("/"), timeout=cfg.timeout_s, headers={"Authorization": f"Bearer {key}"}
        )

    def _body(self, r: GenRequest) -> dict:
        body = {
            "model": self.model_name,
            "prompt": r.prompt,
            "max_tokens": r.max_tokens,
            "temperature": r.temperature,
            "top_p": r.top_p,
            **({"min_p": r.min_p} if r.min_p else {}),
            **({"repetition_penalty": r.repetition_penalty} if r.repetition_penalty != 1.0 else {}),
        }
        if r.stop:
            body["stop"] = r.stop
        if r.seed is not None:
            body["seed"] = r.seed
        if r.regex is not None:
            body["structured_outputs"] = {"regex": r.regex}
        elif r.json_schema is not None:
            body["structured_outputs"] = {"json": r.json_schema}
        return body

    def _one(self, r: GenRequest) -> Completion:
        last = ""
        for attempt in range(self.max_attempts):
            if self._tripped.is_set():
                raise ModelError(
                    f"the server at {self.cfg.base_url} is failing; stopped (progress is saved, rerun to resume)"
                )
            try:
                resp = self.client.post("/completions", json=self._body(r))
                if resp.status_code in RETRY_STATUS:
                    last = f"HTTP {resp.status_code}"
                elif resp.status_code >= 400:
                    raise ModelError(
                        f"the server at {self.cfg.base_url} refused the "
                        f"request: HTTP {resp.status_code} {resp.text[:200]}"
                    )
                else:
                    data = resp.json()
                    choice = data["choices"][0]
                    usage = data.get("usage") or {}
                    return Completion(
                        text=choice.get("text") or "",
                        finish_reason=choice.get("finish_reason"),
                        prompt_tokens=int(usage.get("prompt_tokens") or 0),
                        completion_tokens=int(usage.get("completion_tokens") or 0),
                    )
            except (httpx.TransportError, ValueError, KeyError, IndexError, TypeError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            # exponential backoff with full jitter
            time.sleep(random.uniform(0, self.backoff_s * 2**attempt))
        self._tripped.set()
        raise ModelError(
            f"the server at {self.cfg.base_url} failed {self.max_attempts} "
            f"times (last: {last}); progress is saved, rerun to resume"
        )

    def generate(self, requests: list[GenRequest], progress: ProgressFn | None = None) -> list[Completion]:
        self._tripped.clear()
        out: list[Completion] = []
        start = time.monotonic()
        tokens = 0
        with ThreadPoolExecutor(self.cfg.concurrency) as pool:
            for done, c in enumerate(pool.map(self._one, requests), 1):
                out.append(c)
                tokens += c.completion_tokens
                if progress:
                    progress(done, tokens / max(time.monotonic() - start, 1e-9))
        return out

    def close(self) -> None:
        self.client.close()
