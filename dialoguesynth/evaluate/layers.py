"""Does every layer reach the text? Coherence, on-topic, per-field probes from the text alone,
persona effects, defects and copies among the dialogues being evaluated."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from ..copying import ReferenceIndex
from ..defects import dialogue_defect, grounded_share, summary_defect
from ..parsing import parse_dialogue
from ..samples import spec_of
from .data import turns_of
from .embed import embed

_WORD = re.compile(r"[A-Za-z']+")


def coherence(dialogues: list[str], seed: int = 0) -> dict:
    """Adjacency gap: mean MiniLM cosine of adjacent turns minus that of turns two or more apart,
    per dialogue. Real DialogSum dev: +0.078; its turns shuffled: -0.003; every reply taken from
    another dialogue: -0.102 (tests/test_layers.py checks both directions)."""
    g = np.array([x for x in dialogue_gaps([turns_of(d) for d in dialogues]) if x is not None])
    lo, hi = bootstrap(g, seed)
    return {
        "adjacency_gap": round(float(g.mean()), 4) if len(g) else None,
        "ci95": [lo, hi],
        "share_positive": round(float((g > 0).mean()), 3) if len(g) else None,
        "n": len(g),
    }


def pair_gaps(turns: list[list[str]]) -> list[list[float] | None]:
    """Each dialogue's gap per adjacent pair (turn k-1, turn k), k >= 1, all turns embedded in one call;
    None for a dialogue under three turns. The one place the gap is computed: `coherence`,
    `evaluations/paired_gap.py` and `evaluations/opener_coherence.py` read it from here."""
    flat = [t for ts in turns for t in ts]
    emb = embed(flat) if flat else np.zeros((0, 384))
    out, k = [], 0
    for ts in turns:
        out.append(gaps_of(emb[k : k + len(ts)]) if len(ts) >= 3 else None)
        k += len(ts)
    return out


def dialogue_gaps(turns: list[list[str]]) -> list[float | None]:
    """Each dialogue's adjacency gap (the mean of its pair gaps), None under three turns."""
    return [float(np.mean(p)) if p else None for p in pair_gaps(turns)]


def gaps_of(e: np.ndarray) -> list[float]:
    """Pair gaps from one dialogue's unit-norm turn embeddings (three turns or more): cosine of turns
    k-1 and k minus the dialogue's mean cosine of turns two or more apart."""
    n, s = len(e), e @ e.T
    far = np.mean([s[i, j] for i in range(n) for j in range(i + 2, n)])
    return [float(s[k - 1, k] - far) for k in range(1, n)]


def adjacency_gap(e: np.ndarray) -> float:
    """One dialogue's gap from its unit-norm turn embeddings (three turns or more)."""
    return float(np.mean(gaps_of(e)))


def on_topic(dialogue_emb: np.ndarray, subtopics: list[str], seed: int = 0) -> dict:
    """Cosine between each dialogue and its own subtopic, beside mismatched pairs (another
    dialogue's different subtopic): the gap is what the subtopic adds."""
    names = sorted(set(subtopics))
    sub_emb = dict(zip(names, embed(names)))
    own = np.array([dialogue_emb[i] @ sub_emb[s] for i, s in enumerate(subtopics)])
    rng = np.random.default_rng(seed)
    other = []
    for i, s in enumerate(subtopics):
        choices = [n for n in names if n != s]
        if choices:
            other.append(dialogue_emb[i] @ sub_emb[choices[rng.integers(len(choices))]])
    return {
        "own_subtopic": round(float(own.mean()), 4),
        "mismatched": round(float(np.mean(other)), 4) if other else None,
        "n": len(own),
    }


def on_topic_without_naming(dialogues: list[str], subtopics: list[str], seed: int = 0) -> dict:
    """The on-topic figure with each dialogue's own subtopic phrase deleted from its text: what stays is
    the topic the dialogue carries beyond naming it (render.realise_topic names it in an early turn)."""
    named = [s.lower() in d.lower() for d, s in zip(dialogues, subtopics)]
    stripped = [re.sub(re.escape(s), " ", d, flags=re.IGNORECASE) for d, s in zip(dialogues, subtopics)]
    out = on_topic(embed(stripped), subtopics, seed)
    out["share_naming_subtopic"] = round(float(np.mean(named)), 4) if named else None
    return out


# Text probes: (features, longest word n-gram, logistic regression C). "tfidf" is the probe the
# adherence targets were first measured with; the others are candidates `evaluations/probe_instrument.py`
# compares on real dialogues with a planted label (a known answer).
PROBES = {
    "tfidf": ("tfidf", 2, 4.0),
    "tfidf_c100": ("tfidf", 2, 100.0),
    "presence": ("presence", 1, 1.0),
    "presence_c10": ("presence", 1, 10.0),
    "presence_1_2": ("presence", 2, 1.0),
}


def _probe_model(probe: str):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    if probe not in PROBES:
        raise ValueError(f"unknown text probe {probe!r}; known: {', '.join(PROBES)}")
    features, n, c = PROBES[probe]
    if features == "tfidf":
        vec = TfidfVectorizer(ngram_range=(1, n), min_df=2, sublinear_tf=True)
    else:
        vec = CountVectorizer(ngram_range=(1, n), min_df=2, binary=True)
    return make_pipeline(vec, LogisticRegression(max_iter=5000, C=c))


