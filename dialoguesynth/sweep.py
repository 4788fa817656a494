"""`dialoguesynth sweep`: a grid over generation dials, each cell generated (one engine shared by
all cells), then scored under each quality bar: pass rate, diversity among the passing dialogues
(also at one n for every cell: diversity grows with the number of dialogues), realism of the
passing dialogues, and how evenly they cover the coverage grid.

Quality bars are applied after generation to each cell's accepted dialogues, so a bar can only be
as loose as the run's own `checks` (which stay the floor); stricter bars need no regeneration."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from .checks import check_dialogue
from .config import ChecksConfig, Config, Strict, load_config, read_yaml
from .errors import ConfigError
from .provenance import provenance
from .sampling.subtopics import Taxonomy
from .spec import ConversationSpec, RunSummary, Turn


class QualityBar(ChecksConfig):
    """The checks (all fields of `checks`) plus a model-free in-distribution score."""

    min_nearest_real_cosine: float | None = Field(
        None, ge=-1, le=1, description="MiniLM cosine to the nearest real dialogue"
    )


class SweepConfig(Strict):
    base: Path | None = Field(None, description="generator config the cells start from")
    num_dialogues: int = Field(32, ge=2, description="specs per cell")
    grid: dict[str, list[Any]] = Field(description="dotted config key → values, e.g. render.temperature: [0.6, 1.0]")
    quality_bars: dict[str, dict[str, Any]] = Field(default_factory=lambda: {"default": {}})
    reference_sample: int = Field(300, ge=20, description="real dialogues the realism and quality scores compare with")
    equal_n: int | None = Field(
        None,
        ge=2,
        description="compare diversity across cells on random subsets of this many passing dialogues "
        "(default, per bar: 80 % of the fewest passing in any cell with at least 10)",
    )


def load_sweep(path: Path) -> SweepConfig:
    raw = read_yaml(path, "sweep config")
    try:
        sc = SweepConfig.model_validate(raw)
    except ValueError as exc:
        raise ConfigError(f"{path}: {str(exc).splitlines()[-1].strip()}") from None
    if sc.base is not None and not sc.base.is_absolute():
        sc.base = (path.parent / sc.base).resolve()
    if not sc.grid or any(not v for v in sc.grid.values()):
        raise ConfigError(f"{path}: grid needs at least one dial, each with at least one value")
    for name, bar in sc.quality_bars.items():
        try:
            QualityBar(**bar)
        except ValueError as exc:
            raise ConfigError(f"{path}: quality bar {name!r}: {str(exc).splitlines()[-1].strip()}") from None
    return sc


def cells(sc: SweepConfig) -> list[dict[str, Any]]:
    keys = list(sc.grid)
    return [dict(zip(keys, values)) for values in itertools.product(*sc.grid.values())]


def cell_config(sc: SweepConfig, dials: dict[str, Any]) -> Config:
    return load_config(sc.base, num_dialogues=sc.num_dialogues, **{k.replace(".", "__"): v for k, v in dials.items()})


def run_sweep(sc: SweepConfig, out: Path, progress: bool = True, backend=None, log=print) -> dict:
    """Generate every cell (resumable: each cell is a run folder), score, write sweep.json/md + plots."""
    from .backends.lazy import LazyBackend
    from .evaluate.data import load_rows, strip_tags
    from .evaluate.embed import embed
    from .evaluate.report import evaluate
    from .pipeline import Generator

    out.mkdir(parents=True, exist_ok=True)
    grid = cells(sc)
    configs = [cell_config(sc, d) for d in grid]
    # one engine for every cell unless a dial changes the model (then each cell loads its own)
    shared = backend or (None if any(k.startswith("model.") for k in sc.grid) else LazyBackend(configs[0]))
    try:
        for k, (dials, cfg) in enumerate(zip(grid, configs)):
            log(f"cell {k + 1}/{len(grid)}: {dials}")
            Generator(cfg, backend=shared, progress=progress).run(out / f"cell-{k:02d}")
    finally:
        if shared is not None and backend is None:
            shared.close()

    ref_rows, _ = load_rows(configs[0].reference.path)
    ref_rows = random.Random(0).sample(ref_rows, min(sc.reference_sample, len(ref_rows)))
    ref_emb = embed([strip_tags(r["dialogue"]) for r in ref_rows])
    results: list[dict] = []
    passing: dict[tuple[int, str], tuple[list[str], np.ndarray]] = {}  # (cell, bar) -> passing texts, embeddings
    for k, (dials, cfg) in enumerate(zip(grid, configs)):
        log(f"scoring cell {k + 1}/{len(grid)}")
        rows, summary = load_rows(out / f"cell-{k:02d}")
        taxonomy = Taxonomy.model_validate_json((out / f"cell-{k:02d}" / "run" / "taxonomy.json").read_text())
        results.append(score_cell(k, dials, cfg, rows, summary, ref_emb, sc.quality_bars, taxonomy, passing))
        evaluate(out / f"cell-{k:02d}", cfg.reference.path, out / f"cell-{k:02d}" / "report", max_n=sc.num_dialogues)
    compare_at_equal_n(results, passing, sc)
    from .evaluate.plots import plot_sweep

    settings = json.loads(sc.model_dump_json())
    if sc.base is not None and sc.base.is_relative_to(Path.cwd()):  # not this machine's absolute path
        settings["base"] = str(sc.base.relative_to(Path.cwd()))
    report = {"sweep": settings, "cells": results}
    report["plots"] = [p.name for p in plot_sweep(report, out)]
    (out / "sweep.json").write_text(json.dumps(report, indent=2))
    (out / "sweep.md").write_text(to_markdown(report))
    (out / "provenance.json").write_text(provenance().model_dump_json(indent=1))
    return report


def score_cell(
    k: int,
    dials: dict,
    cfg: Config,
    rows: list[dict],
    summary: RunSummary,
    ref_emb: np.ndarray,
    bars: dict[str, dict],
    taxonomy: Taxonomy,
    passing: dict,
) -> dict:
    """One cell under each bar; the passing texts and embeddings go to ``passing`` for the equal-n comparison."""
    from .evaluate import diversity, realism
    from .evaluate.data import strip_tags
    from .evaluate.embed import embed
    from .sampling.specs import SpecSampler

    sampler = SpecSampler(cfg, taxonomy, None)  # the run's own subtopics; no exemplar pool needed for the grid
    texts = [strip_tags(r["dialogue"]) for r in rows]
    emb = embed(texts) if texts else np.zeros((0, ref_emb.shape[1]))
    nearest = (emb @ ref_emb.T).max(1) if len(texts) else np.zeros(0)
    specs = [ConversationSpec.model_validate_json(r["spec_json"]) for r in rows]
    out = {
        "cell": k,
        "dials": dials,
        "requested": summary.requested,
        "accepted_by_run": summary.accepted,
        "bars": {},
    }
    for name, overrides in bars.items():
        bar = QualityBar(**{**cfg.checks.model_dump(), **overrides})
        keep = [
            i
            for i, (r, s) in enumerate(zip(rows, specs))
            if check_dialogue([Turn(**t) for t in r["turns"]], "stop", s, bar) is None
            and (bar.min_nearest_real_cosine is None or nearest[i] >= bar.min_nearest_real_cosine)
        ]
        m: dict[str, Any] = {"passed": len(keep), "pass_rate": round(len(keep) / summary.requested, 4)}
        t, e = passing[(k, name)] = [texts[i] for i in keep], emb[keep]
        if len(keep) >= 2:
            m.update(
                distinct_2=round(diversity.distinct_n(t, 2), 4),
                self_bleu=round(diversity.self_bleu(t), 2),
                vendi=round(diversity.vendi_score(e), 2),
                mean_pairwise_cosine=round(diversity.mean_pairwise_cosine(e), 4),
                nearest_real_cosine=round(float(nearest[keep].mean()), 4),
            )
            if len(keep) >= 10:
                m["c2st_auc"] = round(realism.c2st_auc(e, ref_emb)[0], 4)
        grid = sampler.grid_counts(specs[i] for i in keep)
        m["grid_cells"], m["grid_filled"] = len(grid), sum(v > 0 for v in grid.values())
        m["grid_counts"] = {" | ".join(c): v for c, v in grid.items()}
        out["bars"][name] = m
    return out


def compare_at_equal_n(results: list[dict], passing: dict, sc: SweepConfig) -> None:
    """Add each bar's diversity at one n shared by every cell that has that many passing dialogues:
    Vendi grows with n, so cells are compared on random subsets of the same size (mean and range)."""
    from .evaluate.diversity import at_equal_n

    for name in sc.quality_bars:
        counts = [c["bars"][name]["passed"] for c in results]
        n = sc.equal_n or max(2, int(0.8 * min((x for x in counts if x >= 10), default=0)))
        for c in results:
            texts, emb = passing[(c["cell"], name)]
            m = c["bars"][name]
            m["equal_n"] = at_equal_n(texts, emb, n, seed=c["cell"]) if len(texts) >= n else {"n": n, "too_few": True}


def to_markdown(report: dict) -> str:
    keys = list(report["sweep"]["grid"])
    lines = [
        "| cell | " + " | ".join(keys) + " | quality bar | pass rate | Vendi (passing) | distinct-2 | self-BLEU | "
        "nearest-real cos | C2ST AUC | grid cells filled | n compared | Vendi at n (range) | distinct-2 at n (range) |",
        "|---|" + "---|" * len(keys) + "---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in report["cells"]:
        for name, m in c["bars"].items():
            lines.append(
                f"| {c['cell']} | "
                + " | ".join(str(c["dials"][k]) for k in keys)
                + f" | {name} | {m['pass_rate']:.2f} | "
                f"{m.get('vendi', '')} | {m.get('distinct_2', '')} | {m.get('self_bleu', '')} | "
                f"{m.get('nearest_real_cosine', '')} | {m.get('c2st_auc', '')} | "
                f"{m['grid_filled']}/{m['grid_cells']} | " + _equal_n_cells(m.get("equal_n"))
            )
    return "\n".join(lines) + "\n"


def _equal_n_cells(e: dict | None) -> str:
    if not e:
        return " | | |"
    if e.get("too_few"):
        return f"{e['n']} | fewer passed | |"
    v, d = e["vendi_range"], e["distinct_2_range"]
    return f"{e['n']} | {e['vendi']} ({v[0]}–{v[1]}) | {e['distinct_2']} ({d[0]}–{d[1]}) |"
