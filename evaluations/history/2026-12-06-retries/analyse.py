"""The verdict of rule.md's clause 1 from arms.json, the attempts inside arm B, and reading.md: the
dialogues B accepts at attempt 4 or 5 beside ten of A's accepted ones (seed 0).

    .venv/bin/python evaluations/history/2026-12-06-retries/analyse.py OUT_OF_ARMS
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

from dialoguesynth.evaluate.data import load_rows


def main() -> None:
    out = Path(sys.argv[1])
    res = json.loads((out / "arms.json").read_text())
    arms = res["arms"]
    a, b, a2 = (arms[k] for k in ("A retries 2", "B retries 4", "A' retries 2 again"))
    verdict = {}
    for key in ("accepted_per_min", "accepted_per_min_per_100_gflops"):
        mean_a = (a[key] + a2[key]) / 2
        verdict[key] = {
            "A": a[key],
            "B": b[key],
            "A'": a2[key],
            "B / mean(A, A')": round(b[key] / mean_a, 3),
            "B - mean(A, A')": round(b[key] - mean_a, 4),
            "|A - A'|": round(abs(a[key] - a2[key]), 4),
            "met": b[key] >= 1.05 * mean_a and b[key] - mean_a > abs(a[key] - a2[key]),
        }
    rows = {k: {r["id"]: r for r in load_rows(Path(v["corpus"]))[0]} for k, v in arms.items()}
    by_attempt = Counter(r["attempts"] for r in rows["B retries 4"].values())
    calls = b["dialogue_calls"]
    attempts = [
        {
            "attempt": i + 1,
            "renders": c["requests"],
            "dialogue_engine_s": c["engine_s"],
            "accepted_at_it": by_attempt.get(i + 1, 0),
            "accepted_per_dialogue_engine_s": round(by_attempt.get(i + 1, 0) / c["engine_s"], 3),
        }
        for i, c in enumerate(calls)
    ]
    added = [r for i, r in rows["B retries 4"].items() if r["attempts"] > 3 and i not in rows["A retries 2"]]
    a_rows = sorted(rows["A retries 2"].values(), key=lambda r: r["id"])
    a_sample = random.Random(0).sample(a_rows, min(10, len(a_rows)))
    summary = {
        "verdict_clause_1": verdict,
        "accepted_of_specs": {k: f"{v['accepted']} of {res['n_specs']}" for k, v in arms.items()},
        "B_attempts": attempts,
        "B_added_dialogues": len(added),
    }
    (out / "analysis.json").write_text(json.dumps(summary, indent=1))
    lines = ["# B's dialogues accepted at attempt 4 or 5 (A dead-letters them), then ten of A's (seed 0)", ""]
    for title, group in (("B added", added), ("A, seed 0", a_sample)):
        for r in group:
            lines += [f"## {title}: {r['id']} (attempt {r['attempts']}) — {r['topic']} / {r['subtopic']}", ""]
            lines += [r["dialogue"], "", f"Summary: {r['summary']}", ""]
    (out / "reading.md").write_text("\n".join(lines))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
