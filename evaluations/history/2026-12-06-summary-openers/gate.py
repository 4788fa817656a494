"""The gate of rule.md: per corpus, how its summaries open, how grounded and long they are, and 20
seeded-random summaries beside their dialogues to read.

    .venv/bin/python evaluations/history/2026-12-06-summary-openers/gate.py NAME=CORPUS ... --out DIR
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # evaluations/: provenance
from provenance import provenance  # noqa: E402

from dialoguesynth.defects import grounded_share  # noqa: E402
from dialoguesynth.evaluate.data import load_rows  # noqa: E402

STATE = re.compile(r"(?:#Person[12]#|[A-Z][a-z]+) (?:is|are|was|were|has|have|had) ")


def figures(rows: list[dict]) -> dict:
    n = len(rows)
    second = Counter((r["summary"].split() + ["", ""])[1] for r in rows)
    return {
        "n": n,
        "opening_with_a_state": round(sum(bool(STATE.match(r["summary"])) for r in rows) / n, 3),
        "grounded_share": round(sum(grounded_share(r["summary"], r["dialogue"]) for r in rows) / n, 4),
        "words_per_summary": round(sum(len(r["summary"].split()) for r in rows) / n, 1),
        "second_words": dict(second.most_common(12)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpora", nargs="+", help="NAME=PATH")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    res, reading = {**provenance(), "corpora": {}}, []
    for spec in a.corpora:
        name, _, path = spec.partition("=")
        rows, _ = load_rows(Path(path))
        res["corpora"][name] = {"path": path, **figures(rows)}
        for r in random.Random(0).sample(rows, 20):
            reading.append(f"### {name} · {r['id']} · {r['medium']}\n\n```\n{r['dialogue']}\n```\n**{r['summary']}**\n")
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "gate.json").write_text(json.dumps(res, indent=1))
    (a.out / "summaries.md").write_text("\n".join(reading))
    print(json.dumps(res["corpora"], indent=1))


if __name__ == "__main__":
    main()
