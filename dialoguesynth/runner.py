"""One batch of specs through the stage chain, and the summary of a run: the part every driver
(the local Generator, the Ray actors, sweep through the Generator) shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from .backends import Backend
from .config import Config
from .dedup import Deduper
from .export import rejection_counts
from .models import display_name
from .parsing import flatten
from .sampling.exemplars import ExemplarPool
from .sampling.specs import SpecSampler
from .spec import ConversationSpec, Record, Rejected, RunSummary
from .stages.base import StageRunner
from .stages.dialogue import DialogueStage
from .stages.persona import PersonaLineStage
from .stages.plan import PlanStage, template_plan
from .stages.summary import SummaryStage


class BatchRunner:
    """persona lines → plan → render + checks → dedup → summary, for a batch of specs at a time.

    Every stage sends the whole batch to the engine at once; a spec that fails a stage becomes one
    ``Rejected`` with the stage, the reason and the raw output. ``seen`` remembers accepted dialogues
    across batches (near-duplicates of earlier ones are rejected as ``dedup``)."""

    def __init__(
        self,
        cfg: Config,
        pool: ExemplarPool,
        engine: Backend,
        on_progress: Callable | None = None,
        seen: Deduper | None = None,
    ):
        self.cfg, self.pool = cfg, pool
        self.stages = StageRunner(engine, cfg.checks.max_retries + 1, on_progress, resample=cfg.render.resample)
        self.seen = seen or Deduper(cfg.checks.near_duplicate_threshold)

    def remember(self, records: Iterable[Record]) -> None:
        """Dialogues accepted before (a resumed run) count for dedup."""
        for r in records:
            self.seen.add(r.spec.id, r.dialogue)

    def run(self, specs: list[ConversationSpec]) -> tuple[list[Record], list[Rejected]]:
        cfg, run = self.cfg, self.stages.run
        rejected: list[Rejected] = []
        tokens: dict[str, dict[str, int]] = {s.id: {} for s in specs}

        # optional LLM persona lines (a failure leaves the line empty: it is an extra, not a gate)
        if cfg.personas.enabled and cfg.personas.llm_description:
            items = [(s, i) for s in specs for i in range(2)]
            for (s, i), o in zip(items, run(PersonaLineStage(cfg), items)):
                tokens[s.id]["persona"] = tokens[s.id].get("persona", 0) + o.tokens
                if o.reason is None:
                    s.personas[i].description = o.value

        # plan
        if not cfg.plan.enabled:
            plans = {s.id: "" for s in specs}
        elif cfg.plan.strategy == "template":
            plans = {s.id: template_plan(s, cfg) for s in specs}
        else:
            plans = {}
            for s, o in zip(specs, run(PlanStage(cfg), specs)):
                tokens[s.id]["plan"] = o.tokens
                if o.reason is None:
                    plans[s.id] = o.value
                else:
                    rejected.append(Rejected.of(s, "plan", o))
        specs = [s for s in specs if s.id in plans]

        # render + check + dedup (exact and near)
        dialogues = {}
        for s, o in zip(specs, run(DialogueStage(cfg, self.pool), [(s, plans[s.id]) for s in specs])):
            tokens[s.id]["dialogue"] = o.tokens
            tokens[s.id]["prompt"] = o.output.prompt_tokens
            if o.reason is not None:
                rejected.append(Rejected.of(s, "dialogue", o))
                continue
            text = flatten(o.value)
            if twin := self.seen.admit(s, text, o.attempts):
                rejected.append(twin)
                continue
            dialogues[s.id] = (o, text)
        specs = [s for s in specs if s.id in dialogues]

        # summary (a dialogue whose summary fails is rejected, and no longer counts for dedup)
        summaries = {s.id: "" for s in specs}
        if cfg.summary.enabled and specs:
            for s, o in zip(specs, run(SummaryStage(cfg, self.pool), [(s, dialogues[s.id][1]) for s in specs])):
                tokens[s.id]["summary"] = o.tokens
                if o.reason is None:
                    summaries[s.id] = o.value
                else:
                    del summaries[s.id]
                    self.seen.remove(s.id, dialogues[s.id][1])
                    rejected.append(Rejected.of(s, "summary", o))

        records = [
            Record(
                spec=s,
                plan=plans[s.id],
                turns=dialogues[s.id][0].value,
                dialogue=dialogues[s.id][1],
                summary=summaries[s.id],
                model=display_name(s.model or cfg.model.name),
                attempts=dialogues[s.id][0].attempts,
                render_seed=dialogues[s.id][0].output.seed,
                tokens=tokens[s.id],
            )
            for s in specs
            if s.id in summaries
        ]
        return records, rejected


def run_summary(
    cfg: Config,
    records: list[Record],
    rejected: list[Rejected],
    *,
    resumed: int,
    segment_s: float,
    engine_s: float,
    before: dict | None = None,
    grid: dict | None = None,
    subtopics: dict | None = None,
    warnings: list[str] | None = None,
) -> RunSummary:
    """The summary of a run; ``before``: wall and engine seconds of its earlier segments (time.json)."""
    before = before or {}
    return RunSummary(
        model=display_name(cfg.model.name),
        prompt_version=cfg.prompt_version,
        seed=cfg.seed,
        requested=cfg.num_dialogues,
        accepted=len(records),
        rejected=len(rejected),
        rejected_by_reason=rejection_counts(rejected),
        resumed_from=resumed,
        wall_s=round(before.get("wall_s", 0.0) + segment_s, 1),
        this_segment_s=round(segment_s, 1),
        generation_s=round(before.get("engine_s", 0.0) + engine_s, 1),
        # r.tokens["prompt"] is the render prompt: not a completion
        completion_tokens=sum(n for r in records for k, n in r.tokens.items() if k != "prompt"),
        coverage=coverage(r.spec for r in records),
        coverage_grid=grid,
        subtopics=subtopics,
        # what dedup removed, so it cannot skew the distribution silently
        dedup_removed=coverage(r.spec for r in rejected if r.stage == "dedup"),
        warnings=list(warnings or []),
    )


def coverage(specs: Iterable[ConversationSpec]) -> dict[str, int]:
    """Dialogues per "topic / subtopic", most first."""
    return dict(Counter(f"{s.context.topic} / {s.context.subtopic}" for s in specs).most_common())


def grid_fill(sampler: SpecSampler, records: list[Record]) -> dict:
    """How evenly accepted dialogues fill subtopic × trait bin × context value."""
    grid = sampler.grid_counts(r.spec for r in records)
    counts = list(grid.values())
    cfg = sampler.cfg.coverage
    return {
        "axes": ["topic", "subtopic", f"person1 {cfg.trait} bin", cfg.context],
        "cells": len(counts),
        "filled": sum(c > 0 for c in counts),
        "min": min(counts, default=0),
        "max": max(counts, default=0),
        "counts": {" | ".join(k): v for k, v in grid.items() if v},
    }
