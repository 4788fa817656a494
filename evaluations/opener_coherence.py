"""Which forced turn openers cost coherence: every adjacent pair of turns (k-1, k) of a corpus, as the
coherence gap counts it (MiniLM cosine of the pair minus the dialogue's mean cosine of turns two or more
apart), grouped by the slot field whose phrase turn k was made to open with (`contexts/realisation.yaml`,
the spec's own `turn_openers`), or `free`. Each turn's forced phrase is cut off before embedding, so a
group's figure is how well what the model wrote after the phrase follows the turn before, not how
generic the phrase is. DialogSum dev's pairs (all free) beside it.

    .venv/bin/python evaluations/opener_coherence.py out/quality-v34 --data-dir ../shared/data/dialogsum \
        --out DIR/opener_coherence.json [--contexts FOLDER]   # FOLDER: the catalog the corpus was made with
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from provenance import provenance

from dialoguesynth.errors import ConfigError
from dialoguesynth.evaluate.data import turns_of
from dialoguesynth.evaluate.layers import pair_gaps
from dialoguesynth.spec import ConversationSpec, Record
from dialoguesynth.stages.realise import RealisationCatalog, load_realisation, named, turn_openers
from dialoguesynth.store import read_rows

FREE = "free"


def owner(opener: str, spec: ConversationSpec, cat: RealisationCatalog) -> str:
    """The field whose phrase an opener ends with (a lead stands in front of it): the longest match."""
    best, size = "forced", 0
    for field, values in cat.phrases.items():
        for phrases in values.values():
            for q in phrases:
                q = named(q, spec.context.subtopic)
                if (opener == q or opener.endswith(" " + q)) and len(q) > size:
                    best, size = field, len(q)
    return best


def body(turn: str, openers: list[str]) -> str:
    """The turn without the forced phrase it opens with (the longest that fits)."""
    for p in sorted(openers, key=len, reverse=True):
        if turn.startswith(p):
            return turn[len(p) :].lstrip(" ,.?!") or turn
    return turn


def turn_labels(record: Record, cat: RealisationCatalog) -> tuple[list[str], list[str], list[list[str]]]:
    """A record's turns, the field whose phrase opens each (`owner`, or `free`), and the phrases each was
    made to open with (`turn_openers`; [] for a free turn)."""
    ops = turn_openers(record.spec, cat)
    ts = turns_of(record.dialogue)
    forced = [ops.get(k, []) for k in range(len(ts))]
    return ts, [owner(f[0], record.spec, cat) if f else FREE for f in forced], forced


def by_label(turns: list[list[str]], labels: list[list[str]]) -> dict[str, list[float]]:
    """Label of turn k → the gaps of pairs (k-1, k) (`layers.pair_gaps`), over dialogues of three turns or more."""
    out: dict[str, list[float]] = defaultdict(list)
    for gaps, ls in zip(pair_gaps(turns), labels):
        for label, g in zip(ls[1:], gaps or []):
            out[label].append(g)
            out["all forced" if label != FREE else "all free"].append(g)
    return out


def table(groups: dict[str, list[float]]) -> dict:
    return {
        g: {"pairs": len(v), "gap": round(float(np.mean(v)), 4)}
        for g, v in sorted(groups.items(), key=lambda x: -len(x[1]))
        if g != FREE  # the same pairs as "all free"
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a dialoguesynth output folder (dialogues.jsonl, run/records.jsonl)")
    ap.add_argument("--data-dir", type=Path, required=True, help="DialogSum folder with dev.jsonl")
    ap.add_argument("--contexts", type=Path, default=None, help="the contexts catalog the corpus was made with")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    try:
        cat = load_realisation(args.contexts)
        records, _ = read_rows(args.corpus / "run" / "records.jsonl", Record)
        if not records:
            raise ConfigError(f"{args.corpus}: no run/records.jsonl records (a dialoguesynth output folder?)")
        if not (args.corpus / "dialogues.jsonl").is_file():
            raise ConfigError(f"{args.corpus}: no dialogues.jsonl (the run was not exported?)")
        from dialoguesynth.sampling.exemplars import load_reference

        dev = [turns_of(r.dialogue) for r in load_reference(args.data_dir / "dev.jsonl")]
    except ConfigError as e:
        sys.exit(f"opener_coherence: {e}")
    accepted = {json.loads(line)["id"] for line in (args.corpus / "dialogues.jsonl").open()}
    turns, labels = [], []
    for r in records:
        if r.spec.id not in accepted:
            continue
        ts, ls, forced = turn_labels(r, cat)
        turns.append([body(t, f) for t, f in zip(ts, forced)])
        labels.append(ls)
    result = {
        **provenance(),
        "corpus": args.corpus.name,
        "dialogues": len(turns),
        "by_opener": table(by_label(turns, labels)),
        "dialogsum_dev": table(by_label(dev, [[FREE] * len(ts) for ts in dev])),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    for g, v in result["by_opener"].items():
        print(f"{g:16s} {v['pairs']:5d} pairs  gap {v['gap']:+.4f}")
    print(
        f"DialogSum dev    {result['dialogsum_dev']['all free']['pairs']:5d} pairs  gap "
        f"{result['dialogsum_dev']['all free']['gap']:+.4f}"
    )


if __name__ == "__main__":
    main()
