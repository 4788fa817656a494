"""The README's counts not made by gate.py or analyse.py: per corpus, summaries identical to the first
corpus's, words per summary, a state sentence anywhere, grounded share, and dialogues with 5+ dots.

    .venv/bin/python evaluations/history/2026-12-06-retries/counts.py share=DIR net=DIR t07=DIR A=DIR --out counts.json
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

from dialoguesynth.defects import grounded_share
from dialoguesynth.evaluate.data import load_rows

STATE = re.compile(r"(?:#Person[12]#|[A-Z][a-z]+) (?:is|are|was|were|has|have|had) ")  # as gate.py's
DOTS = re.compile(r"\.{5,}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpora", nargs="+", help="NAME=DIR; summaries are compared with the first")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    named = [c.split("=", 1) for c in a.corpora]
    rows = {name: {r["id"]: r for r in load_rows(Path(path))[0]} for name, path in named}
    first = rows[named[0][0]]
    out = {}
    for name, rs in rows.items():
        summaries = [r["summary"] for r in rs.values()]
        out[name] = {
            "n": len(rs),
            "summaries identical to " + named[0][0]: sum(
                first.get(i, {}).get("summary") == r["summary"] for i, r in rs.items()
            ),
            "words per summary": round(statistics.mean(len(s.split()) for s in summaries), 2),
            "a state sentence anywhere": round(sum(bool(STATE.search(s)) for s in summaries) / len(rs), 3),
            "grounded share": round(
                statistics.mean(grounded_share(r["summary"], r["dialogue"]) for r in rs.values()), 4
            ),
            "dialogues with 5+ dots in a row": sum(bool(DOTS.search(r["dialogue"])) for r in rs.values()),
        }
    a.out.write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
