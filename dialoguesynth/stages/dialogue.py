"""Stage 4, render: the dialogue as raw few-shot continuation of real dialogues, optionally
regex-guided to exactly the target number of turns (what works for tiny models, measured)."""

from __future__ import annotations

from ..backends import Completion, GenRequest
from ..checks import check_dialogue
from ..config import Config
from ..parsing import parse_dialogue
from ..prompts import render
from ..sampling.exemplars import ExemplarPool
from ..spec import ConversationSpec
from .base import Stage
from .fields import spec_fields

TURN_CHARS = 240  # a turn longer than this (~50 words) is never DialogSum-like


LABEL_FREE = 24  # no colon in a turn's first characters: tiny models echo header labels ("firstname: Jack")


def turns_regex(n: int, label_free: bool = True) -> str:
    """Exactly ``n`` alternating turns after the prompt's ``#Person1#:``, ending in a newline."""
    if label_free:
        line = f"(?:[^\\n#:]{{1,{LABEL_FREE}}}|[^\\n#:]{{{LABEL_FREE}}}[^\\n#]{{1,{TURN_CHARS - LABEL_FREE}}})"
    else:
        line = f"[^\\n#]{{1,{TURN_CHARS}}}"
    rest = "".join(f"\\n#Person{2 if k % 2 else 1}#: {line}" for k in range(1, n))
    return f" {line}{rest}\\n"


class DialogueStage(Stage[tuple[ConversationSpec, str | None]]):
    name = "dialogue"

    def __init__(self, cfg: Config, pool: ExemplarPool):
        self.cfg = cfg
        self.pool = pool

    def key(self, item) -> int:
        return item[0].seed

    def prompt(self, spec: ConversationSpec, plan: str | None) -> str:
        v = self.cfg.prompt_version
        exemplars = "".join(
            render(v, "exemplar", topic=e.topic or "everyday conversation", turns=e.turns, dialogue=e.dialogue)
            for e in (self.pool[i] for i in spec.exemplar_ids)
        )
        use_plan = plan if self.cfg.plan.in_render_prompt else None
        header = render(v, "spec_header", **spec_fields(spec, self.cfg, plan=use_plan))
        return render(v, "dialogue", exemplars=exemplars, header=header)

    def request(self, item, seed: int) -> GenRequest:
        spec, plan = item
        r = self.cfg.render
        return GenRequest(
            prompt=self.prompt(spec, plan), max_tokens=r.max_tokens, temperature=r.temperature, top_p=r.top_p,
            seed=seed, stop=["\n\n", "\nTopic:"],
            regex=turns_regex(spec.context.target_turns, r.label_free_starts) if r.guided else None,
        )

    def parse(self, item, completion: Completion):
        spec, _ = item
        turns, reason = parse_dialogue(completion.text)
        return turns, reason or check_dialogue(turns, completion.finish_reason, spec, self.cfg.checks)
