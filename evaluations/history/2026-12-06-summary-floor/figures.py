"""Words, sentences, state sentences ('X is/are/has ...' anywhere) and grounded share of two corpora's
summaries, and DialogSum train's, as figures.json.

    .venv/bin/python evaluations/history/2026-12-06-summary-floor/figures.py out/quality-v30 out/resum-floor
"""

import json
import re
import sys
from pathlib import Path

import datasets

from dialoguesynth.defects import grounded_share

STATE = re.compile(r"(?:#Person[12]#|[A-Z][a-z]+|They|He|She) (?:is|are|was|were|has|have|had) ")


def figures(summaries: list[str], dialogues: list[str] | None) -> dict:
    n = len(summaries)
    out = {
        "n": n,
        "words": round(sum(len(x.split()) for x in summaries) / n, 1),
        "sentences": round(sum(len(re.findall(r"[.!?](?:\s|$)", x)) for x in summaries) / n, 2),
        "state_sentence_anywhere": round(sum(bool(STATE.search(x)) for x in summaries) / n, 3),
    }
    if dialogues:
        out["grounded_share"] = round(sum(grounded_share(s, d) for s, d in zip(summaries, dialogues)) / n, 4)
    return out


res = {}
for path in sys.argv[1:]:
    rows = datasets.load_from_disk(path)
    res[Path(path).name] = figures(rows["summary"], rows["dialogue"])
real = [json.loads(x)["summary"] for x in open("/work/shared/data/dialogsum/train.jsonl")]
res["dialogsum-train"] = figures(real, None)
Path(__file__).with_name("figures.json").write_text(json.dumps(res, indent=1))
print(json.dumps(res))
