"""How strict is the quality bar on REAL dialogues? Runs the spec-free checks of
dialoguesynth/checks.py over DialogSum train and prints the rejection rate by reason and the
quantiles of the repetition statistics (thresholds should reject almost no real dialogue).

    .venv/bin/python evaluations/calibrate_checks.py [--data ../shared/data/dialogsum/train.jsonl]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from dialoguesynth.checks import check_dialogue, repeated_trigram_fraction
from dialoguesynth.config import ChecksConfig
from dialoguesynth.parsing import parse_dialogue
from dialoguesynth.sampling.exemplars import load_reference


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/dialogsum/train.jsonl")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "checks-calibration.json"))
    args = ap.parse_args()
    rows = load_reference(args.data)
    cfg = ChecksConfig()
    reasons, rep = Counter(), []
    for r in rows:
        turns, reason = parse_dialogue(r.dialogue, opener="")
        reasons[reason or check_dialogue(turns, "stop", None, cfg) or "pass"] += 1
        rep.append(repeated_trigram_fraction(turns))
    q = dict(zip(["p50", "p90", "p99", "p99.9", "max"], np.quantile(rep, [0.5, 0.9, 0.99, 0.999, 1]).round(4).tolist()))
    result = {"data": args.data, "n": len(rows), "checks": json.loads(cfg.model_dump_json()),
              "outcome": dict(reasons.most_common()), "pass_rate": round(reasons["pass"] / len(rows), 4),
              "repeated_trigram_fraction_quantiles": q,
              "command": ".venv/bin/python evaluations/calibrate_checks.py"}
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
