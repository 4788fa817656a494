"""v32's summary check previewed on v31's dialogues: v31's summaries against those written again with
the v32 patch's summary stage (`resummarize.py` from a worktree with the patch applied). Exploratory.

    # in a worktree with evaluations/rules/quality-v32.patch applied (here: branch v32 at its patch commit)
    PYTHONPATH=$WT:$WT/evaluations python $WT/evaluations/resummarize.py out/quality-v31 --out /tmp/s48/preview/v32sum
    .venv/bin/python evaluations/history/2026-12-06-speaker-swap/preview.py out/quality-v31 /tmp/s48/preview/v32sum \
        --out evaluations/history/2026-12-06-speaker-swap/preview.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import datasets

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))  # evaluations/, for provenance
from provenance import provenance  # noqa: E402
from swap import rate  # noqa: E402

from dialoguesynth.defects import grounded_share  # noqa: E402

_ASKS = re.compile(r"#(Person[12])# (?:asks|wants|complains)")


def figures(rows: list[tuple[str, str, str]]) -> dict:
    n = len(rows)
    opens = [m.group(1) for _, _, s in rows if (m := _ASKS.match(s))]
    return {
        "n": n,
        "swapped_by_least": {k: rate(rows, k)[0] for k in (1, 2, 3)},
        "grounded_share": round(sum(grounded_share(s, d) for _, d, s in rows) / n, 4),
        "words_per_summary": round(sum(len(s.split()) for _, _, s in rows) / n, 2),
        "opening_asks_wants_complains": {p: opens.count(p) for p in ("Person1", "Person2")},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path, help="the corpus (dialogues.jsonl)")
    ap.add_argument("after", type=Path, help="resummarize.py's output (a saved dataset)")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    old = {r["id"]: r for r in map(json.loads, (a.before / "dialogues.jsonl").open())}
    new = [(r["id"], r["dialogue"], r["summary"]) for r in datasets.load_from_disk(str(a.after))]
    before = [(i, old[i]["dialogue"], old[i]["summary"]) for i, _, _ in new]
    changed = [{"id": i, "before": old[i]["summary"], "after": s} for i, _, s in new if old[i]["summary"] != s]
    res = {**provenance(), "before": figures(before), "after": figures(new), "changed": changed}
    a.out.write_text(json.dumps(res, indent=1) + "\n")
    print(json.dumps({k: res[k] for k in ("before", "after")}), f"changed {len(changed)}")


if __name__ == "__main__":
    main()
