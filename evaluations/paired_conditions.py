"""Each condition of a benchmark result against one of them (by default `synthetic: full`), paired: the
same test items and the same fine-tuning seeds, so the difference of their scores has a much narrower
interval than either score alone. ROUGE-L and MiniLM cosine per item are recomputed from the result's
predictions.jsonl with the benchmark's own scorer (`dialoguesynth.benchmark.score.item_scores`); the
interval is a bootstrap over items and seeds, the same draws for both sides.

    PYTHONPATH=.:evaluations .venv/bin/python evaluations/paired_conditions.py RESULT_DIR \
        --test ../shared/data/dialogsum/test.jsonl --out RESULT_DIR/paired.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from provenance import provenance

from dialoguesynth.benchmark.data import test_items
from dialoguesynth.benchmark.score import bootstrap_ci, item_scores
from dialoguesynth.errors import ConfigError

METRICS = ("rougeL", "embedding_cosine")


def paired_ci(a: np.ndarray, b: np.ndarray, n_boot: int = 2000) -> tuple[float, float, float]:
    """mean(a - b) over seeds × items, with the benchmark's own bootstrap (seeds and items resampled) of
    the per-item differences: the same draws for both sides."""
    return bootstrap_ci(list(a - b), n_boot=n_boot)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result", type=Path, help="a benchmark result folder (benchmark.json, predictions.jsonl)")
    ap.add_argument("--against", default="synthetic: full")
    ap.add_argument("--test", type=Path, default=Path("../shared/data/dialogsum/test.jsonl"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    try:
        bench = json.loads((args.result / "benchmark.json").read_text())
        lines = (args.result / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
        refs = {t.id: t.references for t in test_items(args.test, 10**9)}
    except (OSError, ConfigError) as e:
        sys.exit(f"paired_conditions: {e}")
    preds: dict[str, dict[int, dict[str, str]]] = defaultdict(dict)
    for row in map(json.loads, lines):
        preds[row["condition"]].setdefault(row["seed"], {})[row["id"]] = row["prediction"]
    if args.against not in preds:
        sys.exit(f"paired_conditions: no condition {args.against!r} in {sorted(preds)}")
    ids = sorted(next(iter(preds[args.against].values())))
    seeds = sorted(preds[args.against])
    scores: dict[str, dict[str, np.ndarray]] = {}
    for name, by_seed in preds.items():
        if sorted(by_seed) != seeds:  # zero-shot: one pass, no seeds to pair with
            continue
        per_seed = [item_scores([by_seed[s][i] for i in ids], [refs[i] for i in ids]) for s in seeds]
        scores[name] = {m: np.stack([p[m] for p in per_seed]) for m in METRICS}
        print(f"scored {name}", flush=True)
    base = scores[args.against]
    rows = {}
    for name, sc in scores.items():
        if name == args.against:
            continue
        rows[name] = {}
        for m in METRICS:
            mean, lo, hi = paired_ci(sc[m], base[m])
            k = 100 if m == "embedding_cosine" else 1  # cosine in hundredths, as ROUGE is in points
            rows[name][m] = {"difference": round(k * mean, 3), "ci95": [round(k * lo, 3), round(k * hi, 3)]}
            rows[name][m]["items_better"] = int(((sc[m] - base[m]).mean(axis=0) > 0).sum())
        print(f"{name:28s} ROUGE-L {rows[name]['rougeL']['difference']:+.2f} {rows[name]['rougeL']['ci95']}")
    result = {
        **provenance(),
        "benchmark_commit": bench.get("commit"),
        "against": args.against,
        "seeds": seeds,
        "test_items": len(ids),
        "unit": "ROUGE-L in points; MiniLM cosine × 100; items_better: items whose seed-mean score is higher",
        "difference_from_against": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
