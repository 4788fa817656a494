"""Where a run's subtopics come from: a taxonomy file, or a mix of sources — the curated catalog
(``contexts/taxonomy.yaml``), validated LLM expansion, the reference corpus's own topic labels."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .catalogs import catalog_dir, load_context_catalog
from .config import Config
from .sampling.exemplars import load_reference
from .sampling.subtopics import Taxonomy
from .stages.base import StageRunner
from .stages.subtopics import SubtopicList, SubtopicStage, check_subtopics
from .words import stems

if TYPE_CHECKING:
    from .store import RunStore

REFERENCE_MIN_COUNT = 2  # a reference topic label used at least this often (typos and one-offs stay out)


def topic_weights(cfg: Config) -> dict[str, float]:
    return dict(cfg.topics.topics) if cfg.topics.topics else dict(load_context_catalog(cfg.context.catalog_dir).topics)


def needs_llm(cfg: Config) -> bool:
    return cfg.topics.taxonomy_file is None and cfg.topics.expand and "llm" in cfg.topics.sources


def cached_taxonomy(store: RunStore) -> Taxonomy | None:
    """The taxonomy a run saved (a resumed run keeps its subtopics), or None: none yet, or one that no
    longer reads (then it is rebuilt, with a warning in the run)."""
    cached = store.load_json("taxonomy.json")
    if not cached:
        return None
    try:
        return Taxonomy.model_validate(cached)
    except ValueError:
        store.warnings.append("taxonomy.json did not match the expected layout; rebuilt")
        return None


def build_taxonomy(cfg: Config, runner: StageRunner | None = None) -> tuple[Taxonomy, list[str]]:
    """The taxonomy and any warnings. Without a runner, LLM expansion is skipped."""
    weights = topic_weights(cfg)
    if cfg.topics.taxonomy_file is not None:
        return Taxonomy.from_file(cfg.topics.taxonomy_file, cfg.topics.topics and weights), []
    if not cfg.topics.expand:
        return Taxonomy.from_topics(weights), []
    m = cfg.topics.subtopics_per_topic
    lists: dict[str, list[SubtopicList]] = {t: [] for t in weights}
    warnings: list[str] = []
    for source in cfg.topics.sources:
        if source == "catalog":
            found = _catalog(cfg)
            for t in weights:
                lists[t].append(check_subtopics(found.get(t, []), t, m))
        elif source == "reference":
            found = _reference_labels(cfg, list(weights))
            for t in weights:
                lists[t].append(check_subtopics(found.get(t, []), t, m))
        elif runner is not None:
            stage = SubtopicStage(cfg)
            outcomes = StageRunner(runner.backend, cfg.topics.max_attempts, runner.on_progress).run(
                stage, list(weights)
            )
            for t, o in zip(weights, outcomes):
                lists[t].append(o.value or SubtopicList())
    subtopics, rejected = {}, {}
    for t, parts in lists.items():
        merged = list(dict.fromkeys(s for p in parts for s in p.kept))  # sources in config order, no repeats
        rejected[t] = [r for p in parts for r in p.rejected]
        if not merged:
            warnings.append(
                f"topic {t!r}: no usable subtopic from {', '.join(cfg.topics.sources)}; the topic is its own subtopic"
            )
        subtopics[t] = merged or [t]
    used = [s for s in cfg.topics.sources if s != "llm" or runner is not None]  # no runner: no LLM expansion
    source = "+".join(used) or "topics"
    return Taxonomy(subtopics=subtopics, weights=weights, source=source, rejected=rejected), warnings


def _catalog(cfg: Config) -> dict[str, list[str]]:
    path = catalog_dir("contexts", cfg.context.catalog_dir) / "taxonomy.yaml"
    return Taxonomy.from_file(path).subtopics if path.is_file() else {}


def _reference_labels(cfg: Config, topics: list[str]) -> dict[str, list[str]]:
    """The reference corpus's topic labels, each under the one topic whose every content word it
    shares (crude stems, most frequent first): DialogSum's 'see a doctor' under 'seeing a doctor'."""
    counts = Counter(r.topic.strip().lower() for r in load_reference(cfg.reference.path) if r.topic)
    topic_stems = {t: stems(t) for t in topics}
    out: dict[str, list[str]] = {t: [] for t in topics}
    for label, n in counts.most_common():
        if n < REFERENCE_MIN_COUNT:
            break
        hits = [t for t in topics if topic_stems[t] <= stems(label)]
        if len(hits) == 1:
            out[hits[0]].append(label)
    return out
