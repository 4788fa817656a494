"""Stage 2, spec: join subtopic, context, personas and exemplars into ConversationSpecs (streamed)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator

from ..catalogs import load_context_catalog, load_persona_catalog
from ..config import Config
from ..errors import ConfigError
from ..labels import Labels, context_labels
from ..spec import Context, ConversationSpec
from .contexts import ContextSampler
from .exemplars import ExemplarPool
from .personas import PersonaSampler, trait_bin
from .rng import Draws, Weighted, derive_seed
from .subtopics import CoverageLedger, Taxonomy

_CONTEXT_FIELDS = frozenset(Context.model_fields)
BINS = ("low", "mid", "high")
FILL_ATTEMPTS = 200  # rejection-sampling tries to land a spec in its target cell


def spec_id(seed: int, index: int) -> str:
    return f"s{seed}-{index:06d}"


class SpecSampler:
    """Yields specs 0..n-1; record i depends only on (config, seed, taxonomy, i) and the ledger
    (with coverage.fill_gaps, also on the specs already accepted: see ``fill``)."""

    def __init__(self, cfg: Config, taxonomy: Taxonomy, pool: ExemplarPool | None):
        self.cfg = cfg
        self.taxonomy = taxonomy
        self.pool = pool
        ctx_catalog = load_context_catalog(cfg.context.catalog_dir)
        self.contexts = ContextSampler(ctx_catalog, cfg.context.temperature)
        self.personas = PersonaSampler(load_persona_catalog(cfg.personas.catalog_dir), cfg.personas.sd_scale)
        self._mix = Weighted(cfg.model.mix) if cfg.model.mix else None
        self._sets: dict[tuple, list[str]] = {}  # reference.share: the exemplar sets specs share
        char = ctx_catalog.characteristics.get(cfg.coverage.context)
        if char is None or char.kind != "single":
            raise ConfigError(
                f"coverage.context: {cfg.coverage.context!r} is not a single-valued context characteristic "
                f"(choose one of {[n for n, c in ctx_catalog.characteristics.items() if c.kind == 'single']})"
            )
        self.context_values = list(char.values)

    def __iter__(self) -> Iterator[ConversationSpec]:
        return self.iter(self.cfg.num_dialogues)

    def iter(self, n: int) -> Iterator[ConversationSpec]:
        ledger = CoverageLedger(self.taxonomy, derive_seed(self.cfg.seed, "ledger"))
        for i in range(n):
            yield self.one(i, *ledger.next())

    # -- the coverage grid -------------------------------------------------------------------
    def trait_bin(self, spec: ConversationSpec) -> str:
        return trait_bin(spec.personas[0] if spec.personas else None, self.cfg.coverage.trait, self.personas.catalog)

    def cell(self, spec: ConversationSpec) -> tuple[str, str, str, str]:
        """(topic, subtopic, Person1's trait bin, context value): the cell a spec fills."""
        c = spec.context
        value = getattr(c, self.cfg.coverage.context, None) or c.extra.get(self.cfg.coverage.context)
        return c.topic, c.subtopic, self.trait_bin(spec), value

    def grid(self) -> list[tuple[str, str, str, str]]:
        bins = BINS if self.cfg.personas.enabled else ("mid",)
        return [(t, s, b, v) for t, s, _ in self.taxonomy.cells() for b in bins for v in self.context_values]

    def grid_counts(self, specs: Iterable[ConversationSpec]) -> dict[tuple[str, str, str, str], int]:
        """Every grid cell with how many of ``specs`` fall in it (specs outside the grid are ignored)."""
        counts = dict.fromkeys(self.grid(), 0)
        for s in specs:
            key = self.cell(s)
            if key in counts:
                counts[key] += 1
        return counts

    def fill(self, start: int, n: int, accepted: Iterable[ConversationSpec]) -> Iterator[ConversationSpec]:
        """Specs start..n-1, each aimed at the grid cell with the fewest specs so far (accepted ones,
        then those issued here): rejection sampling from the spec's own seed, then further seeds."""
        counts = self.grid_counts(accepted)
        order = {c: k for k, c in enumerate(counts)}
        for i in range(start, n):
            target = min(counts, key=lambda c: (counts[c], order[c]))
            spec = None
            for attempt in range(FILL_ATTEMPTS):
                cand = self.one(
                    i,
                    target[0],
                    target[1],
                    draw_seed=derive_seed(self.cfg.seed, i, "fill", attempt) if attempt else None,
                )
                if self.cell(cand) == target:
                    spec = cand
                    break
            spec = spec or cand  # a cell the constraints make rare: keep its subtopic, count what we got
            counts[self.cell(spec)] = counts.get(self.cell(spec), 0) + 1
            yield spec

    # -- sampling -----------------------------------------------------------------------------
    def _exemplars(self, draws: Draws, c: Context, seed: int) -> list[str]:
        """Few-shot exemplars: matched to the spec's context (reference.match), else at random; with
        reference.share, one of the sets its medium shares (drawn from the spec seed)."""
        k, match = self.cfg.reference.exemplars, self.cfg.reference.match and self.cfg.context.enabled
        if self.cfg.reference.share:
            key = (c.medium,) if match else ()
            return self._shared("dialogue", *key, derive_seed(seed, "share") % self.cfg.reference.share)
        if not match:
            return self.pool.draw(draws, k)
        return self.pool.match(draws, k, context_labels(c), f"{c.topic} {c.subtopic}")

    def _summary_exemplars(self, draws: Draws, seed: int) -> list[str]:
        if self.cfg.reference.share:
            return self._shared("summary", derive_seed(seed, "share-summary") % self.cfg.reference.share)
        return self.pool.draw(draws, self.cfg.summary.exemplars, summaries=True)

    def _shared(self, kind: str, *key: str | int) -> list[str]:
        """One shared exemplar set, the same for every spec naming it: from the run seed and its key only."""
        if (kind, *key) not in self._sets:
            draws = Draws(derive_seed(self.cfg.seed, "shared-exemplars", kind, *key))
            if kind == "summary":
                ids = self.pool.draw(draws, self.cfg.summary.exemplars, summaries=True)
            elif len(key) == 2:  # (medium, j): of that medium, typical length; the decoder realises the rest
                # few candidates, so the N sets of a medium differ even where it has few dialogues
                want = Labels(medium=key[0], turns=10)
                ids = self.pool.match(
                    draws, self.cfg.reference.exemplars, want, "", candidates=4 * self.cfg.reference.exemplars
                )
            else:
                ids = self.pool.draw(draws, self.cfg.reference.exemplars)
            self._sets[(kind, *key)] = ids
        return self._sets[(kind, *key)]

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

    def one(self, index: int, topic: str, subtopic: str, draw_seed: int | None = None) -> ConversationSpec:
        cfg = self.cfg
        seed = derive_seed(cfg.seed, index)
        draws = Draws(draw_seed if draw_seed is not None else seed)
        drawn = self.contexts.sample(draws)
        extra = {k: v for k, v in drawn.items() if k not in _CONTEXT_FIELDS}
        context = Context(
            topic=topic, subtopic=subtopic, extra=extra, **{k: v for k, v in drawn.items() if k in _CONTEXT_FIELDS}
        )
        personas = None
        if cfg.personas.enabled:
            personas = [
                self.personas.sample(draws, self.contexts.age_range(context.age[i]), context.gender[i])
                for i in range(2)
            ]
        exemplars = self._exemplars(draws, context, seed) if self.pool else []
        summary_ex = self._summary_exemplars(draws, seed) if self.pool and cfg.summary.enabled else []
        return ConversationSpec(
            id=spec_id(cfg.seed, index),
            index=index,
            seed=seed,
            prompt_version=cfg.prompt_version,
            context=context,
            personas=personas,
            exemplar_ids=exemplars,
            summary_exemplar_ids=summary_ex,
            model=draws.pick(self._mix) if self._mix else None,  # last draw: a mix leaves the rest unchanged
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
