"""Before a run: the layer probes (presence_c10, fold seeds 0-4) on a corpus as made, and with every phrase
of the named slot fields after the first cut from its turn (as `opener_coherence.body` cuts it).

    PYTHONPATH=.:evaluations .venv/bin/python evaluations/history/2026-12-07-mood-once/sim.py \
        out/quality-v35 emotion,formality
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, "evaluations")
from opener_coherence import body, turn_labels

from dialoguesynth.evaluate.layers import text_probe
from dialoguesynth.evaluate.report import PROBE_FIELDS
from dialoguesynth.spec import Record
from dialoguesynth.stages.realise import load_realisation
from dialoguesynth.store import read_rows

corpus = Path(sys.argv[1])
thin = sys.argv[2].split(",")
cat = load_realisation(None)
rows = {r["id"]: r for r in map(json.loads, open(corpus / "dialogues.jsonl"))}
recs, _ = read_rows(corpus / "run" / "records.jsonl", Record)
full, cut, R = [], [], []
for r in recs:
    if r.spec.id not in rows:
        continue
    ts, labels, forced = turn_labels(r, cat)
    seen = set()
    out = []
    for t, lab, f in zip(ts, labels, forced):
        if lab in thin and lab in seen:
            t = body(t, f)
        seen.add(lab)
        out.append(t)
    full.append("\n".join(ts))
    cut.append("\n".join(out))
    R.append(rows[r.spec.id])
for f in ("emotion_person1", "formality", "speech_features_asked"):
    get = PROBE_FIELDS[f]
    ys = [get(r) for r in R]
    for name, texts in (("as made", full), ("thinned", cut)):
        a = [text_probe(texts, ys, s, probe="presence_c10")["above_chance"] for s in range(5)]
        print(f, name, round(sum(a) / 5, 4), a)
