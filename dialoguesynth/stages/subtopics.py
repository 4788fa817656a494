"""Subtopic expansion: the LLM lists m subtopics per topic as JSON (schema-guided); every candidate
passes ``subtopic_problem`` or is rejected with its reason (kept for the run summary)."""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, Field

from ..backends import Completion, GenRequest
from ..config import Config
from ..parsing import parse_json_list
from ..prompts import render, template
from ..sampling.rng import derive_seed
from ..words import stems
from .base import Stage

_WORDS = re.compile(r"[a-z']+")
_ENDS_BADLY = frozenset("a an the of to for with at in on and or but by from about as my your".split())
_PLACEHOLDER = re.compile(
    r"\b(subtopics?|topics?|examples?|etc|situations?|n/?a|xxx|something|stuff|things?)\b|\.\.\.|…"
)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|me|my|we|we're|our|us)\b")
_BAD_CHARS = re.compile(r"[\[\]{}|/\\<>#*_=\"@$%^~`;:!?]|\d")


class SubtopicList(BaseModel):
    """One topic's usable subtopics and the candidates that failed the check, with why."""

    kept: list[str] = Field(default_factory=list)
    rejected: list[tuple[str, str]] = Field(default_factory=list)


@cache
def prompt_examples(version: str) -> frozenset[str]:
    """Every quoted phrase of the subtopic prompt: a candidate equal to one was copied, not written."""
    return frozenset(s.lower() for s in re.findall(r'"([^"]+)"', template(version, "subtopics")))


def subtopic_problem(s: str, topic: str, copied_from: frozenset[str] = frozenset()) -> str | None:
    """None when ``s`` reads as a specific situation within ``topic``; else why not."""
    low = " ".join(s.lower().split())
    words = _WORDS.findall(low)
    if low in copied_from:
        return "copied from the prompt"
    if low == topic.lower():
        return "the topic itself"
    if len(words) < 2:
        return "a single word, not a situation"
    if _BAD_CHARS.search(low) or low.count("(") != low.count(")"):
        return "a fragment (stray symbols or digits)"
    if words[-1] in _ENDS_BADLY or words[0] in {"and", "or", "of", "but"}:
        return "a fragment (cut off)"
    if len(set(words)) < len(words) - 1 or any(words[i] == words[i + 1] for i in range(len(words) - 1)):
        return "a fragment (repeated words)"
    if len(words) > 10 or len(low) > 80:
        return "too long for a subtopic"
    if _PLACEHOLDER.search(low):
        return "a placeholder"
    if _FIRST_PERSON.search(low):
        return "a first-person clause"
    if s[:1].isupper() and sum(w[:1].isupper() for w in s.split()) == len(s.split()) and len(words) > 1:
        return "a title or name, not a situation"
    return None


def check_subtopics(items: list[str], topic: str, m: int, copied_from: frozenset[str] = frozenset()) -> SubtopicList:
    """The first m candidates that pass, unique case-insensitively; the rest with reasons."""
    out, seen = SubtopicList(), set()
    for s in items:
        s = " ".join(str(s).split()).rstrip(".")
        key = frozenset(stems(s))  # 'see a doctor' and 'see the doctor' are one subtopic
        reason = subtopic_problem(s, topic, copied_from) or ("a duplicate" if key in seen else None)
        if reason is None and len(out.kept) < m:
            seen.add(key)
            out.kept.append(s)
        elif reason is not None:
            out.rejected.append((s, reason))
    return out


class SubtopicStage(Stage[str]):
    name = "subtopics"

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.m = cfg.topics.subtopics_per_topic
        self.copied_from = prompt_examples(cfg.prompt_version)

    def key(self, topic: str) -> int:
        return derive_seed(self.cfg.seed, topic)

    def request(self, topic: str, seed: int) -> GenRequest:
        # ask for more than m: the check rejects some, the first m that pass are kept
        n = self.m + 2
        schema = {
            "type": "array",
            "minItems": n,
            "maxItems": n,
            "items": {"type": "string", "minLength": 3, "maxLength": 60},
        }
        return GenRequest(
            prompt=render(self.cfg.prompt_version, "subtopics", topic=topic),
            max_tokens=24 * n + 16,
            temperature=0.8,
            top_p=0.95,
            seed=seed,
            json_schema=schema,
        )

    def parse(self, topic: str, completion: Completion):
        items, reason = parse_json_list(completion.text)
        checked = check_subtopics(items, topic, self.m, self.copied_from)
        if reason is None and len(checked.kept) < self.m:
            reason = "too_few_usable_subtopics"
        return checked, reason
