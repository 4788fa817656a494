"""Publish what a reader would judge a corpus by: `evaluate`'s report, 20 seeded-random accepted
dialogues unedited (samples.md), every subtopic used and every candidate the subtopic check
turned away (subtopics.md), and the issue's targets beside the measured figures (targets.md).

    .venv/bin/python evaluations/quality_report.py RUN_DIR --out evaluations/results/DATE-quality [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import datasets
from provenance import provenance

from dialoguesynth.config import DATA_DIR
from dialoguesynth.evaluate.report import evaluate
from dialoguesynth.samples import pick, samples_markdown
from dialoguesynth.spec import RunSummary


def targets(r: dict, summary: RunSummary) -> list[tuple[str, str, str, bool | None]]:
    """(what, target, measured, met) rows; None where the figure is missing."""
    ly, q = r["layers"] or {}, r["quality"]
    probes, first = ly.get("probes", {}), ly.get("probes_tfidf", {})
    rows = [
        ("accepted dialogues", ">= 400", str(q["passed"]), q["passed"] >= 400),
        (
            "defects among accepted",
            "<= 1 %",
            f"{r['defects_among_passing']['rate']:.1%}",
            r["defects_among_passing"]["rate"] <= 0.01,
        ),
    ]
    cp = r["copies"]
    rows.append(
        (
            "copies of exemplars or reference",
            "<= 0.5 %",
            f"{cp['rate']:.1%}" if cp else "n/a",
            cp["rate"] <= 0.005 if cp else None,
        )
    )
    sub = summary.subtopics or {}
    kept = sum(len(v) for v in (sub.get("kept") or {}).values())
    rejected = sum(len(v) for v in (sub.get("rejected") or {}).values())
    share = kept / max(kept + rejected, 1)
    rows.append(
        (
            "subtopics passing the subtopic check",
            ">= 95 %",
            f"{share:.1%} ({kept} kept, {rejected} rejected)",
            share >= 0.95,
        )
    )
    ot = ly.get("on_topic") or {}
    rows.append(
        (
            "cosine(subtopic, dialogue), mean",
            ">= 0.35",
            f"{ot.get('own_subtopic')} (mismatched {ot.get('mismatched')})",
            ot.get("own_subtopic", 0) >= 0.35 if ot else None,
        )
    )
    nn = ly.get("on_topic_without_naming") or {}
    rows.append(
        (
            "the same, the subtopic's own words deleted from the dialogue",
            "reported",
            f"{nn.get('own_subtopic')} (mismatched {nn.get('mismatched')}; "
            f"{nn.get('share_naming_subtopic')} name their subtopic)",
            None,
        )
    )
    targeted = ("topic", "medium", "formality", "emotion_person1", "speech_features_asked", "fillers_asked")
    # the targets, then the other probes of the report (per speech feature, moods without neutral): reported
    for field in (*targeted, *(f for f in probes if f not in targeted)):
        p, t = probes.get(field), first.get(field)
        rows.append(
            (
                f"{field} recoverable from text (5-fold, probe {ly.get('probe')})",
                ">= chance + 0.15" if field in targeted else "reported",
                f"{p['accuracy']} vs chance {p['chance']} ({p['above_chance']:+}; first probe, tfidf: "
                f"{t['above_chance']:+})"
                if p and t
                else "too few examples",
                (p["above_chance"] >= 0.15 if p else None) if field in targeted else None,
            )
        )
    f = (r["adherence"] or {}).get("filler_rate_per_100_words", {})
    ratio = f["asked"] / f["not_asked"] if f.get("asked") is not None and f.get("not_asked") else None
    rows.append(
        (
            "fillers per 100 words, asked / not asked",
            ">= 3x",
            f"{f.get('asked')} / {f.get('not_asked')}" + (f" = {ratio:.1f}x" if ratio else ""),
            ratio >= 3 if ratio else None,
        )
    )
    ex = ly.get("extraversion_words_per_turn")
    rows.append(
        (
            "extraversion high vs low, words per turn",
            "Cohen's d >= 0.3",
            f"{ex['high_mean']} vs {ex['low_mean']}, d = {ex['cohens_d']}" if ex else "n/a",
            (ex["cohens_d"] or 0) >= 0.3 if ex else None,
        )
    )
    rl = r["realism"]
    rows.append(
        (
            "classifier two-sample AUC vs DialogSum",
            "<= 0.85",
            f"{rl['c2st_auc']} ± {rl['c2st_auc_sd']} (n = {r['n_evaluated']})",
            rl["c2st_auc"] <= 0.85,
        )
    )
    c = r["coherence"]
    rows.append(
        (
            "coherence (adjacency gap), reported",
            "real-like",
            f"{c['synthetic']['adjacency_gap']} vs real {c['reference']['adjacency_gap']}",
            None,
        )
    )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reference", type=Path, default=DATA_DIR / "dev.jsonl")
    ap.add_argument("--copy-reference", type=Path, default=DATA_DIR / "train.jsonl")
    args = ap.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    r = evaluate(
        args.run,
        args.reference,
        out,
        max_n=1000,
        self_check_path=args.copy_reference,
        seed=args.seed,
        copy_reference=args.copy_reference,
    )
    summary = RunSummary.load(args.run)
    shutil.copy(args.run / "summary.json", out / "run_summary.json")
    ds = datasets.load_from_disk(str(args.run))
    rows = [ds[i] for i in pick(len(ds), 20, args.seed)]
    (out / "samples.md").write_text(
        samples_markdown(rows, args.seed, f"20 random accepted dialogues of `{args.run.name}`")
    )
    sub = summary.subtopics or {}
    lines = [f"# Subtopics of `{args.run.name}` (source: {sub.get('source')})", ""]
    for topic, kept in (sub.get("kept") or {}).items():
        lines.append(f"- **{topic}**: " + "; ".join(kept))
        lines += [f"  - rejected: {c!r} ({why})" for c, why in (sub.get("rejected") or {}).get(topic, [])]
    (out / "subtopics.md").write_text("\n".join(lines) + "\n")
    prov = provenance()
    table = ["| what | target | measured | met |", "|---|---|---|---|"]
    table += [
        f"| {w} | {t} | {m} | {'yes' if ok else 'no' if ok is False else '-'} |" for w, t, m, ok in targets(r, summary)
    ]
    (out / "targets.md").write_text(
        f"# Issue 14 targets on `{args.run.name}`\n\nCommit `{prov['commit']}`{' (dirty)' if prov['dirty'] else ''}; "
        f"machine: {prov['machine']}; {prov['date']}.\nCommand: `{prov['command']}`\n\n" + "\n".join(table) + "\n"
    )
    (out / "provenance.json").write_text(json.dumps(prov, indent=2))
    print("\n".join(table))


if __name__ == "__main__":
    main()
