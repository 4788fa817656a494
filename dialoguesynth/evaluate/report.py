"""`dialoguesynth evaluate`: one report (json, md, html + PNG plots) with four sections —
quality, diversity among passing dialogues, realism vs the reference, adherence to the spec —
plus self-checks that show the realism metrics behave on real data."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from ..checks import check_dialogue
from ..config import EMBEDDED_POOL, ChecksConfig
from ..parsing import parse_dialogue
from ..sampling.exemplars import load_reference
from ..spec import Rejected, RunSummary
from ..store import read_rows
from ..words import vocabulary_of
from . import adherence, diversity, layers, realism
from .data import load_rows, strip_tags
from .embed import embed
from .page import report_page
from .plots import plot_adherence, plot_ocean, plot_shapes


def _structural_pass(dialogue: str) -> str | None:
    """The spec-free part of the quality bar, for corpora from other tools."""
    turns, reason = parse_dialogue(dialogue, opener="")
    return reason or check_dialogue(turns, "stop", None, ChecksConfig())


def quality(rows: list[dict], summary: RunSummary | None) -> tuple[dict, list[int]]:
    if summary:  # a dialoguesynth run: everything exported passed; the run knows what did not
        return {
            "source": "run summary",
            "requested": summary.requested,
            "passed": summary.accepted,
            "pass_rate": round(summary.pass_rate, 4),
            "rejected_by_reason": summary.rejected_by_reason,
        }, list(range(len(rows)))
    verdicts = [_structural_pass(r["dialogue"]) for r in rows]
    passing = [i for i, v in enumerate(verdicts) if v is None]
    reasons: dict[str, int] = {}
    for v in verdicts:
        if v:
            reasons[v] = reasons.get(v, 0) + 1
    return {
        "source": "structural checks",
        "requested": len(rows),
        "passed": len(passing),
        "pass_rate": round(len(passing) / len(rows), 4),
        "rejected_by_reason": reasons,
    }, passing


def diversity_section(texts: list[str], emb: np.ndarray, rows: list[dict]) -> dict:
    out = {f"distinct_{n}": round(diversity.distinct_n(texts, n), 4) for n in (1, 2, 3)}
    out["compression_ratio"] = round(diversity.compression_ratio(texts), 4)
    out["self_bleu"] = round(diversity.self_bleu(texts), 2)
    out["vendi"] = round(diversity.vendi_score(emb), 2)
    out["mean_pairwise_cosine"] = round(diversity.mean_pairwise_cosine(emb), 4)
    if rows and "subtopic" in rows[0]:
        h, hn = diversity.entropy([r["subtopic"] for r in rows])
        out["subtopics"] = len({r["subtopic"] for r in rows})
        out["subtopic_entropy_bits"], out["subtopic_entropy_normalised"] = round(h, 3), round(hn, 3)
    return out


def ocean_section(rows: list[dict]) -> dict | None:
    if not rows or "p1_openness" not in rows[0]:
        return None
    from ..catalogs import load_persona_catalog
    from ..spec import TRAITS

    targets = load_persona_catalog().big_five.traits
    out = {}
    for t in TRAITS:
        x = np.array([r[f"p{i}_{t}"] for r in rows for i in (1, 2) if r.get(f"p{i}_{t}") is not None], dtype=float)
        x = x[~np.isnan(x)]
        if len(x):
            out[t] = {
                "mean": round(float(x.mean()), 3),
                "sd": round(float(x.std()), 3),
                "target_mean": targets[t].mean,
                "target_sd": targets[t].sd,
            }
    return out or None


def realism_section(emb: np.ndarray, ref_emb: np.ndarray, seed: int = 0) -> dict:
    # the floor compares real with real at the evaluated set's size: Fréchet is biased by sample size
    half = min(len(emb), len(ref_emb) // 2)
    perm = np.random.default_rng(seed).permutation(len(ref_emb))
    auc, sd = realism.c2st_auc(emb, ref_emb, seed=seed)
    return {
        "frechet": round(realism.frechet_distance(emb, ref_emb), 4),
        "frechet_floor_real_vs_real": round(realism.frechet_distance(ref_emb[perm[:half]], ref_emb[perm[half:]]), 4),
        "c2st_auc": round(auc, 4),
        "c2st_auc_sd": round(sd, 4),
        "mauve": (lambda m: round(m, 4) if m is not None else None)(realism.mauve_score(emb, ref_emb, seed)),
    }


def adherence_section(rows: list[dict], emb: np.ndarray) -> dict | None:
    if not rows or "target_turns" not in rows[0]:
        return None
    out: dict = {
        "turns_spearman": adherence.turns_spearman([r["target_turns"] for r in rows], [r["num_turns"] for r in rows])
    }
    texts = [strip_tags(r["dialogue"]) for r in rows]
    with_f = [adherence.rate(adherence.FILLERS, t) for r, t in zip(rows, texts) if "fillers" in r["speech_features"]]
    without = [
        adherence.rate(adherence.FILLERS, t) for r, t in zip(rows, texts) if "fillers" not in r["speech_features"]
    ]
    out["filler_rate_per_100_words"] = {
        "asked": round(float(np.mean(with_f)), 3) if with_f else None,
        "not_asked": round(float(np.mean(without)), 3) if without else None,
    }
    out["formality_markers_per_100_words"] = {}
    for level in sorted({r["formality"] for r in rows}):
        sel = [t for r, t in zip(rows, texts) if r["formality"] == level]
        out["formality_markers_per_100_words"][level] = {
            "formal": round(float(np.mean([adherence.rate(adherence.FORMAL, t) for t in sel])), 3),
            "informal": round(float(np.mean([adherence.rate(adherence.INFORMAL, t) for t in sel])), 3),
            "n": len(sel),
        }
    out["recoverability"] = {
        f: adherence.recoverability(emb, labels)
        for f, labels in (
            ("medium", [r["medium"] for r in rows]),
            ("emotion_person1", [r["emotion"][0] for r in rows]),
            ("subtopic", [r["subtopic"] for r in rows]),
        )
    }
    return out


PROBE_FIELDS = {
    "topic": lambda r: r["topic"],
    "medium": lambda r: r["medium"],
    "formality": lambda r: r["formality"],
    "emotion_person1": lambda r: r["emotion"][0],
    # reported beside the target, not instead of it: neutral carries no phrase by design
    "emotion_person1_not_neutral": lambda r: None if r["emotion"][0] == "neutral" else r["emotion"][0],
    "speech_features_asked": lambda r: "yes" if r["speech_features"] else "no",
    "fillers_asked": lambda r: "yes" if "fillers" in r["speech_features"] else "no",
    **{
        f"{feat.replace(' ', '_')}_asked": (lambda r, feat=feat: "yes" if feat in r["speech_features"] else "no")
        for feat in ("pauses", "slang", "interruptions", "false starts")
    },
    "familiarity": lambda r: r["familiarity"],
    "agreement": lambda r: r["agreement"],
}


# The adherence probe: chosen among layers.PROBES by a rule fixed before the run, on real dialogues with a
# planted label (evaluations/probe_instrument.py); the first probe, "tfidf", is reported beside it.
ADHERENCE_PROBE = "presence_c10"


def _probe(rows: list[dict], texts: list[str], get, seed: int, probe: str) -> dict | None:
    """A text probe over the rows the field labels (None: the row is left out)."""
    kept = [(t, y) for r, t in zip(rows, texts) if (y := get(r)) is not None]
    return layers.text_probe([t for t, _ in kept], [y for _, y in kept], seed, probe=probe)


def layers_section(rows: list[dict], texts: list[str], emb: np.ndarray, seed: int = 0) -> dict | None:
    """Each layer's reach: fields recoverable from the text alone, on-topic, persona effect."""
    if not rows or "medium" not in rows[0]:
        return None
    return {
        "probe": ADHERENCE_PROBE,
        "probes": {f: _probe(rows, texts, get, seed, ADHERENCE_PROBE) for f, get in PROBE_FIELDS.items()},
        "probes_tfidf": {f: _probe(rows, texts, get, seed, "tfidf") for f, get in PROBE_FIELDS.items()},
        "on_topic": layers.on_topic(emb, [r["subtopic"] for r in rows], seed),
        "on_topic_without_naming": layers.on_topic_without_naming(texts, [r["subtopic"] for r in rows], seed),
        "extraversion_words_per_turn": layers.persona_words_per_turn(rows),
    }


