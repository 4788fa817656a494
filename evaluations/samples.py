"""20 seeded-random accepted dialogues of a corpus, unedited, with spec line and summary — the same draw
as `quality_report.py`'s `samples.md` (`dialoguesynth.samples.pick` on the exported dataset), for corpora
published without a full quality report (the ablations of a matrix).

    .venv/bin/python evaluations/samples.py RUN --out DIR/samples-NAME.md [--seed 0] [--k 20]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import datasets

from dialoguesynth.samples import pick, samples_markdown


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path, help="a generate output folder (an exported dataset)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--k", type=int, default=20)
    args = ap.parse_args()
    try:
        ds = datasets.load_from_disk(str(args.run))
    except (FileNotFoundError, ValueError) as e:
        sys.exit(f"samples: {args.run} is not an exported dataset ({e})")
    rows = [ds[i] for i in pick(len(ds), args.k, args.seed)]
    title = f"{len(rows)} random accepted dialogues of `{args.run.name}`"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(samples_markdown(rows, args.seed, title))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