def text_probe(texts: list[str], labels: list[str], seed: int = 0, probe: str = "tfidf") -> dict | None:
    """5-fold accuracy of predicting a field from the dialogue text, beside chance (the majority class
    share), by one of ``PROBES``. None with too few examples per class."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    counts = Counter(labels)
    keep = [i for i, y in enumerate(labels) if counts[y] >= 5]
    ys = [labels[i] for i in keep]
    if len(set(ys)) < 2:
        return None
    acc = cross_val_score(
        _probe_model(probe),
        [texts[i] for i in keep],
        ys,
        scoring="accuracy",
        cv=StratifiedKFold(5, shuffle=True, random_state=seed),
    )
    chance = max(Counter(ys).values()) / len(ys)
    return {
        "accuracy": round(float(acc.mean()), 4),
        "chance": round(chance, 4),
        "above_chance": round(float(acc.mean()) - chance, 4),
        "classes": len(set(ys)),
        "n": len(ys),
    }


def persona_words_per_turn(rows: list[dict], trait: str = "extraversion") -> dict | None:
    """Words per turn of high- vs low-`trait` speakers (each speaker's own turns), Cohen's d.
    Bins are the catalog's: z beyond ± its band."""
    from ..catalogs import load_persona_catalog

    if not rows or f"p1_{trait}" not in rows[0]:
        return None
    bf = load_persona_catalog().big_five
    t = bf.traits[trait]
    groups: dict[str, list[float]] = {"high": [], "low": []}
    for r in rows:
        turns = r.get("turns") or []
        for i in (1, 2):
            score = r.get(f"p{i}_{trait}")
            words = [len(_WORD.findall(x["text"])) for x in turns if x["speaker"] == f"#Person{i}#"]
            if score is None or not words:
                continue
            z = (score - t.mean) / t.sd
            if abs(z) > bf.band:
                groups["high" if z > 0 else "low"].append(float(np.mean(words)))
    hi, lo = np.array(groups["high"]), np.array(groups["low"])
    if len(hi) < 2 or len(lo) < 2:
        return None
    pooled = np.sqrt(((len(hi) - 1) * hi.var(ddof=1) + (len(lo) - 1) * lo.var(ddof=1)) / (len(hi) + len(lo) - 2))
    return {
        "high_mean": round(float(hi.mean()), 2),
        "low_mean": round(float(lo.mean()), 2),
        "cohens_d": round(float((hi.mean() - lo.mean()) / pooled), 3) if pooled else None,
        "n_high": len(hi),
        "n_low": len(lo),
    }


def summary_grounding(rows: list[dict]) -> dict | None:
    """How much of each summary its dialogue grounds: the share of its content-word stems the
    dialogue uses (DialogSum train: 0.72), and the share of summaries under a third."""
    shares = np.array([grounded_share(r["summary"], r["dialogue"]) for r in rows if (r.get("summary") or "").strip()])
    if not len(shares):
        return None
    return {
        "mean": round(float(shares.mean()), 3),
        "share_under_a_third": round(float((shares < 1 / 3).mean()), 3),
        "n": len(shares),
    }


def defects(
    rows: list[dict], vocabulary: frozenset[str] | None = None, exemplar_summaries: dict[str, str] | None = None
) -> dict:
    """How many dialogues (with their summaries, where present) show a defect the quality bar rejects;
    ``exemplar_summaries`` (id -> summary) lets a summary be checked against its own few-shot exemplars."""
    reasons: Counter = Counter()
    flagged = 0
    known = exemplar_summaries or {}
    for r in rows:
        spec = spec_of(r)
        shown = [known[i] for i in (spec.summary_exemplar_ids if spec else []) if i in known]
        found = [
            dialogue_defect(parse_dialogue(r["dialogue"], opener="")[0], None, vocabulary),
            summary_defect(r["summary"], r["dialogue"], shown) if r.get("summary") else None,
        ]
        reasons.update(f for f in found if f)
        flagged += any(found)
    return {"rate": round(flagged / max(len(rows), 1), 4), "n": len(rows), "by_reason": dict(reasons)}


def copies(dialogues: list[str], reference: list[str], bound: float) -> dict:
    """Share of dialogues whose word 8-grams come from the reference beyond ``bound``."""
    index = ReferenceIndex(reference)
    shares = np.array([index.copied(d) for d in dialogues])
    return {
        "rate": round(float((shares > bound).mean()), 4) if len(shares) else None,
        "bound": bound,
        "max_share": round(float(shares.max()), 4) if len(shares) else None,
        "n": len(shares),
    }


def bootstrap(x: np.ndarray, seed: int, n: int = 1000) -> tuple[float | None, float | None]:
    """A 95 % percentile interval of the mean of ``x`` over ``n`` resamples (None under two values)."""
    if len(x) < 2:
        return None, None
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), (n, len(x)))].mean(axis=1)
    return round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4)