def copy_section(texts: list[str], copy_reference: Path | None, bound: float) -> dict | None:
    if copy_reference is None or not Path(copy_reference).is_file():
        return None
    ref = [r["dialogue"] for r in load_rows(copy_reference)[0]]
    return {"reference": str(copy_reference), **layers.copies(texts, ref, bound)}


def exemplar_summaries(reference: list[dict]) -> dict[str, str]:
    """Summaries a spec's ``summary_exemplar_ids`` may name: the embedded pool's, then the reference's."""
    pool = {e.id: e.summary for e in load_reference(EMBEDDED_POOL)}
    return pool | {r["id"]: r.get("summary") or "" for r in reference if r.get("id")}


def self_check(sample_path: Path | None, ref_emb: np.ndarray, n: int, seed: int = 0) -> dict | None:
    """Real dialogues scored as if synthetic: AUC should be ~0.5 and Fréchet near the floor."""
    if sample_path is None or not Path(sample_path).is_file():
        return None
    rows, _ = load_rows(sample_path)
    sample = random.Random(seed).sample(rows, min(n, len(rows)))
    emb = embed([strip_tags(r["dialogue"]) for r in sample])
    res = realism_section(emb, ref_emb, seed)
    res["n"] = len(sample)
    res["auc_in_0.40_0.60"] = 0.40 <= res["c2st_auc"] <= 0.60
    return res


