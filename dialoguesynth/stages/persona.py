"""Optional: an LLM-written one-line persona per speaker, tied to the subtopic (as DiaSynth does)."""

from __future__ import annotations

from ..backends import Completion, GenRequest
from ..config import Config
from ..parsing import parse_line
from ..prompts import render
from ..spec import ConversationSpec
from .base import Stage
from .fields import traits


class PersonaLineStage(Stage[tuple[ConversationSpec, int]]):
    name = "persona"

    def __init__(self, cfg: Config):
        self.cfg = cfg

    def key(self, item) -> int:
        return item[0].seed + item[1]

    def request(self, item, seed: int) -> GenRequest:
        spec, i = item
        p = spec.personas[i]
        speaker = f"{p.name}, {p.age}, {p.gender}, {p.occupation}; {traits(p, most=2)}"
        prompt = render(self.cfg.prompt_version, "persona", subtopic=spec.context.subtopic, speaker=speaker)
        return GenRequest(
            prompt=prompt, max_tokens=48, temperature=0.7, top_p=0.95, seed=seed, stop=["\n"], regex=r" [^\n]{15,200}\n"
        )

    def parse(self, item, completion: Completion):
        return parse_line(completion.text, min_chars=15)
