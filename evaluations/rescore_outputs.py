"""Recompute a benchmark result's `outputs` columns (words per output, share looping) from its
predictions.jsonl with the current code, without re-training: for when the output test changes.

    .venv/bin/python evaluations/rescore_outputs.py evaluations/results/DATE-matrix
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from provenance import provenance

from dialoguesynth.benchmark.run import output_shape, to_markdown


def main() -> None:
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "predictions.jsonl").is_file():
        sys.exit("usage: rescore_outputs.py RESULT_DIR (a benchmark result folder with predictions.jsonl)")
    out = Path(sys.argv[1])
    result = json.loads((out / "benchmark.json").read_text())
    preds: dict[str, list[str]] = defaultdict(list)
    for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        preds[row["condition"]].append(row["prediction"])
    missing = set(result["table"]) - set(preds)
    if missing:
        sys.exit(f"predictions.jsonl has no outputs of {sorted(missing)}")
    changed = {}
    for name, row in result["table"].items():
        new = output_shape(preds[name])
        if new != row.get("outputs"):
            changed[name] = {"before": row.get("outputs"), "after": new}
        row["outputs"] = new
    result["outputs_rescored"] = {**provenance(), "changed": changed}
    (out / "benchmark.json").write_text(json.dumps(result, indent=2))
    (out / "benchmark.md").write_text(to_markdown(result))
    print(json.dumps(changed, indent=1))


if __name__ == "__main__":
    main()
