"""`dialoguesynth benchmark`: zero-shot vs fine-tuned on real (in-domain) vs fine-tuned on each
synthetic corpus, same training size, same seeds; one table."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Literal, get_args

import numpy as np
from pydantic import BaseModel, Field

from ..defects import loops
from ..provenance import provenance
from .data import pairs_from, test_items
from .score import METRICS, bootstrap_ci, item_scores, ratio_ci

Precision = Literal["auto", "bf16", "fp32"]
PRECISIONS = get_args(Precision)


class BenchmarkConfig(BaseModel):
    task: Literal["summary", "response"] = Field(
        "summary", description="summary: dialogue → summary; response: dialogue so far → next turn"
    )
    synthetic: dict[str, Path] = Field(description="name → generated dataset (ablations: one entry each)")
    real: Path
    test: Path
    model: str = "embedded"
    n_train: int = Field(128, description="training pairs per condition (capped by the smallest synthetic corpus)")
    n_test: int = 100
    seeds: int = 3
    epochs: int = 2
    lr: float = Field(1e-4, description="CPU-scale default; DiaSynth's paper scale used 5e-5")
    batch_size: int = 8
    num_beams: int = 1
    max_new_tokens: int = 64
    max_dialogue_tokens: int = Field(192, description="dialogues are truncated to this many tokens (train and test)")
    precision: Precision = Field(
        "auto", description="bf16: bf16 autocast (weights and optimizer stay fp32); auto: bf16 where the CPU has it"
    )
    lora_r: int = Field(0, description="0 = full fine-tune; > 0 = LoRA adapters of this rank (peft)")


ABLATIONS = {
    "full": {},
    "no personas": {"personas__enabled": False},
    "no subtopics": {"topics__expand": False},
    "no plan (CoT)": {"plan__enabled": False},
    "no context": {"context__enabled": False},
}


def generate_matrix(config: Path | None, out: Path, names: list[str] | None = None, log=print) -> dict[str, Path]:
    """Generate the full corpus and each ablation from one config (each a resumable run folder, one
    engine per run, loaded in this process one after another); name → corpus folder."""
    from ..config import load_config
    from ..errors import ConfigError
    from ..pipeline import Generator

    names = names or list(ABLATIONS)
    unknown = [n for n in names if n not in ABLATIONS]
    if unknown:
        raise ConfigError(f"unknown ablation {unknown[0]!r}; choose from {list(ABLATIONS)}")
    corpora = {}
    for name in names:
        path = out / "corpora" / name.split(" (")[0].replace(" ", "-")
        log(f"generating corpus '{name}' into {path}")
        Generator(load_config(config, **ABLATIONS[name])).run(path)
        corpora[name] = path
    return corpora


def run_benchmark(cfg: BenchmarkConfig, out: Path, log=print) -> dict:
    from ..models import display_name, resolve_model
    from . import response
    from .summarizer import PROMPT, Summarizer, resolve_precision

    out.mkdir(parents=True, exist_ok=True)
    model_path = resolve_model(cfg.model)
    precision = resolve_precision(cfg.precision)
    log(f"precision: {precision}" + (" (auto)" if cfg.precision == "auto" else ""))
    t0 = time.monotonic()
    if cfg.task == "summary":
        train_pairs, metrics, prompt = pairs_from, METRICS, PROMPT
        test = test_items(cfg.test, cfg.n_test)
        inputs, refs, ids = [t.dialogue for t in test], [t.references for t in test], [t.id for t in test]
    else:
        train_pairs, metrics, prompt = response.response_pairs, response.METRICS, response.PROMPT
        test_pairs = response.response_pairs(cfg.test, cfg.n_test, seed=0)
        inputs, refs, ids = [p.dialogue for p in test_pairs], [[p.summary] for p in test_pairs], None
    synth = {name: train_pairs(path) for name, path in cfg.synthetic.items()}
    n_train = min([cfg.n_train] + [len(p) for p in synth.values()])
    scores: dict[str, list[dict[str, np.ndarray]]] = {}
    predictions: dict[str, list[list[str]]] = {}

    def evaluate(name: str, model: Summarizer) -> None:
        preds = model.summarize(inputs, num_beams=cfg.num_beams, max_new_tokens=cfg.max_new_tokens)
        if cfg.task == "summary":
            scores.setdefault(name, []).append(item_scores(preds, refs))
        else:
            nll = model.target_nll(test_pairs)
            scores.setdefault(name, []).append(response.item_scores(preds, [r[0] for r in refs], nll))
        predictions.setdefault(name, []).append(preds)
        log(f"[{time.monotonic() - t0:6.0f}s] {name}: ROUGE-L {scores[name][-1]['rougeL'].mean():.2f}")

    def summarizer() -> Summarizer:
        return Summarizer(
            model_path,
            max_dialogue_tokens=cfg.max_dialogue_tokens,
            bf16=precision == "bf16",
            lora_r=cfg.lora_r,
            prompt=prompt,
            keep_end=cfg.task == "response",
        )

    evaluate("zero-shot", summarizer())
    for seed in range(cfg.seeds):
        conditions = {"in-domain (real)": train_pairs(cfg.real, n_train, seed)}
        conditions.update({f"synthetic: {k}": _subsample(v, n_train, seed) for k, v in synth.items()})
        for name, pairs in conditions.items():
            s = summarizer()
            losses = s.train(pairs, epochs=cfg.epochs, lr=cfg.lr, batch_size=cfg.batch_size, seed=seed)
            log(
                f"[{time.monotonic() - t0:6.0f}s] {name} seed {seed}: "
                f"{len(losses)} steps, loss {losses[0]:.2f} → {losses[-1]:.2f}"
            )
            evaluate(name, s)
            del s

    table = {}
    real = scores["in-domain (real)"]
    zero = scores["zero-shot"]
    for name, per_seed in scores.items():
        row = {}
        for m in metrics:
            mean, lo, hi = bootstrap_ci([s[m] for s in per_seed])
            row[m] = {"mean": round(mean, 3), "ci95": [round(lo, 3), round(hi, 3)]}
        if "nll" in row:  # perplexity of the real next turn: exp of the mean per-item NLL
            row["perplexity"] = {"mean": round(math.exp(row["nll"]["mean"]), 2)}
            row["perplexity"]["ci95"] = [round(math.exp(x), 2) for x in row["nll"]["ci95"]]
        if name.startswith("synthetic"):
            r, lo, hi = ratio_ci([s["rougeL"] for s in per_seed], [s["rougeL"] for s in real])
            row["ratio_to_in_domain_rougeL"] = {"mean": round(r, 4), "ci95": [round(lo, 4), round(hi, 4)]}
            zero_l = float(np.mean(zero[0]["rougeL"]))
            real_l = float(np.mean([s["rougeL"].mean() for s in real]))
            row["gain_over_zero_shot_rougeL"] = round(
                float(np.mean([s["rougeL"].mean() for s in per_seed])) - zero_l, 3
            )
            row["share_of_in_domain_gain"] = round((row["gain_over_zero_shot_rougeL"]) / max(real_l - zero_l, 1e-9), 4)
        row["outputs"] = output_shape([p for preds in predictions[name] for p in preds])
        table[name] = row
    result = {
        "task": cfg.task,
        "metrics": [m if m != "nll" else "perplexity" for m in metrics],
        "config": json.loads(cfg.model_dump_json()),
        "precision": precision,  # what "auto" resolved to on this machine
        "n_train": n_train,
        "n_test": len(inputs),
        "model": display_name(cfg.model),  # as the user named it, not this machine's cache path
        "wall_s": round(time.monotonic() - t0, 1),
        "versions": _versions(),
        **provenance().model_dump(include={"commit", "dirty", "command", "machine"}),
        "table": table,
        "examples": [
            {"id": ids[i] if ids else i, "input": inputs[i][-300:], "references": refs[i]}
            | {k: v[0][i] for k, v in predictions.items()}
            for i in range(min(5, len(inputs)))
        ],
    }
    (out / "benchmark.json").write_text(json.dumps(result, indent=2))
    with (out / "predictions.jsonl").open("w", encoding="utf-8") as f:  # every output, to read
        for name, per_seed in predictions.items():
            for seed, preds in enumerate(per_seed):
                for i, pred in enumerate(preds):
                    item = {"condition": name, "seed": seed, "id": ids[i] if ids else i, "prediction": pred}
                    f.write(json.dumps(item, ensure_ascii=False) + "\n")
    (out / "benchmark.md").write_text(to_markdown(result))
    return result


def output_shape(preds: list[str]) -> dict:
    """What a condition's model writes: words per output, and the share of outputs that loop (a word
    4-gram said three times: 'She's a little girl Maria. She's a little girl Maria. ...'; the same
    test the quality bar applies to a turn, ``defects.loops``)."""
    return {
        "words": round(float(np.mean([len(p.split()) for p in preds])), 1) if preds else 0.0,
        "looping": round(float(np.mean([loops(p) for p in preds])), 3) if preds else 0.0,
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("dialoguesynth", "torch", "transformers", "peft", "rouge-score"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def _subsample(pairs, n, seed):
    import random

    return random.Random(seed).sample(pairs, n) if n < len(pairs) else pairs


_HEADERS = {
    "rouge1": "ROUGE-1",
    "rouge2": "ROUGE-2",
    "rougeL": "ROUGE-L",
    "embedding_cosine": "MiniLM cos",
    "bleu": "BLEU",
    "perplexity": "perplexity of the real turn (lower is better)",
}


def to_markdown(r: dict) -> str:
    metrics = r.get("metrics", list(METRICS))
    what = (
        "test dialogues: {n} (3 references each)"
        if r.get("task", "summary") == "summary"
        else "test pairs: {n} (dialogue so far → the real next turn, one per test dialogue)"
    ).format(n=r["n_test"])
    at = f" at {r['commit'][:7]}" if r.get("commit") else ""
    lines = [
        f"Task: {r.get('task', 'summary')}. Training pairs per condition: {r['n_train']}; {what}; "
        f"seeds: {r['config']['seeds']}; model `{r['config']['model']}`"
        f" ({'LoRA r=' + str(r['config']['lora_r']) if r['config'].get('lora_r') else 'full fine-tune'}, "
        f"{r['config']['epochs']} epochs, lr {r['config']['lr']}); wall {r['wall_s']} s"
        + (f" on {r['machine']}" if r.get("machine") else "")
        + ".",
        *([f"Command: `{r['command']}`{at}", ""] if r.get("command") else [""]),
        "| condition | "
        + " | ".join(_HEADERS[m] for m in metrics)
        + " | synthetic / in-domain (ROUGE-L) | share of in-domain gain | words per output | outputs looping |",
        "|---|" + "---|" * (len(metrics) + 4),
    ]
    for name, row in r["table"].items():
        cells = [f"{row[m]['mean']:.2f} [{row[m]['ci95'][0]:.2f}, {row[m]['ci95'][1]:.2f}]" for m in metrics]
        ratio = row.get("ratio_to_in_domain_rougeL")
        cells.append(f"{ratio['mean']:.3f} [{ratio['ci95'][0]:.3f}, {ratio['ci95'][1]:.3f}]" if ratio else "")
        cells.append(f"{row['share_of_in_domain_gain']:.3f}" if "share_of_in_domain_gain" in row else "")
        shape = row.get("outputs")
        cells += [f"{shape['words']}", f"{shape['looping']:.1%}"] if shape else ["", ""]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
