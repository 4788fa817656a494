"""Stage 2, spec: join subtopic, context, personas and exemplars into ConversationSpecs (streamed)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

from ..catalogs import load_context_catalog, load_persona_catalog
from ..config import Config
from ..spec import Context, ConversationSpec
from .contexts import ContextSampler
from .exemplars import ExemplarPool
from .personas import PersonaSampler
from .rng import Draws, derive_seed
from .subtopics import CoverageLedger, Taxonomy

_CONTEXT_FIELDS = frozenset(Context.model_fields)


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

    def json_lines(self, n: int, workers: int = 1, chunk: int = 4000) -> Iterator[str]:
        """Specs 0..n-1 as JSON lines, in order, identical for any ``workers``; with workers > 1,
        chunks are sampled in forked processes (each keeps its own coverage ledger in step)."""
        if workers <= 1 or n <= chunk:
            yield from (s.model_dump_json() + "\n" for s in self.iter(n))
            return
        global _SHARED
        self.personas.warm()  # build faker pools once, before the fork
        _SHARED = self
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_sample_chunk, [(a, min(a + chunk, n)) for a in range(0, n, chunk)])

    def one(self, index: int, topic: str, subtopic: str) -> ConversationSpec:
        cfg = self.cfg
        seed = derive_seed(cfg.seed, index)
        draws = Draws(seed)
        drawn = self.contexts.sample(draws)
        extra = {k: v for k, v in drawn.items() if k not in _CONTEXT_FIELDS}
        context = Context(topic=topic, subtopic=subtopic, extra=extra, **{k: v for k, v in drawn.items() if k in _CONTEXT_FIELDS})
        personas = None
        if cfg.personas.enabled:
            personas = [self.personas.sample(draws, self.contexts.age_range(context.age[i]), context.gender[i]) for i in range(2)]
        exemplars = self.pool.draw(draws, cfg.reference.exemplars) if self.pool else []
        summary_ex = self.pool.draw(draws, cfg.summary.exemplars, summaries=True) if self.pool and cfg.summary.enabled else []
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


_SHARED: SpecSampler | None = None  # the sampler a forked worker inherited
_LEDGER: tuple[CoverageLedger, list[int]] | None = None  # that worker's ledger and its position


def _sample_chunk(bounds: tuple[int, int]) -> str:
    global _LEDGER
    start, stop = bounds
    sampler = _SHARED
    if _LEDGER is None or _LEDGER[1][0] > start:
        _LEDGER = (CoverageLedger(sampler.taxonomy, derive_seed(sampler.cfg.seed, "ledger")), [0])
    ledger, pos = _LEDGER
    while pos[0] < start:  # chunks arrive in increasing order: skip the ones other workers took
        ledger.next()
        pos[0] += 1
    lines = []
    for i in range(start, stop):
        lines.append(sampler.one(i, *ledger.next()).model_dump_json())
    pos[0] = stop
    return "\n".join(lines) + "\n"
