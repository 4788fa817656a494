"""Before building "turns 2 and 3 free of slots": the issue's layer probes (presence_c10, fold seeds 0-4) on
a corpus as made and with every forced phrase of the chosen turns cut from its turn (as
`opener_coherence.body` cuts it) — what the probes keep if those phrases were simply not there.

    PYTHONPATH=.:evaluations .venv/bin/python evaluations/history/2026-12-07-free-turns-2-3/cut.py \
        out/quality-v37 --turns 2,3 --out DIR/cut-v37.json
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from opener_coherence import body, turn_labels
from provenance import provenance

from dialoguesynth.evaluate.layers import text_probe
from dialoguesynth.evaluate.report import PROBE_FIELDS
from dialoguesynth.spec import Record
from dialoguesynth.stages.realise import load_realisation
from dialoguesynth.store import read_rows

FIELDS = ("emotion_person1", "formality", "speech_features_asked", "medium", "topic")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--turns", default="2,3", help="1-based turn positions whose forced phrases are cut")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    cut_at = {int(t) - 1 for t in args.turns.split(",")}
    cat = load_realisation(None)
    rows = {r["id"]: r for r in map(json.loads, (args.corpus / "dialogues.jsonl").open())}
    records, _ = read_rows(args.corpus / "run" / "records.jsonl", Record)
    full, cut, kept, lost = [], [], [], Counter()
    for r in records:
        if r.spec.id not in rows:
            continue
        ts, labels, forced = turn_labels(r, cat)
        out = []
        for k, (t, label, f) in enumerate(zip(ts, labels, forced)):
            if k in cut_at and f:
                t = body(t, f)
                lost[label] += 1
            out.append(t)
        full.append("\n".join(ts))
        cut.append("\n".join(out))
        kept.append(rows[r.spec.id])
    probes = {}
    for field in FIELDS:
        ys = [PROBE_FIELDS[field](r) for r in kept]
        probes[field] = {
            name: round(sum(text_probe(texts, ys, s, probe="presence_c10")["above_chance"] for s in range(5)) / 5, 4)
            for name, texts in (("as_made", full), ("cut", cut))
        }
    result = {
        **provenance(),
        "corpus": args.corpus.name,
        "dialogues": len(kept),
        "turns_cut": sorted(k + 1 for k in cut_at),
        "phrases_cut_by_slot": dict(lost),
        "above_chance": probes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    for field, v in probes.items():
        print(f"{field:24s} as made {v['as_made']:+.4f}  cut {v['cut']:+.4f}")


if __name__ == "__main__":
    main()
