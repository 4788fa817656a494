"""Where a run's subtopics come from: a taxonomy file, the LLM, or the topics themselves."""

from __future__ import annotations

from .catalogs import load_context_catalog
from .config import Config
from .sampling.subtopics import Taxonomy
from .stages.base import StageRunner
from .stages.subtopics import SubtopicStage


def topic_weights(cfg: Config) -> dict[str, float]:
    return dict(cfg.topics.topics) if cfg.topics.topics else dict(load_context_catalog(cfg.context.catalog_dir).topics)


def needs_llm(cfg: Config) -> bool:
    return cfg.topics.taxonomy_file is None and cfg.topics.expand


def build_taxonomy(cfg: Config, runner: StageRunner | None = None) -> tuple[Taxonomy, list[str]]:
    """The taxonomy and any warnings. Without a runner, LLM expansion is skipped (topics only)."""
    weights = topic_weights(cfg)
    if cfg.topics.taxonomy_file is not None:
        return Taxonomy.from_file(cfg.topics.taxonomy_file, cfg.topics.topics and weights), []
    if not cfg.topics.expand or runner is None:
        return Taxonomy.from_topics(weights), []
    stage = SubtopicStage(cfg)
    topics = list(weights)
    outcomes = StageRunner(runner.backend, cfg.topics.max_attempts, runner.on_progress).run(stage, topics)
    subtopics, warnings = {}, []
    for topic, o in zip(topics, outcomes):
        items = o.value or []
        if o.reason is not None:
            warnings.append(f"topic {topic!r}: {len(items)}/{stage.m} usable subtopics after {o.attempts} attempts ({o.reason})")
        subtopics[topic] = items or [topic]
    return Taxonomy(subtopics=subtopics, weights=weights, source="llm"), warnings
