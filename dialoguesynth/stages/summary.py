"""Stage 4b, summarize: a one-line reference summary per dialogue (for the downstream benchmark)."""

from __future__ import annotations

from ..backends import Completion, GenRequest
from ..config import Config
from ..defects import grounded_share, summary_defect
from ..parsing import parse_line
from ..prompts import render
from ..sampling.exemplars import ExemplarPool
from ..spec import ConversationSpec
from .base import Stage, sampled_request

# DialogSum's style: third person, often opening with a speaker tag; no ':' anywhere, so a summary
# cannot be a turn ('#Person1#: I'm sorry') or a header
SUMMARY_REGEX = r" (?:#Person[12]#|[A-Z])[^\n:]{10,400}\n"


class SummaryStage(Stage[tuple[ConversationSpec, str]]):
    name = "summary"

    def __init__(self, cfg: Config, pool: ExemplarPool):
        self.cfg = cfg
        self.pool = pool
        self.candidates = cfg.summary.best_of

    def key(self, item) -> int:
        return item[0].seed

    def score(self, item, value: str) -> float:
        """Best-of-k keeps the summary most grounded in its dialogue: a 135M model often summarises
        its exemplars or invents ('#Person1# is a Russian')."""
        return grounded_share(value, item[1])

    def request(self, item, seed: int) -> GenRequest:
        spec, dialogue = item
        v = self.cfg.prompt_version
        exemplars = "".join(
            render(v, "summary_exemplar", dialogue=self.pool[i].dialogue, summary=self.pool[i].summary)
            for i in spec.summary_exemplar_ids
        )
        s = self.cfg.summary
        return sampled_request(
            s,
            prompt=render(v, "summary", exemplars=exemplars, dialogue=dialogue),
            max_tokens=s.max_tokens,
            seed=seed,
            stop=["\n"],
            regex=SUMMARY_REGEX,
        )

    def parse(self, item, completion: Completion):
        text, reason = parse_line(completion.text, min_chars=10)
        if reason is None and completion.finish_reason == "length":
            return text, "truncated"
        if reason is None and self.cfg.checks.defects:
            reason = summary_defect(text, item[1], [self.pool[i].summary for i in item[0].summary_exemplar_ids])
        return text, reason
