"""Optional LLM judge: rubric prompts (files in prompts/judge/) scored 1-3 with any backend,
guided to a single digit. DiaSynth's criteria plus persona consistency."""

from __future__ import annotations

from collections import Counter

from ..backends import Backend, Completion, GenRequest
from ..prompts import render
from ..stages.base import Stage, StageRunner

CRITERIA = ("naturalness", "coherence", "engagingness", "persona_consistency")


class JudgeStage(Stage[tuple[dict, str]]):
    name = "judge"

    def key(self, item) -> int:
        return hash(item[1]) & 0xFFFF

    def request(self, item, seed: int) -> GenRequest:
        row, criterion = item
        fields = {"dialogue": row["dialogue"]}
        if criterion == "persona_consistency":
            fields.update(
                persona1=", ".join(row.get("p1_descriptors") or []) or "no particular traits",
                persona2=", ".join(row.get("p2_descriptors") or []) or "no particular traits",
            )
        return GenRequest(
            prompt=render("judge", criterion, **fields), max_tokens=2, temperature=0.0, seed=seed, regex=r" [123]"
        )

    def parse(self, item, completion: Completion):
        text = completion.text.strip()[:1]
        return (int(text), None) if text in ("1", "2", "3") else (None, "no_score")


def judge(rows: list[dict], backend: Backend) -> dict:
    """Mean score and distribution per criterion (persona consistency only where personas exist)."""
    items = [
        (r, c) for r in rows for c in CRITERIA if c != "persona_consistency" or r.get("p1_descriptors") is not None
    ]
    outcomes = StageRunner(backend, max_attempts=2).run(JudgeStage(), items)
    out = {}
    for c in CRITERIA:
        scores = [o.value for (_, crit), o in zip(items, outcomes) if crit == c and o.reason is None]
        if scores:
            out[c] = {
                "mean": round(sum(scores) / len(scores), 3),
                "n": len(scores),
                "distribution": dict(sorted(Counter(scores).items())),
            }
    return out
