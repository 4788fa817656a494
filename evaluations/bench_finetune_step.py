"""Fine-tune step cost of the benchmark's summarizer on this CPU, four variants side by side in one
run: full fine-tune fp32 / bf16 autocast, LoRA r=16 fp32 / bf16 autocast. One step = a batch of
8 × 300 tokens of the embedded SmolLM2-135M; median of --steps steps after one warm-up step.
The CPU's native bf16 (what `benchmark --precision auto` looks for) is recorded beside the times.

    python evaluations/bench_finetune_step.py [--steps 3] [--no-lora] [--out evaluations/results/<date>-finetune-step]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path


def step_times(model, bf16: bool, steps: int = 3) -> list[float]:
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4)
    ids = torch.randint(0, 40000, (8, 300), generator=torch.Generator().manual_seed(0))
    out = []
    for _ in range(steps + 1):
        t = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        out.append(time.perf_counter() - t)
    return out[1:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / f"{date.today()}-finetune-step")
    ap.add_argument("--steps", type=int, default=3, help="timed steps per variant, after one warm-up step")
    ap.add_argument("--no-lora", dest="lora", action="store_false", help="full fine-tune variants only")
    a = ap.parse_args()
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from dialoguesynth.benchmark.summarizer import native_bf16
    from dialoguesynth.models import resolve_model
    from dialoguesynth.provenance import provenance

    path = resolve_model("embedded")
    res = {
        "command": "python evaluations/bench_finetune_step.py " + " ".join(sys.argv[1:]),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "native_bf16": native_bf16(),
        "median_step_s": {},
        **provenance().model_dump(include={"commit", "dirty", "machine"}),
    }
    for name, lora, bf16 in (
        ("full fp32", False, False),
        ("full bf16 autocast", False, True),
        ("LoRA r=16 fp32", True, False),
        ("LoRA r=16 bf16 autocast", True, True),
    ):
        if lora and not a.lora:
            continue
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
        if lora:
            model = get_peft_model(
                model, LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM")
            )
        res["median_step_s"][name] = round(statistics.median(step_times(model, bf16, a.steps)), 2)
        print(name, res["median_step_s"][name], flush=True)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "finetune_step.json").write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
