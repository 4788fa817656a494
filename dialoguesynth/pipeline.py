"""The Generator: sample → spec → plan → render → check → export, in batches, resumable."""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path

import datasets

from .backends import Backend, make_backend
from .config import EMBEDDED_REFERENCE, Config, load_config
from .dedup import Deduper
from .errors import ConfigError
from .export import export, rejection_counts
from .labels import load_labeller
from .models import display_name
from .parsing import flatten
from .progress import StageProgress
from .sampling.exemplars import ExemplarPool, load_reference
from .sampling.specs import SpecSampler
from .sampling.subtopics import Taxonomy
from .speakers import Style
from .spec import ConversationSpec, Record, Rejected
from .stages.base import StageRunner
from .stages.dialogue import DialogueStage
from .stages.persona import PersonaLineStage
from .stages.plan import PlanStage, template_plan
from .stages.summary import SummaryStage
from .store import RunStore
from .taxonomy import build_taxonomy, needs_llm


class Generator:
    """Generate a dialogue corpus from a config.

    >>> ds = Generator(load_config("configs/demo.yaml")).run("out/demo")   # doctest: +SKIP
    """

    def __init__(
        self, config: Config | str | Path | None = None, backend: Backend | None = None, progress: bool = True
    ):
        self.cfg = config if isinstance(config, Config) else load_config(config)
        self._backend = backend
        self._owns_backend = backend is None
        self.show_progress = progress
        self._pool: ExemplarPool | None = None
        self._model: str | None = None  # the model.mix entry being rendered (None: model.name)
        self.warnings: list[str] = []

    # -- parts -------------------------------------------------------------------------------
    @property
    def pool(self) -> ExemplarPool:
        if self._pool is None:
            r = self.cfg.reference
            labeller = load_labeller(self.cfg.context.catalog_dir) if r.match else None
            ref = load_reference(r.path)
            self._pool = ExemplarPool(ref, r.max_exemplar_chars, r.max_exemplar_turns, labeller)
            if ref.multi_party:
                self.warnings.append(
                    f"{ref.multi_party} reference dialogues have more than two speakers: never used as exemplars "
                    "(dialoguesynth writes two-party dialogues)"
                )
            if ref.unreadable:
                self.warnings.append(f"{ref.unreadable} reference rows had no readable turns: skipped")
            if str(r.path) == EMBEDDED_REFERENCE:
                self.warnings.append(
                    f"few-shot exemplars come from the embedded pool ({len(self._pool.by_id)} dialogues written for "
                    "the project); point reference.path at DialogSum or your own data for realism "
                    "(README: Reference data)"
                )
        return self._pool

    @property
    def speaker_style(self) -> Style:
        """How the corpus writes its speakers (reference.speaker_style; auto: as the reference does)."""
        style = self.cfg.reference.speaker_style
        return self.pool.style if style == "auto" else style

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            cfg = self.cfg
            if self._model is not None:
                cfg = cfg.model_copy(update={"model": cfg.model.model_copy(update={"name": self._model})})
            self._backend = make_backend(cfg)
        return self._backend

    def _use_model(self, name: str) -> None:
        """Switch to another model of the mix: close the engine (one per process on CPU), load lazily."""
        if name == (self._model or self.cfg.model.name):
            return
        if not self._owns_backend:
            # a passed-in engine must switch models itself, or every row would name a model that did not render it
            use = getattr(self._backend, "use", None)
            if use is None:
                raise ConfigError(
                    "model.mix needs a backend that can switch models (a `use(model)` method); "
                    "with this one, render one model per run"
                )
            use(name)
            self._model = name
            return
        if self._owns_backend and self._backend is not None:
            self._backend.close()
            self._backend = None
        self._model = name

    def spec_sampler(self, taxonomy: Taxonomy | None = None) -> SpecSampler:
        """The spec sampler. Without a taxonomy, topics are not LLM-expanded (no model needed)."""
        return SpecSampler(self.cfg, taxonomy or build_taxonomy(self.cfg)[0], self.pool)

    def specs(self, taxonomy: Taxonomy | None = None, n: int | None = None) -> Iterator[ConversationSpec]:
        """Sampled specs, streamed."""
        return self.spec_sampler(taxonomy).iter(n or self.cfg.num_dialogues)

    # -- run ---------------------------------------------------------------------------------
    def run(self, output_dir: str | Path | None = None, fresh: bool = False) -> datasets.Dataset:
        """Generate ``num_dialogues`` specs' worth of dialogues into ``output_dir`` (resuming a
        previous run of the same config there) and return the accepted ones as a Dataset."""
        out = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix="dialoguesynth-"))
        store = RunStore(out).open(self.cfg, fresh=fresh)
        started = time.monotonic()
        try:
            with StageProgress(enabled=self.show_progress) as bars:
                records, rejected, stats = self._generate(store, bars)
            self.warnings += store.warnings
            want = self.cfg.run.accepted
            kept = sorted(records, key=lambda r: r.spec.index)[:want] if want else records
            stats["segment_s"] = time.monotonic() - started
            summary = self._summary(kept, rejected, stats)
            if want:
                # the surplus of the last batch stays in run/records.jsonl; a larger --accepted exports it
                summary |= {
                    "accepted_target": want,
                    "surplus_not_exported": len(records) - len(kept),
                    "requested": len(records) + len(rejected),
                    "spec_budget": self.cfg.num_dialogues,
                }
                if len(kept) < want:
                    self.warnings.append(
                        f"only {len(kept)} of {want} dialogues passed within the budget of {self.cfg.num_dialogues} "
                        "specs (num_dialogues); raise it to try more"
                    )
                    summary["warnings"] = self.warnings
            store.save_json("summary.json", summary)
            config = json.loads(self.cfg.model_dump_json())
            return export(out, kept, rejected, summary, config, self.cfg.run.export_formats, self.speaker_style)
        finally:
            store.release()
            if self._owns_backend and self._backend is not None:
                self._backend.close()
                self._backend = None

    def _taxonomy(self, store: RunStore, runner: StageRunner) -> Taxonomy:
        cached = store.load_json("taxonomy.json")
        if cached:
            try:
                return Taxonomy.model_validate(cached)
            except ValueError:
                store.warnings.append("taxonomy.json did not match the expected layout; rebuilt")
        taxonomy, warnings = build_taxonomy(self.cfg, runner if needs_llm(self.cfg) else None)
        self.warnings += warnings
        store.save_json("taxonomy.json", taxonomy.model_dump())
        return taxonomy

    def _generate(self, store: RunStore, bars: StageProgress):
        cfg = self.cfg
        records, rejected = store.records(), store.rejected()
        done = {r.spec.id for r in records} | {r.spec.id for r in rejected}
        seen = Deduper(cfg.checks.near_duplicate_threshold)
        for r in records:
            seen.add(r.spec.id, r.dialogue)
        # time spent by earlier segments of this run (a killed one counts up to its last saved batch)
        before = store.load_json("time.json") or {}
        stats = {"resumed": len(done), "engine_s": 0.0, "before": before}
        started = time.monotonic()
        want = cfg.run.accepted
        if len(done) >= cfg.num_dialogues or (want and len(records) >= want):
            return records, rejected, stats
        runner = StageRunner(_LazyBackend(self), cfg.checks.max_retries + 1, bars.update, resample=cfg.render.resample)
        taxonomy = self._taxonomy(store, runner)
        bars.add("dialogues", cfg.num_dialogues)
        bars.advance("dialogues", len(done))
        sampler = SpecSampler(cfg, taxonomy, self.pool)
        todo = self._todo(sampler, done, records, rejected)
        # a model mix renders model by model, each engine loaded once (one engine per process on CPU)
        groups = [(None, todo)]
        if cfg.model.mix:
            todo = list(todo)
            groups = [(name, iter([s for s in todo if s.model == name])) for name in cfg.model.mix]
        for name, specs in groups:
            if name is not None:
                self._use_model(name)
            while batch := list(islice(specs, self._batch_size(records, rejected))):
                t0 = time.monotonic()
                new, bad = self._batch(batch, runner, seen)
                stats["engine_s"] += time.monotonic() - t0
                store.append(new, bad)
                store.save_json(
                    "time.json",
                    {
                        "wall_s": before.get("wall_s", 0.0) + time.monotonic() - started,
                        "engine_s": before.get("engine_s", 0.0) + stats["engine_s"],
                    },
                )
                records += new
                rejected += bad
                bars.advance("dialogues", len(batch))
        stats["grid"] = _grid_fill(sampler, records)
        stats["subtopics"] = {"source": taxonomy.source, "kept": taxonomy.subtopics, "rejected": taxonomy.rejected}
        return records, rejected, stats

    def _batch_size(self, records: list[Record], rejected: list[Rejected]) -> int:
        """Specs for the next batch: the configured size, or with run.accepted just enough for the
        dialogues still wanted at the pass rate seen so far (0 when they are there)."""
        size, want = self.cfg.run.batch_size, self.cfg.run.accepted
        if not want:
            return size
        need = want - len(records)
        tried = len(records) + sum(r.stage != "dedup" for r in rejected)
        rate = len(records) / tried if tried else 1.0
        return 0 if need <= 0 else min(size, math.ceil(need / max(rate, 0.05)))

    def _todo(
        self, sampler: SpecSampler, done: set[str], records: list[Record], rejected: list[Rejected]
    ) -> Iterator[ConversationSpec]:
        """Specs still to render. With coverage.fill_gaps, the ones past everything already done
        are aimed at the emptiest cells of the coverage grid."""
        n = self.cfg.num_dialogues
        if not self.cfg.coverage.fill_gaps:
            return (s for s in sampler.iter(n) if s.id not in done)
        start = 1 + max((r.spec.index for r in (*records, *rejected)), default=-1)
        head = (s for s in sampler.iter(min(start, n)) if s.id not in done)
        return chain(head, sampler.fill(start, n, [r.spec for r in records]))

    def _batch(self, specs: list[ConversationSpec], runner: StageRunner, seen: Deduper):
        cfg, pool = self.cfg, self.pool
        rejected: list[Rejected] = []
        tokens: dict[str, dict[str, int]] = {s.id: {} for s in specs}

        # optional LLM persona lines (a failure leaves the line empty: it is an extra, not a gate)
        if cfg.personas.enabled and cfg.personas.llm_description:
            items = [(s, i) for s in specs for i in range(2)]
            for (s, i), o in zip(items, runner.run(PersonaLineStage(cfg), items)):
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
            for s, o in zip(specs, runner.run(PlanStage(cfg), specs)):
                tokens[s.id]["plan"] = o.tokens
                if o.reason is None:
                    plans[s.id] = o.value
                else:
                    rejected.append(
                        Rejected(spec=s, stage="plan", reason=o.reason, raw=o.output.text, attempts=o.attempts)
                    )
        specs = [s for s in specs if s.id in plans]

        # render + check + dedup (exact and near)
        dialogues = {}
        for s, o in zip(specs, runner.run(DialogueStage(cfg, pool), [(s, plans[s.id]) for s in specs])):
            tokens[s.id]["dialogue"] = o.tokens
            tokens[s.id]["prompt"] = o.output.prompt_tokens
            if o.reason is not None:
                rejected.append(
                    Rejected(spec=s, stage="dialogue", reason=o.reason, raw=o.output.text, attempts=o.attempts)
                )
                continue
            text = flatten(o.value)
            twin, reason = seen.twin(text)
            if twin is not None:
                rejected.append(
                    Rejected(spec=s, stage="dedup", reason=reason, raw=text, attempts=o.attempts, duplicate_of=twin)
                )
                continue
            seen.add(s.id, text)
            dialogues[s.id] = (o, text)
        specs = [s for s in specs if s.id in dialogues]

        # summary
        summaries = {s.id: "" for s in specs}
        if cfg.summary.enabled and specs:
            for s, o in zip(specs, runner.run(SummaryStage(cfg, pool), [(s, dialogues[s.id][1]) for s in specs])):
                tokens[s.id]["summary"] = o.tokens
                if o.reason is None:
                    summaries[s.id] = o.value
                else:
                    del summaries[s.id]
                    seen.remove(s.id, dialogues[s.id][1])
                    rejected.append(
                        Rejected(spec=s, stage="summary", reason=o.reason, raw=o.output.text, attempts=o.attempts)
                    )

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

    def _summary(self, records: list[Record], rejected: list[Rejected], stats: dict) -> dict:
        before = stats.get("before", {})
        return {
            "model": display_name(self.cfg.model.name),
            "prompt_version": self.cfg.prompt_version,
            "seed": self.cfg.seed,
            "requested": self.cfg.num_dialogues,
            "accepted": len(records),
            "rejected": len(rejected),
            "rejected_by_reason": rejection_counts(rejected),
            "resumed_from": stats["resumed"],
            # over every segment of the run (resumed ones too); this_segment_s: this process alone
            "wall_s": round(before.get("wall_s", 0.0) + stats["segment_s"], 1),
            "this_segment_s": round(stats["segment_s"], 1),
            "generation_s": round(before.get("engine_s", 0.0) + stats["engine_s"], 1),
            # of the accepted dialogues, every stage and attempt (r.tokens["prompt"] is the render prompt)
            "completion_tokens": sum(n for r in records for k, n in r.tokens.items() if k != "prompt"),
            "coverage": _coverage(r.spec for r in records),
            "coverage_grid": stats.get("grid"),
            # every subtopic used, and every candidate the subtopic check turned away (with why)
            "subtopics": stats.get("subtopics"),
            # what dedup removed, so it cannot skew the distribution silently
            "dedup_removed": _coverage(r.spec for r in rejected if r.stage == "dedup"),
            "warnings": self.warnings,
        }


def _grid_fill(sampler: SpecSampler, records: list[Record]) -> dict:
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


def _coverage(specs) -> dict[str, int]:
    return dict(Counter(f"{s.context.topic} / {s.context.subtopic}" for s in specs).most_common())


class _LazyBackend:
    """Loads the engine on first use, so a fully resumed run never starts vLLM."""

    def __init__(self, gen: Generator):
        self.gen = gen

    @property
    def model_name(self) -> str:
        return self.gen.backend.model_name

    def generate(self, requests, progress=None):
        return self.gen.backend.generate(requests, progress)

    def close(self) -> None:
        pass
