"""Subtopic expansion: the LLM lists m subtopics per topic as JSON (schema-guided), validated."""

from __future__ import annotations

from ..backends import Completion, GenRequest
from ..config import Config
from ..parsing import parse_json_list
from ..prompts import render
from ..sampling.rng import derive_seed
from .base import Stage


def clean_subtopics(items: list[str], topic: str, m: int) -> list[str]:
    """Unique (case-insensitive), not the topic itself, at most m."""
    seen, out = {topic.lower()}, []
    for s in items:
        s = " ".join(s.split())
        if 3 <= len(s) <= 80 and s.lower() not in seen:
            seen.add(s.lower())
            out.append(s)
    return out[:m]


class SubtopicStage(Stage[str]):
    name = "subtopics"

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.m = cfg.topics.subtopics_per_topic

    def key(self, topic: str) -> int:
        return derive_seed(self.cfg.seed, topic)

    def request(self, topic: str, seed: int) -> GenRequest:
        schema = {"type": "array", "minItems": self.m, "maxItems": self.m,
                  "items": {"type": "string", "minLength": 3, "maxLength": 60}}
        return GenRequest(prompt=render(self.cfg.prompt_version, "subtopics", topic=topic),
                          max_tokens=24 * self.m + 16, temperature=0.8, top_p=0.95, seed=seed, json_schema=schema)

    def parse(self, topic: str, completion: Completion):
        items, reason = parse_json_list(completion.text)
        items = clean_subtopics(items, topic, self.m)
        if reason is None and len(items) < self.m:
            reason = "duplicate_or_invalid_subtopics"
        return items, reason
