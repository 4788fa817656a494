"""How many dialogues hold a word no English word list knows: a corpus beside real DialogSum.

What the `unknown_words` defect check counts (``dialoguesynth.words.unknown_words``): garbled words
("minzn", "mobiie") against real typos ("tempreture"). Words starting with a capital (names) are skipped.
    .venv/bin/python evaluations/nonwords.py out/quality-v12 --out evaluations/results/DATE-quality-v12/nonwords.json
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from corpus_vs_real import parser, write
from provenance import provenance

from dialoguesynth.errors import ConfigError
from dialoguesynth.sampling.exemplars import load_reference
from dialoguesynth.words import unknown_words


def shares(texts: list[str]) -> dict[str, float]:
    counts = [len(unknown_words(t)) for t in texts]
    return {f">={k}": round(sum(c >= k for c in counts) / len(texts), 4) for k in (1, 2, 3)}


def main() -> None:
    ap = parser(__doc__)
    ap.add_argument("--n-train", type=int, default=3000, help="train dialogues sampled (seed 0)")
    args = ap.parse_args()

    def read(path: Path) -> list[str]:
        return [r.dialogue for r in load_reference(path)]

    try:
        corpus = read(args.corpus / "dialogues.jsonl")
        train = random.Random(0).sample(read(args.data_dir / "train.jsonl"), args.n_train)
        held = read(args.data_dir / "dev.jsonl") + read(args.data_dir / "test.jsonl")
    except ConfigError as e:
        sys.exit(f"nonwords: {e}")
    rng = random.Random(0)

    def examples(texts: list[str]) -> list[list[str]]:
        found = [u for t in texts if (u := unknown_words(t))]
        return rng.sample(found, min(20, len(found)))  # a small or clean corpus has fewer than 20

    result = {
        **provenance(),
        "share_of_dialogues_with_unknown_words": {
            "corpus": shares(corpus),
            "dialogsum_train_sample": shares(train),
            "dialogsum_dev_test": shares(held),
        },
        "n": {"corpus": len(corpus), "dialogsum_train_sample": len(train), "dialogsum_dev_test": len(held)},
        "examples": {
            "corpus": examples(corpus),
            "dialogsum_train_sample": examples(train),
        },
    }
    write(result, args.out, "share_of_dialogues_with_unknown_words")


if __name__ == "__main__":
    main()
