"""DiaSynth's second task, response generation: (dialogue so far → next turn) pairs cut from
dialogues, scored against the real next turn (BLEU, ROUGE-L, MiniLM cosine) and by the perplexity
the fine-tuned model gives that real turn."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..evaluate.data import load_rows
from ..evaluate.embed import embed
from .data import Pair

PROMPT = "Dialogue:\n{dialogue}"  # the input ends with the next speaker's tag: the model writes that turn
METRICS = ("bleu", "rougeL", "embedding_cosine", "nll")
_LINE = re.compile(r"^(#Person\d+#):\s*(.*)$")


def cut(dialogue: str, rng: random.Random) -> Pair | None:
    """One (context, next turn) pair: a turn after the first chosen at random; the context is every
    turn before it plus the next speaker's tag."""
    turns = [m.groups() for m in map(_LINE.match, dialogue.splitlines()) if m]
    if len(turns) < 2:
        return None
    k = rng.randint(1, len(turns) - 1)
    context = "\n".join(f"{who}: {said}" for who, said in turns[:k]) + f"\n{turns[k][0]}:"
    return Pair(dialogue=context, summary=turns[k][1]) if turns[k][1] else None


def response_pairs(path: str | Path, n: int | None = None, seed: int = 0) -> list[Pair]:
    """One pair per dialogue of a corpus (any speaker convention: read into tags), a random ``n`` of them."""
    rows = load_rows(path)[0]
    rng = random.Random(seed)
    if n is not None:
        if n > len(rows):
            raise ConfigError(f"{path} has {len(rows)} dialogues, fewer than the {n} asked for")
        rows = rng.sample(rows, len(rows))
    pairs = []
    for r in rows:
        p = cut(r["dialogue"], rng)
        if p is not None:
            pairs.append(p)
        if n is not None and len(pairs) == n:
            break
    if not pairs:
        raise ConfigError(f"{path} has no dialogue with two or more turns")
    return pairs


def item_scores(predictions: list[str], references: list[str], nll: list[float]) -> dict[str, np.ndarray]:
    """Per test item: sentence BLEU and ROUGE-L F1 (0-100), MiniLM cosine, and the NLL of the real turn."""
    import sacrebleu
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    cos = np.sum(embed([p or " " for p in predictions]) * embed(references), axis=1)
    return {
        "bleu": np.array([sacrebleu.sentence_bleu(p, [r]).score for p, r in zip(predictions, references)]),
        "rougeL": np.array([100 * scorer.score(r, p)["rougeL"].fmeasure for p, r in zip(predictions, references)]),
        "embedding_cosine": cos,
        "nll": np.array(nll),
    }
