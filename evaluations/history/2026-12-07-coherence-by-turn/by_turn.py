"""Where in a dialogue replies stop following the turn before: the coherence gap of each adjacent pair
(turn k-1, turn k), as `evaluate`'s coherence counts it (whole turns, forced phrases kept), grouped by k,
over dialogues of at least --min-turns turns (so every position has the same dialogues), and at each
position split by the slot whose phrase turn k opens with (`opener_coherence.turn_labels`); and turn 3's pair over
every dialogue of four turns or more, split by the slots of turns 2 and 3. DialogSum dev beside.

    PYTHONPATH=.:evaluations .venv/bin/python evaluations/history/2026-12-07-coherence-by-turn/by_turn.py \
        out/quality-v35 --data-dir ../shared/data/dialogsum --out DIR/by_turn-v35.json [--contexts FOLDER]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from opener_coherence import by_label, turn_labels
from provenance import provenance

from dialoguesynth.errors import ConfigError
from dialoguesynth.evaluate.data import turns_of
from dialoguesynth.sampling.exemplars import load_reference
from dialoguesynth.spec import Record
from dialoguesynth.stages.realise import load_realisation
from dialoguesynth.store import read_rows


def table(groups: dict[str, list[float]]) -> dict:
    return {g: {"pairs": len(v), "gap": round(sum(v) / len(v), 4)} for g, v in sorted(groups.items()) if v}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--contexts", type=Path, default=None, help="the contexts catalog the corpus was made with")
    ap.add_argument("--min-turns", type=int, default=10)
    ap.add_argument("--positions", type=int, default=10, help="the last turn position reported")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    try:
        cat = load_realisation(args.contexts)
        records, _ = read_rows(args.corpus / "run" / "records.jsonl", Record)
        if not records or not (args.corpus / "dialogues.jsonl").is_file():
            raise ConfigError(f"{args.corpus}: not a dialoguesynth output folder (run/records.jsonl, dialogues.jsonl)")
        dev = [turns_of(r.dialogue) for r in load_reference(args.data_dir / "dev.jsonl")]
    except ConfigError as e:
        sys.exit(f"by_turn: {e}")
    accepted = {json.loads(line)["id"] for line in (args.corpus / "dialogues.jsonl").open()}

    def positions(n: int) -> list[str]:
        """Turn k (0-based) is position k+1; positions past --positions are grouped as "later"."""
        return [f"{k + 1:02d}" if k < args.positions else "later" for k in range(n)]

    turns, pos, slot = [], [], []  # dialogues of --min-turns or more
    third, third_labels = [], []  # every dialogue of 4+ turns: turn 3 by what opened turns 2 and 3
    for r in records:
        if r.spec.id not in accepted:
            continue
        ts, owners, _ = turn_labels(r, cat)
        if len(ts) < min(4, args.min_turns):
            continue
        if len(ts) >= 4:
            third.append(ts)
            third_labels.append(["-", "-", f"turn 2 {owners[1]}, turn 3 {owners[2]}"] + ["-"] * (len(ts) - 3))
        if len(ts) >= args.min_turns:
            turns.append(ts)
            pos.append(positions(len(ts)))
            slot.append([f"{k + 1:02d} {o}" for k, o in enumerate(owners)])
    real = [ts for ts in dev if len(ts) >= args.min_turns]
    real_pos = [positions(len(ts)) for ts in real]
    strip = lambda g: {k: v for k, v in g.items() if not k.startswith("all ")}  # noqa: E731
    result = {
        **provenance(),
        "corpus": args.corpus.name,
        "min_turns": args.min_turns,
        "dialogues": len(turns),
        "by_position": table(strip(by_label(turns, pos))),
        "by_position_and_slot": {
            k: v for k, v in table(strip(by_label(turns, slot))).items() if int(k[:2]) <= args.positions
        },
        "turn_3_by_slots_of_turns_2_and_3": {
            k: v for k, v in table(strip(by_label(third, third_labels))).items() if k != "-"
        },
        "dialogsum_dev": {"dialogues": len(real), "by_position": table(strip(by_label(real, real_pos)))},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    for k, v in result["by_position"].items():
        r = result["dialogsum_dev"]["by_position"].get(k, {})
        print(f"turn {k:5s} {v['pairs']:4d} pairs  gap {v['gap']:+.4f}   DialogSum {r.get('gap', float('nan')):+.4f}")


if __name__ == "__main__":
    main()
