"""The 20 dialogues of quality-v30's samples.md: v30's summary beside another corpus's (same dialogues).

.venv/bin/python evaluations/history/2026-12-06-summary-floor/side.py out/resum-floor side_by_side.md
"""

import re
import sys

import datasets

SAMPLES = "evaluations/results/2026-12-06-quality-v30/samples.md"
ids = re.findall(r"^## (s13-\d+)", open(SAMPLES).read(), re.M)
a = {r["id"]: r for r in datasets.load_from_disk("out/quality-v30")}
b = {r["id"]: r for r in datasets.load_from_disk(sys.argv[1])}
out = ["# The 20 dialogues of quality-v30's `samples.md`: v30's summary, then the floor arm's\n"]
for i in ids:
    other = b[i]["summary"] if i in b else "(no summary: row dropped)"
    out += [f"## {i}\n", "```", a[i]["dialogue"], "```", f"- v30: {a[i]['summary']}", f"- floor: {other}", ""]
open(sys.argv[2], "w").write("\n".join(out))