def evaluate(
    dataset: str | Path,
    reference: str | Path,
    out: str | Path,
    max_n: int = 1000,
    self_check_path: str | Path | None = None,
    seed: int = 0,
    judge_backend=None,
    copy_reference: str | Path | None = None,
) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows, summary = load_rows(dataset)
    ref_rows, _ = load_rows(reference)
    known_summaries = exemplar_summaries(ref_rows)  # all of the reference, before it is sampled below
    vocabulary = vocabulary_of(r["dialogue"] for r in ref_rows)
    q, passing = quality(rows, summary)
    rng = random.Random(seed)
    passing = sorted(rng.sample(passing, min(max_n, len(passing))))
    prow = [rows[i] for i in passing]
    ref_rows = rng.sample(ref_rows, min(max_n, len(ref_rows)))
    texts = [strip_tags(r["dialogue"]) for r in prow]
    ref_texts = [strip_tags(r["dialogue"]) for r in ref_rows]
    emb, ref_emb = embed(texts), embed(ref_texts)
    shapes, ref_shapes = realism.shape([r["dialogue"] for r in prow]), realism.shape([r["dialogue"] for r in ref_rows])
    if judge_backend is not None:
        from .judge import judge

        q["llm_judge"] = {"model": judge_backend.model_name, **judge(prow, judge_backend)}
    report = {
        "dataset": str(dataset),
        "reference": str(reference),
        "n_evaluated": len(prow),
        "n_reference": len(ref_rows),
        "quality": q,
        "diversity_among_passing": diversity_section(texts, emb, prow),
        "ocean_achieved": ocean_section(prow),
        "realism": {
            **realism_section(emb, ref_emb, seed),
            "shape": {
                k: {"mean": round(float(np.mean(v)), 2), "reference_mean": round(float(np.mean(ref_shapes[k])), 2)}
                for k, v in shapes.items()
            },
        },
        "adherence": adherence_section(prow, emb),
        "layers": layers_section(prow, texts, emb, seed),
        "coherence": {
            "synthetic": layers.coherence([r["dialogue"] for r in prow], seed),
            "reference": layers.coherence([r["dialogue"] for r in ref_rows], seed),
        },
        "summary_grounding": {
            "synthetic": layers.summary_grounding(prow),
            "reference": layers.summary_grounding(ref_rows),
        },
        "defects_among_passing": layers.defects(prow, vocabulary, known_summaries),
        "copies": copy_section([r["dialogue"] for r in prow], copy_reference, ChecksConfig().max_copied_fraction),
        "self_check": self_check(self_check_path, ref_emb, len(prow) or 100, seed),
        "reference_diversity": diversity_section(
            ref_texts[: len(texts)] or ref_texts, ref_emb[: len(texts)] if len(texts) else ref_emb, []
        ),
    }
    plots = [plot_shapes(shapes, ref_shapes, out / "shapes.png")]
    if report["ocean_achieved"]:
        plots.append(plot_ocean(report["ocean_achieved"], out / "ocean.png"))
    if report["adherence"]:
        plots.append(plot_adherence(report["adherence"], out / "adherence.png"))
    report["plots"] = [p.name for p in plots]
    (out / "report.json").write_text(json.dumps(report, indent=2))
    md = to_markdown(report)
    (out / "report.md").write_text(md)
    (out / "report.html").write_text(report_page(report, md, out, prow, _rejected(dataset), seed), encoding="utf-8")
    return report


