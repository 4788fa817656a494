"""Stage 3, plan: a chain-of-thought on how the sampled values shape the dialogue (stored)."""

from __future__ import annotations

import re

from ..backends import Completion, GenRequest
from ..config import Config
from ..parsing import parse_line
from ..prompts import render
from ..spec import ConversationSpec
from .base import Stage, sampled_request
from .fields import spec_fields, template_plan_fields

_SENTENCE_END = re.compile(r"^(.*[.!?])[^.!?]*$", re.S)


def template_plan(spec: ConversationSpec, cfg: Config) -> str:
    """The 'template' strategy: the spec rendered as a plan, for models too small to reason."""
    return " ".join(render(cfg.prompt_version, "plan_template", **template_plan_fields(spec)).split())


class PlanStage(Stage[ConversationSpec]):
    name = "plan"

    def __init__(self, cfg: Config):
        self.cfg = cfg

    def key(self, spec: ConversationSpec) -> int:
        return spec.seed

    def request(self, spec: ConversationSpec, seed: int) -> GenRequest:
        header = render(self.cfg.prompt_version, "spec_header", **spec_fields(spec, self.cfg))
        p = self.cfg.plan
        return sampled_request(
            p,
            prompt=render(self.cfg.prompt_version, "plan", header=header),
            max_tokens=p.max_tokens,
            seed=seed,
            stop=["\n"],
            regex=r" [^\n]{20,700}\n",
        )

    def parse(self, spec: ConversationSpec, completion: Completion):
        text, reason = parse_line(completion.text, min_chars=20)
        if reason is None and completion.finish_reason == "length":
            # a plan cut at max_tokens is still a plan: keep its complete sentences
            m = _SENTENCE_END.match(text)
            text = m.group(1) if m else text
        return text, reason
