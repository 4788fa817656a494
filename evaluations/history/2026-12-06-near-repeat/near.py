"""Summaries that say a sentence nearly twice: two sentences whose content-word stems mostly coincide
(the shorter's share in the other >= SHARE, each with >= 3), per corpus and per bound.

    .venv/bin/python evaluations/history/2026-12-06-near-repeat/near.py FILE.jsonl ...
"""

from __future__ import annotations

import json
import sys

from dialoguesynth.defects import _SENTENCE, _content_stems


def near(summary: str, share: float, least: int = 3) -> tuple[str, str] | None:
    sents = [s for s in _SENTENCE.findall(summary) if s.strip()]
    st = [_content_stems(s) for s in sents]
    for i, a in enumerate(st):
        for j in range(i + 1, len(st)):
            b = st[j]
            if len(a) >= least and len(b) >= least and len(a & b) / min(len(a), len(b)) >= share:
                return sents[i].strip(), sents[j].strip()
    return None


for share in (0.6, 0.75, 0.9):
    for path in sys.argv[1:]:
        summaries = [json.loads(line)["summary"] for line in open(path)]
        hits = [h for s in summaries if (h := near(s, share))]
        print(f"share >= {share} {path}: {len(hits)}/{len(summaries)} = {100 * len(hits) / len(summaries):.2f} %")
        for h in hits[:3]:
            print("   ", h)
