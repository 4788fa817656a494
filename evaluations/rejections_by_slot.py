"""Which context slots the rejected specs of a run asked for: per value of each slot (speech feature,
medium, formality, Person1's mood, target turns), how many specs were accepted and rejected, the reject
share, and the rejection reasons of the specs that asked for it — where the quality bar's rejections come
from, read from the run's own `run/records.jsonl` and `run/rejected.jsonl`.

    .venv/bin/python evaluations/rejections_by_slot.py RUN [RUN ...] --out F
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from provenance import provenance

from dialoguesynth.spec import ConversationSpec, Rejected
from dialoguesynth.store import RunStore


def slot_values(spec: ConversationSpec) -> list[tuple[str, str]]:
    """(slot, value) pairs of one spec; a spec with no speech feature counts under 'none'."""
    c = spec.context
    turns = "4-8" if c.target_turns <= 8 else "9-12" if c.target_turns <= 12 else "13+"
    pairs = [("speech feature", f) for f in (c.speech_features or ["none"])]
    return pairs + [("medium", c.medium), ("formality", c.formality), ("mood 1", c.emotion[0]), ("turns", turns)]


def table(run: Path) -> dict:
    store = RunStore(run)
    if not store.records_path.is_file():
        sys.exit(f"rejections_by_slot: {run} has no run/records.jsonl (not a generate output folder)")
    accepted = [r.spec for r in store.records(repair=False)]
    rejected: list[Rejected] = store.rejected(repair=False)
    counts: dict = defaultdict(lambda: {"accepted": 0, "rejected": 0, "reasons": Counter()})
    for spec in accepted:
        for key in slot_values(spec):
            counts[key]["accepted"] += 1
    for r in rejected:
        for key in slot_values(r.spec):
            counts[key]["rejected"] += 1
            counts[key]["reasons"][r.reason] += 1
    out: dict = defaultdict(dict)
    for (slot, value), c in sorted(counts.items()):
        n = c["accepted"] + c["rejected"]
        out[slot][value] = {
            "specs": n,
            "rejected": c["rejected"],
            "reject_share": round(c["rejected"] / n, 3),
            "reasons": dict(c["reasons"].most_common(5)),
        }
    return {"accepted": len(accepted), "rejected": len(rejected), "by_slot": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", type=Path, nargs="+", help="generate output folders")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    res = {**provenance(), "runs": {run.name: table(run) for run in args.runs}}
    for name, t in res["runs"].items():
        print(f"{name}: {t['accepted']} accepted, {t['rejected']} rejected")
        for value, c in t["by_slot"]["speech feature"].items():
            share = f"{c['rejected']:>3} of {c['specs']:>3} rejected ({c['reject_share']:.0%})"
            print(f"  {value:<14} {share}  {c['reasons']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
