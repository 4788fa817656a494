"""The Generator: sample → spec → plan → render → check → export, in batches, resumable."""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path

import datasets

from .backends import Backend
from .backends.lazy import LazyBackend
from .config import EMBEDDED_REFERENCE, Config, load_config
from .errors import ConfigError
from .export import export
from .labels import load_labeller
from .progress import StageProgress
from .runner import BatchRunner, grid_fill, run_summary
from .sampling.exemplars import ExemplarPool, load_reference
from .sampling.specs import SpecSampler
from .sampling.subtopics import Taxonomy
from .speakers import Style
from .spec import ConversationSpec, Record, Rejected
from .stages.base import StageRunner
from .store import RunStore
from .taxonomy import build_taxonomy, cached_taxonomy, needs_llm


class Generator:
    """Generate a dialogue corpus from a config.

    >>> ds = Generator(load_config("configs/demo.yaml")).run("out/demo")   # doctest: +SKIP
    """

    def __init__(
        self, config: Config | str | Path | None = None, backend: Backend | None = None, progress: bool = True
    ):
        self.cfg = config if isinstance(config, Config) else load_config(config)
        self._owns_backend = backend is None
        self._backend: Backend = LazyBackend(self.cfg) if backend is None else backend
        self.show_progress = progress
        self._pool: ExemplarPool | None = None
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
        """The engine: the one passed in, or the config's, loaded on first use."""
        return self._backend

    def _use_model(self, name: str) -> None:
        """Render the next specs with model ``name`` of the mix; the engine must be able to switch
        (``use(model)``), or every row would name a model that did not render it."""
        use = getattr(self._backend, "use", None)
        if use is None:
            raise ConfigError(
                "model.mix needs a backend that can switch models (a `use(model)` method); "
                "with this one, render one model per run"
            )
        use(name)

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
            # with a target, the corpus is the specs up to its N-th accepted dialogue: their rejections, not
            # those of specs after it (the rest of the last batch, or a larger run resumed for fewer)
            last = kept[-1].spec.index if want and len(kept) == want else None
            shown = [r for r in rejected if r.spec.index <= last] if last is not None else rejected
            summary = run_summary(
                self.cfg, kept, shown, segment_s=time.monotonic() - started, warnings=self.warnings, **stats
            )
            if want:
                # the specs after the target stay in run/; a larger --accepted exports them
                summary.accepted_target = want
                summary.surplus_not_exported = len(records) - len(kept)
                summary.rejected_after_target = len(rejected) - len(shown)
                summary.requested = len(kept) + len(shown)
                summary.spec_budget = self.cfg.num_dialogues
                if len(kept) < want:
                    self.warnings.append(
                        f"only {len(kept)} of {want} dialogues passed within the budget of {self.cfg.num_dialogues} "
                        "specs (num_dialogues); raise it to try more"
                    )
                    summary.warnings = list(self.warnings)
            store.save_json("summary.json", summary.model_dump(exclude_none=True))
            config = json.loads(self.cfg.model_dump_json())
            return export(out, kept, shown, summary, config, self.cfg.run.export_formats, self.speaker_style)
        finally:
            store.release()
            if self._owns_backend:
                self._backend.close()

    def _taxonomy(self, store: RunStore, runner: StageRunner) -> Taxonomy:
        taxonomy = cached_taxonomy(store)
        if taxonomy is None:
            taxonomy, warnings = build_taxonomy(self.cfg, runner if needs_llm(self.cfg) else None)
            self.warnings += warnings
            store.save_json("taxonomy.json", taxonomy.model_dump())
        return taxonomy

    def _generate(self, store: RunStore, bars: StageProgress):
        cfg = self.cfg
        records, rejected = store.records(), store.rejected()
        done = {r.spec.id for r in records} | {r.spec.id for r in rejected}
        # time spent by earlier segments of this run (a killed one counts up to its last saved batch)
        before = store.load_json("time.json") or {}
        stats = {"resumed": len(done), "engine_s": 0.0, "before": before}
        started = time.monotonic()
        want = cfg.run.accepted
        if len(done) >= cfg.num_dialogues or (want and len(records) >= want):
            return records, rejected, stats
        runner = BatchRunner(cfg, self.pool, self._backend, bars.update)
        runner.remember(records)
        taxonomy = self._taxonomy(store, runner.stages)
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
                new, bad = runner.run(batch)
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
        stats["grid"] = grid_fill(sampler, records)
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
