"""How often a summary gives a speaker what the other one said: a clause "#PersonN# <verb> ..." whose
content words the dialogue uses only in the other speaker's turns. Exploratory (stop 48): counts on
DialogSum train and on a corpus, to decide whether such a check belongs in the quality bar.

    .venv/bin/python evaluations/history/2026-12-06-speaker-swap/swap.py out/quality-v31 \
        --data-dir ../shared/data/dialogsum --out evaluations/history/2026-12-06-speaker-swap/swap.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # evaluations/, for provenance
from provenance import provenance  # noqa: E402

from dialoguesynth.defects import _content_stems  # noqa: E402
from dialoguesynth.words import stems  # noqa: E402

_TURN = re.compile(r"#(Person[12])#:\s*(.*)")
# a clause with a speaker tag as its subject: the tag opens the summary or a sentence, or follows "and",
# "but", "so" or a comma (not "tells #Person2# ...", not "from #Person2#"), and a word other than "and"
# follows it (its verb), not "#Person1# and #Person2# discuss" (a joint subject); the clause runs to the next
# tag or stop
_CLAUSE = re.compile(
    r"(?:^|[.?!]\s+|,\s+|(?<!#\s)\b(?:and|but|so)\s+)#(Person[12])#\s+(?!and\b|or\b)(\w+)\s+([^.?!#]*)"
)


def speaker_stems(dialogue: str) -> dict[str, set[str]]:
    said: dict[str, list[str]] = {"Person1": [], "Person2": []}
    for line in dialogue.splitlines():
        if m := _TURN.match(line.strip()):
            said[m.group(1)].append(m.group(2))
    return {k: stems(" ".join(v)) for k, v in said.items()}


def swapped(summary: str, dialogue: str, least: int) -> list[str]:
    """Clauses whose subject never says any of the clause's grounded content words (≥ least of them),
    while the other speaker says them all."""
    own = speaker_stems(dialogue)
    out = []
    for m in _CLAUSE.finditer(summary):
        who, rest = m.group(1), m.group(3)
        other = "Person2" if who == "Person1" else "Person1"
        words = _content_stems(rest)
        found = {w for w in words if w in own[who] or w in own[other]}
        if len(found) >= least and not (found & own[who]):
            out.append(m.group(0).strip())
    return out


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
