"""The engine's number format on this machine: the same dialogue-render requests (the default
config's first N specs, first attempt, their seeds) through one engine per `model.dtype`, each in
its own process, arms alternating (A B A B) so a drift of the machine shows as a gap between
repeats. Per arm: decode tokens per second, and how many renders pass the quality bar (the number
format changes the numerics, so the samples differ; the pass share says whether quality moved).

A CPU without native bfloat16 (no AVX-512 BF16 or AMX) computes bfloat16 matmuls outside oneDNN
("Failed to create oneDNN linear, fallback to torch linear" in vLLM's log).

    .venv/bin/python evaluations/bench_dtype.py [--n 48] [--out evaluations/results/DATE-dtype]

The rule for the default `model.dtype`, fixed before its run (2026-12-03, an AVX2-only CPU), for a
run at the defaults (--n 48 --repeats 2): float32 becomes the default if its decode tokens per second
are at least 1.2x bfloat16's in every repeat and its renders pass the bar within 10 % of bfloat16's
count (48 specs: 5 renders); else bfloat16 stays. A smaller run informs, it does not decide.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from provenance import provenance

HERE = Path(__file__).resolve().parent
DTYPES = ("bfloat16", "float32")


def child(dtype: str, n: int, seed: int, out: Path) -> None:
    from dialoguesynth import Generator, load_config
    from dialoguesynth.backends import make_backend
    from dialoguesynth.stages.dialogue import DialogueStage
    from dialoguesynth.stages.plan import template_plan

    cfg = load_config(None, seed=seed, model__dtype=dtype)
    gen = Generator(cfg, progress=False)
    stage = DialogueStage(cfg, gen.pool)
    plan = cfg.plan.enabled and cfg.plan.strategy == "template"
    items = [(s, template_plan(s, cfg) if plan else "") for s in gen.specs(n=n)]
    requests = [stage.request(i, stage.seed(i, 0)) for i in items]
    t = time.monotonic()
    backend = make_backend(cfg)
    load_s = time.monotonic() - t
    t = time.monotonic()
    out_c = backend.generate(requests)
    gen_s = time.monotonic() - t
    backend.close()
    tokens = sum(c.completion_tokens for c in out_c)
    passed = sum(stage.parse(i, c)[1] is None for i, c in zip(items, out_c))
    row = {"dtype": dtype, "requests": n, "load_s": round(load_s, 1), "gen_s": round(gen_s, 1)}
    row |= {"completion_tokens": tokens, "tok_per_s": round(tokens / gen_s, 1), "passed": passed}
    out.write_text(json.dumps(row))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=48, help="specs (one dialogue request each)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", type=Path, default=HERE / "results" / f"{date.today()}-dtype")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child[0], a.n, a.seed, Path(a.child[1]))
        return
    rows = []
    tmp = a.out / "arm.json"
    a.out.mkdir(parents=True, exist_ok=True)
    for rep in range(a.repeats):
        for dtype in DTYPES:
            print(f"repeat {rep + 1}: {dtype} ...", flush=True)
            cmd = [sys.executable, __file__, "--n", str(a.n), "--seed", str(a.seed), "--child", dtype, str(tmp)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rows.append({"repeat": rep + 1, **json.loads(tmp.read_text())})
            print(json.dumps(rows[-1]), flush=True)
    tmp.unlink()
    mean = {d: sum(r["tok_per_s"] for r in rows if r["dtype"] == d) / a.repeats for d in DTYPES}
    res = {
        "provenance": provenance(),
        "arms": rows,
        "float32_over_bfloat16": round(mean["float32"] / mean["bfloat16"], 2),
    }
    (a.out / "dtype.json").write_text(json.dumps(res, indent=2))
    md = ["| repeat | dtype | decode tok/s | gen s | load s | pass the bar |", "|---|---|---|---|---|---|"]
    md += [
        f"| {r['repeat']} | {r['dtype']} | {r['tok_per_s']} | {r['gen_s']} | {r['load_s']} | "
        f"{r['passed']}/{r['requests']} |"
        for r in rows
    ]
    p = res["provenance"]
    (a.out / "dtype.md").write_text(
        f"Command: `{p['command']}` at commit `{p['commit']}`{' (dirty)' if p['dirty'] else ''}; {p['machine']}.\n\n"
        + "\n".join(md)
        + f"\n\nfloat32 / bfloat16, decode tokens per second (mean of repeats): **{res['float32_over_bfloat16']}×**\n"
    )
    print("\n".join(md))


if __name__ == "__main__":
    main()
