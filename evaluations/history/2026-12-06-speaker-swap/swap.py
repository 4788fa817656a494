"""How often a summary gives a speaker what the other one said: a clause "#PersonN# <verb> ..." whose
content words the dialogue uses only in the other speaker's turns. Exploratory (stop 48): counts on
DialogSum train and on a corpus, to decide whether such a check belongs in the quality bar.

    .venv/bin/python evaluations/history/2026-12-06-speaker-swap/swap.py out/quality-v31 \
        --data-dir ../shared/data/dialogsum --out evaluations/history/2026-12-06-speaker-swap/swap.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # evaluations/, for provenance
from provenance import provenance  # noqa: E402

# the clause measure is the quality bar's own (summary_speaker_swap, from quality-v32.patch); at least 3 it
# is the check, at 1 and 2 looser views of the same thing
from dialoguesynth.defects import swapped_clauses as swapped  # noqa: E402


def rate(rows: list[tuple[str, str, str]], least: int) -> tuple[float, list]:
    hits = [(i, s, c) for i, d, s in rows if (c := swapped(s, d, least))]
    return round(len(hits) / max(len(rows), 1), 4), hits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data/dialogsum"))
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    real = [json.loads(x) for x in (a.data_dir / "train.jsonl").open()]
    real_rows = [(r.get("fname", str(k)), r["dialogue"], r["summary"]) for k, r in enumerate(real)]
    ours = [json.loads(x) for x in (a.corpus / "dialogues.jsonl").open()]
    our_rows = [(r["id"], r["dialogue"], r["summary"]) for r in ours]
    res = {**provenance(), "n": {"dialogsum_train": len(real_rows), a.corpus.name: len(our_rows)}, "by_least": {}}
    for least in (1, 2, 3):
        rr, rh = rate(real_rows, least)
        cr, ch = rate(our_rows, least)
        res["by_least"][least] = {
            "dialogsum_train": rr,
            a.corpus.name: cr,
            "dialogsum_examples": [{"id": i, "summary": s, "clauses": c} for i, s, c in rh[:8]],
            "corpus_flagged": [{"id": i, "summary": s, "clauses": c} for i, s, c in ch],
        }
        print(f"least {least}: DialogSum train {rr:.2%}, {a.corpus.name} {cr:.2%} ({len(ch)})")
    a.out.write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
