"""Stage 2, spec: join subtopic, context, personas and exemplars into ConversationSpecs (streamed)."""

from __future__ import annotations

from collections.abc import Iterator

from ..catalogs import load_context_catalog, load_persona_catalog
from ..config import Config
from ..spec import Context, ConversationSpec
from .contexts import ContextSampler
from .exemplars import ExemplarPool
from .personas import PersonaSampler
from .rng import derive_seed, rng_for
from .subtopics import CoverageLedger, Taxonomy


class SpecSampler:
    """Yields specs 0..n-1; record i depends only on (config, seed, taxonomy, i) and the ledger."""

    def __init__(self, cfg: Config, taxonomy: Taxonomy, pool: ExemplarPool | None):
        self.cfg = cfg
        self.taxonomy = taxonomy
        self.pool = pool
        self.contexts = ContextSampler(load_context_catalog(cfg.context.catalog_dir), cfg.context.temperature)
        self.personas = PersonaSampler(load_persona_catalog(cfg.personas.catalog_dir), cfg.personas.sd_scale)

    def __iter__(self) -> Iterator[ConversationSpec]:
        return self.iter(self.cfg.num_dialogues)

    def iter(self, n: int) -> Iterator[ConversationSpec]:
        ledger = CoverageLedger(self.taxonomy, derive_seed(self.cfg.seed, "ledger"))
        for i in range(n):
            yield self.one(i, *ledger.next())

    def one(self, index: int, topic: str, subtopic: str) -> ConversationSpec:
        cfg = self.cfg
        seed = derive_seed(cfg.seed, index)
        rng = rng_for(seed, "spec")
        drawn = self.contexts.sample(rng)
        extra = {k: v for k, v in drawn.items() if k not in Context.model_fields}
        context = Context(topic=topic, subtopic=subtopic, extra=extra, **{k: v for k, v in drawn.items() if k in Context.model_fields})
        personas = None
        if cfg.personas.enabled:
            personas = [self.personas.sample(rng, self.contexts.age_range(context.age[i]), context.gender[i]) for i in range(2)]
        exemplars = self.pool.draw(rng, cfg.reference.exemplars) if self.pool else []
        summary_ex = self.pool.draw(rng, cfg.summary.exemplars, summaries=True) if self.pool and cfg.summary.enabled else []
        return ConversationSpec(
            id=f"s{cfg.seed}-{index:06d}",
            index=index,
            seed=seed,
            prompt_version=cfg.prompt_version,
            context=context,
            personas=personas,
            exemplar_ids=exemplars,
            summary_exemplar_ids=summary_ex,
        )
