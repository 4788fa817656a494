"""The "hivemind" check: do two different small models write more alike on the same spec than one
model does when sampled twice? Renders the same specs with each model twice (render.resample 0/1),
keeps the specs whose dialogue passed the quality bar in every run, and compares MiniLM cosine:

  within-model, same spec   (model A sample 0 vs model A sample 1, and the same for B)
  cross-model, same spec    (A vs B on the same spec, both samples)
  within-model, other specs (baseline: how alike any two dialogues of one model are)
  cross-model, other specs

    python evaluations/hivemind.py --n 24        # embedded SmolLM2-135M vs embedded:gemma3-270m
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def bootstrap(values: np.ndarray, n: int = 1000, seed: int = 0) -> list[float]:
    rng = np.random.default_rng(seed)
    means = [values[rng.integers(0, len(values), len(values))].mean() for _ in range(n)]
    return [round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--models", nargs=2, default=["embedded", "embedded:gemma3-270m"])
    ap.add_argument("--config", type=Path, default=HERE / "configs" / "demo.yaml")
    ap.add_argument("--out", type=Path, default=HERE / "results" / f"{date.today()}-hivemind")
    ap.add_argument("--work", type=Path, default=Path("out/hivemind"))
    a = ap.parse_args()

    from dialoguesynth.backends import make_backend
    from dialoguesynth.config import load_config
    from dialoguesynth.evaluate.data import load_rows, strip_tags
    from dialoguesynth.evaluate.embed import embed
    from dialoguesynth.pipeline import Generator

    runs: dict[tuple[str, int], dict[str, str]] = {}
    summaries = {}
    for model in a.models:
        # the dialogue is what is compared: template plans and no summaries keep the runs short
        base = dict(
            num_dialogues=a.n, seed=a.seed, model__name=model, plan__strategy="template", summary__enabled=False
        )
        backend = make_backend(load_config(a.config, **base))
        try:
            for resample in (0, 1):
                cfg = load_config(a.config, **base, render__resample=resample)
                d = a.work / f"{model.replace(':', '_')}-r{resample}"
                Generator(cfg, backend=backend).run(d)
                rows, summary = load_rows(d)
                runs[(model, resample)] = {r["id"]: strip_tags(r["dialogue"]) for r in rows}
                summaries[f"{model} sample {resample}"] = summary.model_dump(
                    include={"accepted", "requested", "rejected_by_reason"}
                )
        finally:
            backend.close()

    ids = sorted(set.intersection(*(set(v) for v in runs.values())))
    if len(ids) < 4:
        sys.exit(f"hivemind: only {len(ids)} specs passed in all four runs; raise --n")
    keys = list(runs)
    emb = {k: embed([runs[k][i] for i in ids]) for k in keys}
    (m1, _), (m2, _) = keys[0], keys[2]

    def same_spec(x, y):
        return (emb[x] * emb[y]).sum(1)

    def other_specs(x, y):
        sim = emb[x] @ emb[y].T
        return sim[~np.eye(len(ids), dtype=bool)]

    groups = {
        "within-model, same spec": np.r_[same_spec((m1, 0), (m1, 1)), same_spec((m2, 0), (m2, 1))],
        "cross-model, same spec": np.r_[same_spec((m1, 0), (m2, 0)), same_spec((m1, 1), (m2, 1))],
        "within-model, other specs": np.r_[other_specs((m1, 0), (m1, 1)), other_specs((m2, 0), (m2, 1))],
        "cross-model, other specs": np.r_[other_specs((m1, 0), (m2, 0)), other_specs((m1, 1), (m2, 1))],
    }
    per_model = {m: round(float(same_spec((m, 0), (m, 1)).mean()), 4) for m in (m1, m2)}
    res = {
        "date": str(date.today()),
        "command": "python evaluations/hivemind.py " + " ".join(sys.argv[1:]),
        "models": a.models,
        "n_specs": a.n,
        "seed": a.seed,
        "specs_passing_all_runs": len(ids),
        "runs": summaries,
        "mean_cosine": {k: {"mean": round(float(v.mean()), 4), "ci95": bootstrap(v)} for k, v in groups.items()},
        "within_model_same_spec_by_model": per_model,
    }
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "hivemind.json").write_text(json.dumps(res, indent=2))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6))
    names = list(groups)
    means = [res["mean_cosine"][k]["mean"] for k in names]
    err = np.array(
        [[m - res["mean_cosine"][k]["ci95"][0], res["mean_cosine"][k]["ci95"][1] - m] for k, m in zip(names, means)]
    ).T
    ax.bar(range(4), means, yerr=err, color=["C0", "C3", "C0", "C3"], alpha=0.8)
    ax.set_xticks(range(4), [n.replace(", ", "\n") for n in names], fontsize=8)
    ax.set_ylabel("mean MiniLM cosine")
    ax.set_title(f"{m1} vs {m2}: {len(ids)} specs passing in all runs", fontsize=9)
    fig.tight_layout()
    fig.savefig(a.out / "hivemind.png", dpi=100)
    lines = [
        f"`{res['command']}` — {len(ids)} of {a.n} specs passed in all four runs.",
        "",
        "| comparison | mean cosine | 95% CI |",
        "|---|---|---|",
    ]
    lines += [f"| {k} | {v['mean']} | {v['ci95']} |" for k, v in res["mean_cosine"].items()]
    (a.out / "hivemind.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