def _rejected(dataset: str | Path) -> list[Rejected]:
    """A dialoguesynth output folder's rejections (none for other corpora)."""
    return read_rows(Path(dataset) / "rejected.jsonl", Rejected)[0]


def to_markdown(r: dict) -> str:
    q, d, rl = r["quality"], r["diversity_among_passing"], r["realism"]
    ref_d = r["reference_diversity"]
    lines = [
        f"# Evaluation of `{r['dataset']}`",
        "",
        f"Reference: `{r['reference']}` ({r['n_reference']} "
        f"dialogues). Evaluated: {r['n_evaluated']} passing dialogues.",
        "",
        "## Quality",
        f"Pass rate {q['passed']}/{q['requested']} = {q['pass_rate']:.1%} ({q['source']}).",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in q["rejected_by_reason"].items()] or ["- no rejections"]
    if "llm_judge" in q:
        lines += ["", f"LLM judge (`{q['llm_judge']['model']}`, 1-3):"]
        lines += [
            f"- {k}: {v['mean']} (n={v['n']}, {v['distribution']})"
            for k, v in q["llm_judge"].items()
            if isinstance(v, dict)
        ]
    lines += [
        "",
        "## Diversity among passing dialogues (reference sample of the same size alongside)",
        "",
        "| metric | synthetic | reference |",
        "|---|---|---|",
    ]
    lines += [f"| {k} | {v} | {ref_d.get(k, '')} |" for k, v in d.items()]
    if r["ocean_achieved"]:
        lines += [
            "",
            "## Big Five achieved vs target",
            "",
            "| trait | mean | target | sd | target sd |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {t} | {v['mean']} | {v['target_mean']} | {v['sd']} | {v['target_sd']} |"
            for t, v in r["ocean_achieved"].items()
        ]
    lines += [
        "",
        "## Realism vs reference",
        "",
        f"- Fréchet distance (MiniLM): {rl['frechet']} (real-vs-real floor {rl['frechet_floor_real_vs_real']})",
        f"- classifier two-sample AUC: {rl['c2st_auc']} ± {rl['c2st_auc_sd']} (0.5 = indistinguishable)",
        "- MAUVE on MiniLM features: "
        f"{rl['mauve'] if rl['mauve'] is not None else 'n/a (mauve-text not installed)'} (1 = same distribution)",
        "",
    ]
    lines += [f"- {k}: {v['mean']} (reference {v['reference_mean']})" for k, v in rl["shape"].items()]
    if r["adherence"]:
        a = r["adherence"]
        lines += [
            "",
            "## Adherence to the spec",
            "",
            f"- target vs actual turns, Spearman: {a['turns_spearman']}",
            f"- fillers per 100 words: asked {a['filler_rate_per_100_words']['asked']}, "
            f"not asked {a['filler_rate_per_100_words']['not_asked']}",
        ]
        lines += [
            f"- formality {k}: formal markers {v['formal']}, informal {v['informal']} per 100 words (n={v['n']})"
            for k, v in a["formality_markers_per_100_words"].items()
        ]
        lines += [
            f"- recoverable {k}: "
            + (
                f"accuracy {v['accuracy']:.3f} vs chance {v['chance']:.3f} ({v['classes']} classes, n={v['n']})"
                if v
                else "too few examples"
            )
            for k, v in a["recoverability"].items()
        ]
    lines += _layers_markdown(r)
    sc = r["self_check"]
    if sc:
        lines += [
            "",
            "## Self-check: real dialogues scored as if synthetic",
            "",
            f"- AUC {sc['c2st_auc']} ± {sc['c2st_auc_sd']} (expected "
            f"0.40-0.60: {'ok' if sc['auc_in_0.40_0.60'] else 'FAILED'})",
            f"- Fréchet {sc['frechet']} vs floor {sc['frechet_floor_real_vs_real']} (n={sc['n']})",
        ]
    lines += ["", *[f"![{p}]({p})" for p in r["plots"]], ""]
    return "\n".join(lines)


