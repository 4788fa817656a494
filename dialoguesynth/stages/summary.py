"""Stage 4b, summarize: a one-line reference summary per dialogue (for the downstream benchmark)."""

from __future__ import annotations

import re

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
_FREE = r" (?:#Person[12]#|[A-Z])[^\n:]{{{least},400}}\n"  # the free summary, ``least`` characters after its opening
SUMMARY_REGEX = _FREE.format(least=10)
# summary.openers acts: what a speaker is or has is where a small model invents ('#Person1# is a Russian')
STATE_WORDS = frozenset({"is", "are", "was", "were", "has", "have", "had"})


def summary_regex(
    openers: list[str] | None = None, pair: list[str] | None = None, least: int = 10, each: bool = False
) -> str:
    """SUMMARY_REGEX, or with ``openers``: a speaker (tag or name) and one of those words first; with
    ``pair`` too, 'and' must be followed by a second speaker and one of the pair words. ``least``:
    characters after the opening (summary.min_chars). ``each``: every later sentence opens so too, with
    He or She for a speaker and They for a pair (a 135M model's second sentence is where it invents:
    '#Person2# is a delivery person')."""
    if not openers:
        return _FREE.format(least=least)
    speaker = "(?:#Person[12]#|[A-Z][a-z]+)"
    words = "|".join(re.escape(w) for w in openers if not (pair and w == "and"))
    pair_words = "|".join(re.escape(w) for w in pair or [])
    if pair and "and" in openers:
        words += rf"|and {speaker} (?:{pair_words})"
    if not each:
        return rf" {speaker} (?:{words}) [^\n:]{{{least},400}}\n"
    later = rf"(?:{speaker}|He|She) (?:{words})" + (rf"|They (?:{pair_words})" if pair else "")
    return rf" {speaker} (?:{words}) [^\n:.!?]{{{least},400}}[.!?](?: (?:{later}) [^\n:.!?]{{5,300}}[.!?])*\n"


def opener_words(cfg: Config, pool: ExemplarPool) -> tuple[list[str], list[str]] | None:
    """The words a summary may follow its first speaker with, and those a pair ('#Person1# and
    #Person2#') may be followed by (summary.openers); None: free."""
    mode = cfg.summary.openers
    if mode == "free":
        return None
    words, pair = (
        [w for w in ws if mode == "real" or w not in STATE_WORDS]
        for ws in (pool.summary_openers, pool.summary_pair_openers)
    )
    return (words, pair) if words else None  # a pool whose summaries never open with a tag leaves summaries free


class SummaryStage(Stage[tuple[ConversationSpec, str]]):
    name = "summary"

    def __init__(self, cfg: Config, pool: ExemplarPool):
        self.cfg = cfg
        self.pool = pool
        self.candidates = cfg.summary.best_of
        self.regex = summary_regex(
            *(opener_words(cfg, pool) or (None, None)),
            least=cfg.summary.min_chars,
            each=cfg.summary.openers == "acts_each",
        )

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
            regex=self.regex,
        )

    def attempt_request(self, item, seed: int, final_retry: bool) -> GenRequest:
        """The last retry of a summary that keeps failing under its opener words is free: a summary that
        opens '#Person1# is' beats losing the dialogue (acts fails ~1 in 10 v28 dialogues in 3 tries)."""
        req = self.request(item, seed)
        return req.model_copy(update={"regex": SUMMARY_REGEX}) if final_retry else req

    def parse(self, item, completion: Completion):
        text, reason = parse_line(completion.text, min_chars=10)
        if reason is None and completion.finish_reason == "length":
            return text, "truncated"
        if reason is None and self.cfg.checks.defects:
            reason = summary_defect(text, item[1], [self.pool[i].summary for i in item[0].summary_exemplar_ids])
        return text, reason
