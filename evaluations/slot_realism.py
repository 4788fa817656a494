"""What the slot phrases cost in realism: the issue's classifier two-sample AUC (MiniLM, logistic
regression, 5 folds; `dialoguesynth.evaluate.realism.c2st_auc`, tags stripped as `evaluate` strips them)
of each corpus against DialogSum dev at the corpus's size, as made and, for the corpora named with
`--cut`, with every forced turn-opening phrase cut from its turn (as `opener_coherence.body` cuts it;
the default catalog's phrases, so only for corpora made with all layers on). DialogSum train against
dev at the same size is the floor. Each AUC is the mean over subsample seeds 0-4.

    PYTHONPATH=.:evaluations .venv/bin/python evaluations/slot_realism.py full=DIR 'no context=DIR' ... \
        --cut full --data-dir ../shared/data/dialogsum --out DIR/slot_realism.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from opener_coherence import body, turn_labels
from provenance import provenance

from dialoguesynth.errors import ConfigError
from dialoguesynth.evaluate.embed import embed
from dialoguesynth.evaluate.realism import c2st_auc
from dialoguesynth.parsing import strip_tags
from dialoguesynth.sampling.exemplars import load_reference
from dialoguesynth.spec import Record
from dialoguesynth.stages.realise import load_realisation
from dialoguesynth.store import read_rows

SEEDS = range(5)


def corpus_texts(path: Path, cut: bool) -> tuple[list[str], int]:
    """The accepted dialogues' text without tags (their forced phrases cut if asked), and the count cut."""
    accepted = {json.loads(line)["id"] for line in (path / "dialogues.jsonl").open()}
    records, _ = read_rows(path / "run" / "records.jsonl", Record)
    cat, texts, n_cut = load_realisation(None), [], 0
    for r in records:
        if r.spec.id not in accepted:
            continue
        turns, _, forced = turn_labels(r, cat)
        if cut:
            kept = [body(t, f) for t, f in zip(turns, forced)]  # a free turn (no openers) stays as it is
            n_cut += sum(a != b for a, b in zip(turns, kept))
            turns = kept
        texts.append("\n".join(turns))
    return texts, n_cut


def auc(a: np.ndarray, b: np.ndarray) -> dict:
    runs = [c2st_auc(a, b, seed=s) for s in SEEDS]
    means, sds = zip(*runs)
    return {"auc": round(float(np.mean(means)), 4), "fold_sd": round(float(np.mean(sds)), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="+", help="NAME=DIR, a dataset folder with dialogues.jsonl and run/")
    ap.add_argument("--cut", action="append", default=[], help="a corpus NAME also scored with its phrases cut")
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data/dialogsum"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    corpora = dict(c.split("=", 1) for c in args.corpora if "=" in c)
    if len(corpora) != len(args.corpora) or not set(args.cut) <= set(corpora):
        sys.exit("slot_realism: corpora are NAME=DIR, and --cut names one of them")
    needed = ("dialogues.jsonl", "run/records.jsonl")
    bad = [p for p in corpora.values() if not all((Path(p) / f).is_file() for f in needed)]
    if bad:
        sys.exit(f"slot_realism: {bad[0]} is not a generate output folder (no dialogues.jsonl or run/records.jsonl)")
    try:
        dev = [strip_tags(r.dialogue) for r in load_reference(args.data_dir / "dev.jsonl")]
        train = [strip_tags(r.dialogue) for r in load_reference(args.data_dir / "train.jsonl")]
    except ConfigError as e:
        sys.exit(f"slot_realism: {e}")
    dev_emb = embed(dev)
    rows, sizes = {}, set()
    for name, path in corpora.items():
        for cut in (False, True) if name in args.cut else (False,):
            texts, n_cut = corpus_texts(Path(path), cut)
            key = f"{name}, phrases cut" if cut else name
            rows[key] = {"n": len(texts), **auc(embed(texts), dev_emb)}
            if cut:
                rows[key]["turns_cut"] = n_cut
            sizes.add(len(texts))
            print(f"{key:32s} n {len(texts):4d}  AUC {rows[key]['auc']:.4f}", flush=True)
    rng = np.random.default_rng(0)
    for n in sorted(sizes):
        pick = rng.choice(len(train), n, replace=False)
        key = f"DialogSum train ({n})"
        rows[key] = {"n": n, **auc(embed([train[i] for i in pick]), dev_emb)}
        print(f"{key:32s} n {n:4d}  AUC {rows[key]['auc']:.4f}")
    result = {**provenance(), "reference": "DialogSum dev", "subsample_seeds": list(SEEDS), "corpora": corpora}
    result["auc"] = rows
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