def _layers_markdown(r: dict) -> list[str]:
    c, dq, cp = r["coherence"], r["defects_among_passing"], r["copies"]
    lines = [
        "",
        "## Coherence, defects and copies",
        "",
        "- coherence (adjacency gap: MiniLM cosine of adjacent turns minus turns ≥ 2 apart; real > 0, shuffled ≈ 0): "
        f"{c['synthetic']['adjacency_gap']} {c['synthetic']['ci95']}, "
        f"{c['synthetic']['share_positive']} of dialogues > 0 "
        f"(reference {c['reference']['adjacency_gap']}, {c['reference']['share_positive']})",
        "- defects among passing (header echo, label-like, word-list, "
        "ALL-CAPS, garbled opener, loop, summary is a turn "
        f"or off the dialogue): {dq['rate']:.1%} of {dq['n']} {dq['by_reason'] or ''}",
    ]
    sg = r.get("summary_grounding") or {}
    if sg.get("synthetic") and sg.get("reference"):
        s, ref = sg["synthetic"], sg["reference"]
        lines.append(
            f"- summary grounding (share of a summary's content words its dialogue uses): {s['mean']}, "
            f"{s['share_under_a_third']:.0%} under a third (reference {ref['mean']}, {ref['share_under_a_third']:.0%})"
        )
    if cp:
        lines.append(
            f"- copies (> {cp['bound']:.0%} of word 8-grams found in `{Path(cp['reference']).name}`): "
            f"{cp['rate']:.1%} of {cp['n']} (largest share {cp['max_share']})"
        )
    ly = r["layers"]
    if ly:
        ot, ex = ly["on_topic"], ly["extraversion_words_per_turn"]
        lines += [
            "",
            "## Does each layer reach the text?",
            "",
            f"- on-topic: cosine(dialogue, own subtopic) {ot['own_subtopic']} vs mismatched {ot['mismatched']}",
        ]
        nn = ly.get("on_topic_without_naming")
        if nn:
            lines.append(
                f"- on-topic with the subtopic's own words deleted: {nn['own_subtopic']} vs mismatched "
                f"{nn['mismatched']} ({nn['share_naming_subtopic']:.0%} of dialogues name their subtopic)"
            )
        if ex:
            lines.append(
                f"- extraversion: words per turn high {ex['high_mean']} "
                f"vs low {ex['low_mean']}, Cohen's d {ex['cohens_d']} "
                f"(n {ex['n_high']} / {ex['n_low']} speakers)"
            )
        probe = layers.PROBES[ly["probe"]]
        lines += [
            "",
            f"Each field predicted from the dialogue text alone (5-fold, logistic regression; probe `{ly['probe']}`: "
            f"{probe[0]} of word 1-{probe[1]}-grams, C = {probe[2]}, chosen on real dialogues with a planted label; "
            "the first probe, `tfidf`, beside it):",
            "",
            "| field | accuracy | chance (majority) | above chance | tfidf: above chance | classes | n |",
            "|---|---|---|---|---|---|---|",
        ]
        for f, v in ly["probes"].items():
            t = ly["probes_tfidf"][f]
            lines.append(
                f"| {f} | {v['accuracy']} | {v['chance']} | {v['above_chance']:+} | {t['above_chance']:+} "
                f"| {v['classes']} | {v['n']} |"
                if v and t
                else f"| {f} | too few examples | | | | | |"
            )
    return lines
