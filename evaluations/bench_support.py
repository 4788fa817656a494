"""A recording vLLM backend for bench_throughput.py: the pipeline's own backend, plus a log of every
engine call (the exact requests, engine time, tokens) so the raw-vLLM arm can replay them.

Used as ``model.backend: bench_support:RecordingVLLM`` with ``evaluations/`` on PYTHONPATH and
``DS_BENCH_RECORD`` naming the log file. Recording happens after each call, outside its timing."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from dialoguesynth.backends.vllm_backend import VLLMBackend
from dialoguesynth.models import resolve_model


class RecordingVLLM(VLLMBackend):
    def __init__(self, cfg):
        t = time.monotonic()
        super().__init__(resolve_model(cfg.model.name), cfg.model, cfg.seed)
        self._log = Path(os.environ["DS_BENCH_RECORD"])
        self._log.write_text(json.dumps({"load_s": time.monotonic() - t}) + "\n")

    def generate(self, requests, progress=None):
        t = time.monotonic()
        out = super().generate(requests, progress)
        call = {
            "engine_s": time.monotonic() - t,
            "completion_tokens": sum(c.completion_tokens for c in out),
            "prompt_tokens": sum(c.prompt_tokens for c in out),
            "requests": [r.model_dump() for r in requests],
        }
        with self._log.open("a") as f:
            f.write(json.dumps(call) + "\n")
        return out
