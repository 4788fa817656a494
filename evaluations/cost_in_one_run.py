"""Issue 14's cost figure in one run: accepted dialogues per minute of the code the issue was filed
against and of this checkout, one `generate` after the other on the same machine, each from its own
tree with its own `evaluations/configs/demo.yaml` (the issue counted "460 specs of the demo config,
seed 11"), a matmul probe before each so a machine that slows down between the arms shows.

Both corpora are then held to TODAY's quality bar (`evaluate`'s `defects_among_passing`: every
dialogue and summary check, against DialogSum train's vocabulary), so the figure a reader cares about,
accepted dialogues per minute that today's bar passes, is compared like for like. Exemplar summaries
are not looked up for either arm (the old rows' specs do not parse as today's), which can only make the
summary checks laxer, the same for both.

    .venv/bin/python evaluations/cost_in_one_run.py --baseline /work/base --specs 160 --seed 11 \\
        --reference ../shared/data/dialogsum/train.jsonl --out evaluations/results/DATE-cost-issue14
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_throughput import matmul_probe, run_measured
from provenance import provenance

from dialoguesynth.evaluate.data import load_rows
from dialoguesynth.evaluate.layers import defects
from dialoguesynth.words import vocabulary_of

ROOT = Path(__file__).resolve().parent.parent


def commit_of(tree: Path) -> str:
    return subprocess.run(["git", "-C", str(tree), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


def arm(name: str, tree: Path, work: Path, specs: int, seed: int, dtype: str) -> dict:
    """One `generate` of the tree's demo config, run by that tree's code, timed with its whole process tree."""
    out = work / name
    gflops = matmul_probe(dtype)
    config = tree / "evaluations/configs/demo.yaml"
    cmd = [str(tree / ".venv/bin/dialoguesynth"), "generate", "-c", str(config), "-n", str(specs), "--seed", str(seed)]
    cmd += ["-o", str(out), "--no-progress"]
    print(f"[{name}] {tree} at {commit_of(tree)[:7]}: {specs} specs, seed {seed}", flush=True)
    # from the tree: each config's relative reference path resolves as it did for its own users
    here = Path.cwd()
    os.chdir(tree)
    try:
        r = run_measured(cmd, env={"PYTHONPATH": str(tree)})
    finally:
        os.chdir(here)
    rows, _ = load_rows(out)
    return {
        "tree": str(tree),
        "commit": commit_of(tree),
        "matmul_before_gflops": gflops,
        "wall_s": round(r["wall_s"], 1),
        "peak_rss_gb": r["peak_rss_gb"],
        "specs": specs,
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="a checkout of the issue's code (its own .venv)")
    ap.add_argument("--specs", type=int, default=120)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--reference", type=Path, required=True, help="DialogSum train: the bar's vocabulary")
    ap.add_argument("--dtype", default="float32", help="the matmul probe's dtype")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.baseline, args.reference = args.baseline.resolve(), args.reference.resolve()
    for tree in (args.baseline, ROOT):
        if not (tree / "evaluations/configs/demo.yaml").is_file() or not (tree / ".venv/bin/dialoguesynth").exists():
            sys.exit(f"cost_in_one_run: {tree} has no evaluations/configs/demo.yaml or .venv (make install there)")
    if not args.reference.is_file():
        sys.exit(f"cost_in_one_run: no reference file {args.reference}")
    ref_rows, _ = load_rows(args.reference)
    vocabulary = vocabulary_of(r["dialogue"] for r in ref_rows)
    work = Path(tempfile.mkdtemp(prefix="cost-"))
    res: dict = {**provenance(), "specs": args.specs, "seed": args.seed, "work": str(work), "arms": {}}
    for name, tree in (("issue baseline", args.baseline), ("today", ROOT)):
        a = arm(name.replace(" ", "-"), tree, work, args.specs, args.seed, args.dtype)
        rows = [{k: v for k, v in r.items() if k != "spec_json"} for r in a.pop("rows")]
        bar = defects(rows, vocabulary)
        minutes = a["wall_s"] / 60
        # `defects` reports a rate (4 decimals) and reasons, not a count: rate × n is exact below 5,000 rows
        clean = len(rows) - round(bar["rate"] * bar["n"])
        res["arms"][name] = {
            **a,
            "accepted": len(rows),
            "accepted_per_min": round(len(rows) / minutes, 2),
            "todays_bar": bar,
            "passing_todays_bar": clean,
            "passing_todays_bar_per_min": round(clean / minutes, 2),
        }
        print(json.dumps({k: v for k, v in res["arms"][name].items() if k != "todays_bar"}), flush=True)
    old, new = res["arms"]["issue baseline"], res["arms"]["today"]
    res["ratio_accepted_per_min"] = round(new["accepted_per_min"] / old["accepted_per_min"], 3)
    res["ratio_passing_todays_bar_per_min"] = round(
        new["passing_todays_bar_per_min"] / max(old["passing_todays_bar_per_min"], 1e-9), 3
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cost.json").write_text(json.dumps(res, indent=2) + "\n")
    print(f"wrote {args.out / 'cost.json'}")


if __name__ == "__main__":
    main()
