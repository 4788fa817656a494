"""Which of k rendered samples to keep? One engine renders k samples of each spec once; selection
rules are then compared on the very same samples (no second run, no sampling noise between arms):

- first: the spec's own seed (what best_of 1 keeps);
- likeliest: the passing sample with the highest mean token log-probability (render.best_of today);
- coherence: the passing sample whose adjacent turns are closest in MiniLM space relative to turns
  further apart (the adjacency gap), less the word overlap of adjacent turns (echoing the last turn
  is not answering it).

The coherence rule optimises the figure `evaluate` reports as coherence, so that figure cannot judge
it; blind.md pairs the first and the coherence pick of 20 specs in random order for a reader, and
AUC vs DialogSum, on-topic and echo are reported beside.

    .venv/bin/python evaluations/critic_arms.py --n 96 --k 4 --out evaluations/results/DATE-critic
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

import numpy as np
from provenance import provenance

from dialoguesynth.config import load_config
from dialoguesynth.evaluate.data import load_rows
from dialoguesynth.evaluate.embed import embed
from dialoguesynth.evaluate.layers import adjacency_gap, coherence, on_topic
from dialoguesynth.evaluate.realism import c2st_auc
from dialoguesynth.parsing import flatten, strip_tags
from dialoguesynth.pipeline import Generator
from dialoguesynth.stages.base import candidate_seeds
from dialoguesynth.stages.dialogue import DialogueStage
from dialoguesynth.stages.plan import template_plan

HERE = Path(__file__).resolve().parent
_WORD = re.compile(r"[a-z']+")


def echo(turns: list[str]) -> float:
    """Mean Jaccard overlap of the word sets of adjacent turns."""
    sets = [set(_WORD.findall(t.lower())) for t in turns]
    pairs = [len(a & b) / len(a | b) for a, b in zip(sets, sets[1:]) if a | b]
    return float(np.mean(pairs)) if pairs else 0.0


def render(cfg_path: Path | None, n: int, k: int, seed: int) -> tuple[list[dict], dict]:
    cfg = load_config(cfg_path, num_dialogues=n, seed=seed)
    gen = Generator(cfg, progress=False)
    stage = DialogueStage(cfg, gen.pool)
    specs = list(gen.specs(n=n))
    items = [(s, template_plan(s, cfg)) for s in specs]
    seeds = [candidate_seeds(stage.seed(it, 0), k) for it in items]
    requests = [
        stage.request(it, sd).model_copy(update={"logprobs": True}) for it, group in zip(items, seeds) for sd in group
    ]
    backend = gen.backend
    t = time.monotonic()
    completions = backend.generate(requests)
    gen_s = time.monotonic() - t
    backend.close()
    rows = []
    for j, (it, group) in enumerate(zip(items, seeds)):
        cands = []
        for c, sd in zip(completions[j * k : (j + 1) * k], group):
            turns, reason = stage.parse(it, c)
            cands.append(
                {
                    "seed": sd,
                    "reason": reason,
                    "logprob": c.logprob,
                    "dialogue": flatten(turns) if reason is None else c.text,
                    "turns": [t.text for t in turns] if reason is None else [],
                }
            )
        rows.append({"spec": it[0].id, "subtopic": it[0].context.subtopic, "candidates": cands})
    return rows, {"render_s": round(gen_s, 1), "requests": len(requests)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=None, help="generator config (default: the defaults)")
    ap.add_argument("--n", type=int, default=96)
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--echo-weight", type=float, default=1.0, help="coherence rule: gap - w * adjacent overlap")
    ap.add_argument("--reference", type=Path, default=Path("../shared/data/dialogsum/dev.jsonl"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cache = args.out / "candidates.json"
    if cache.exists():
        saved = json.loads(cache.read_text())
        rows, cost = saved["rows"], saved["cost"]
    else:
        rows, cost = render(args.config, args.n, args.k, args.seed)
        cache.write_text(json.dumps({"rows": rows, "cost": cost}))

    passing = [c for r in rows for c in r["candidates"] if c["reason"] is None]
    flat = [t for c in passing for t in c["turns"]]
    emb = embed(flat)
    i = 0
    for c in passing:
        e = emb[i : i + len(c["turns"])]
        i += len(c["turns"])
        c["gap"], c["echo"] = adjacency_gap(e) if len(e) >= 3 else 0.0, echo(c["turns"])
        c["critic"] = c["gap"] - args.echo_weight * c["echo"]

    rules = {
        "first": lambda cs: cs[0] if cs[0]["reason"] is None else None,
        "likeliest": lambda cs: max(
            (c for c in cs if c["reason"] is None), key=lambda c: c["logprob"] or float("-inf"), default=None
        ),
        "coherence": lambda cs: max((c for c in cs if c["reason"] is None), key=lambda c: c["critic"], default=None),
    }
    ref_rows = random.Random(0).sample(load_rows(args.reference)[0], 200)
    ref_emb = embed([strip_tags(r["dialogue"]) for r in ref_rows])
    results, picks = {}, {}
    for name, rule in rules.items():
        chosen = [(r, rule(r["candidates"])) for r in rows]
        chosen = [(r, c) for r, c in chosen if c is not None]
        picks[name] = {r["spec"]: c for r, c in chosen}
        texts = [c["dialogue"] for _, c in chosen]
        demb = embed([strip_tags(t) for t in texts])
        auc, sd = c2st_auc(demb, ref_emb)
        results[name] = {
            "accepted": len(chosen),
            "coherence_gap": coherence(texts),
            "echo_adjacent_overlap": round(float(np.mean([c["echo"] for _, c in chosen])), 3),
            "on_topic": on_topic(demb, [r["subtopic"] for r, _ in chosen]),
            "auc_vs_dialogsum": [round(auc, 3), round(sd, 3)],
        }
    results["reference_echo_adjacent_overlap"] = round(
        float(np.mean([echo([t.split(":", 1)[-1] for t in r["dialogue"].splitlines()]) for r in ref_rows])), 3
    )

    # blind pairs: first vs coherence where they differ, A/B order random; the key in blind_key.json
    rng = random.Random(1)
    coh = picks["coherence"]
    differ = [s for s, c in picks["first"].items() if s in coh and c["seed"] != coh[s]["seed"]]
    chosen_specs = rng.sample(differ, min(20, len(differ)))
    key, lines = {}, ["# Blind pairs: which dialogue would you keep?", ""]
    sub = {r["spec"]: r["subtopic"] for r in rows}
    for n, s in enumerate(chosen_specs, 1):
        pair = [("first", picks["first"][s]), ("coherence", picks["coherence"][s])]
        rng.shuffle(pair)
        key[n] = [p[0] for p in pair]
        lines += [f"## {n}. {sub[s]}", ""]
        for label, (_, c) in zip("AB", pair):
            lines += [f"**{label}**", "", "```", c["dialogue"], "```", ""]
    (args.out / "blind.md").write_text("\n".join(lines))
    (args.out / "blind_key.json").write_text(json.dumps(key, indent=1))
    out = {"results": results, "cost": cost, "n_specs": len(rows), "k": args.k, "echo_weight": args.echo_weight}
    out["provenance"] = provenance()
    out["pairs_that_differ"] = len(differ)
    (args.out / "results.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out["results"], indent=1))


if __name__ == "__main__":
    main()
