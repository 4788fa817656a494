"""20 seeded-random dialogues both corpora hold, each with the two summaries, labelled, to read
(`side_by_side.md` was written at 0976b4c, which also printed the net score of `net.patch`).

.venv/bin/python evaluations/history/2026-12-06-retries/side.py share=DIR net=DIR --out side_by_side.md
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from dialoguesynth.defects import grounded_share
from dialoguesynth.evaluate.data import load_rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpora", nargs=2, help="NAME=DIR")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    names, rows = [], []
    for c in a.corpora:
        name, path = c.split("=", 1)
        names.append(name)
        rows.append({r["id"]: r for r in load_rows(Path(path))[0]})
    both = sorted(set(rows[0]) & set(rows[1]))
    pick = sorted(random.Random(a.seed).sample(both, min(a.n, len(both))))
    lines = [f"# {len(pick)} dialogues (seed {a.seed}) with the summary of {names[0]}, then {names[1]}", ""]
    for i in pick:
        d = rows[0][i]["dialogue"]
        lines += [f"## {i} — {rows[0][i]['subtopic']}", "", d, ""]
        for name, r in zip(names, rows):
            s = r[i]["summary"]
            lines.append(f"- **{name}** (grounded share {grounded_share(s, d):.2f}, {len(s.split())} words): {s}")
        lines.append("")
    a.out.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
