"""Stage 4, render: the dialogue as raw few-shot continuation of real dialogues, optionally
regex-guided to exactly the target number of turns (what works for tiny models, measured)."""

from __future__ import annotations

import re

from ..backends import Completion, GenRequest
from ..catalogs import PersonaCatalog, load_persona_catalog
from ..checks import check_dialogue
from ..config import Config
from ..parsing import flatten, parse_dialogue
from ..prompts import render
from ..sampling.exemplars import ExemplarPool
from ..sampling.personas import trait_bin
from ..spec import ConversationSpec
from .base import Stage
from .fields import exemplar_fields, spec_fields

TURN_CHARS = 240  # a turn longer than this (~50 words) is never DialogSum-like


LABEL_FREE = 24  # no colon in a turn's first characters: tiny models echo header labels ("firstname: Jack")


# The shape of a real turn (DialogSum train: 96.5 % start with a capital or a quote, 99.3 % end in
# . ! or ?, 99.6 % use only these characters): no URLs, markup, numbered lists or cut-off turns.
_FIRST = "[A-Z\"']"
_CHAR = "[A-Za-z0-9 ,.'\"?!$%&()\\-;:]"
_CHAR_NO_COLON = "[A-Za-z0-9 ,.'\"?!$%&()\\-;]"
_END = "[.!?]"
FILLERS = ("Um", "Uh", "Well", "Hmm", "Oh", "You know", "I mean")


def line_regex(lo: int = 1, hi: int = TURN_CHARS, label_free: bool = True, filler: bool = False,
               openers: list[str] | None = None) -> str:
    """One turn of ``lo``..``hi`` characters shaped like a real turn; label-free: no ':' in its first
    characters; filler: it opens with a spoken filler ('Um, ...'); openers: its first word is one of these."""
    lo, hi = max(lo, 3), max(hi, 3)
    head, first = ("(?:" + "|".join(FILLERS) + "), ", "[A-Za-z\"']") if filler else ("", _FIRST)
    if openers:
        first = "(?:" + "|".join(re.escape(w) for w in openers) + ")[ ,.!?'-]"
    body_lo, body_hi = lo - 2, hi - 2  # minus the first and the last character
    if not label_free:
        return f"{head}{first}{_CHAR}{{{body_lo},{body_hi}}}{_END}"
    free = LABEL_FREE - 2
    if body_hi <= free:
        return f"{head}{first}{_CHAR_NO_COLON}{{{body_lo},{body_hi}}}{_END}"
    long = f"{_CHAR_NO_COLON}{{{free}}}{_CHAR}{{{max(body_lo - free, 1)},{body_hi - free}}}"
    if body_lo > free:
        return f"{head}{first}{long}{_END}"
    return f"{head}{first}(?:{_CHAR_NO_COLON}{{{body_lo},{free}}}|{long}){_END}"


def turns_regex(n: int, label_free: bool = True, lengths: tuple[tuple[int, int], tuple[int, int]] | None = None,
                fillers: bool = False, openers: list[str] | None = None) -> str:
    """Exactly ``n`` alternating turns after the prompt's ``#Person1#:``, ending in a newline;
    ``lengths`` bounds each speaker's turn in characters (Person1, Person2); ``fillers``: every
    third turn opens with a spoken filler; ``openers``: the words the first turn may start with."""
    def line(k: int) -> str:
        return line_regex(*(lengths[k % 2] if lengths else (1, TURN_CHARS)), label_free=label_free,
                          filler=fillers and k % 3 == 1, openers=openers if k == 0 else None)

    rest = "".join(f"\\n#Person{2 if k % 2 else 1}#: {line(k)}" for k in range(1, n))
    return f" {line(0)}{rest}\\n"


def turn_lengths(spec: ConversationSpec, cfg: Config, catalog: PersonaCatalog) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Each speaker's turn-length bounds from their extraversion bin (render.turn_chars), so the
    trait reaches the text even through a model too small to follow a description of it."""
    if not spec.personas or not cfg.render.persona_turn_length:
        return None
    return tuple(tuple(cfg.render.turn_chars[trait_bin(p, "extraversion", catalog)]) for p in spec.personas)


class DialogueStage(Stage[tuple[ConversationSpec, str | None]]):
    name = "dialogue"

    def __init__(self, cfg: Config, pool: ExemplarPool):
        self.cfg = cfg
        self.pool = pool
        self.personas = load_persona_catalog(cfg.personas.catalog_dir)

    def key(self, item) -> int:
        return item[0].seed

    def prompt(self, spec: ConversationSpec, plan: str | None) -> str:
        v = self.cfg.prompt_version
        exemplars = "".join(render(v, "exemplar", **exemplar_fields(self.pool[i], self.pool.labels.get(i)))
                            for i in spec.exemplar_ids)
        use_plan = plan if self.cfg.plan.in_render_prompt else None
        header = render(v, "spec_header", **spec_fields(spec, self.cfg, plan=use_plan))
        return render(v, "dialogue", exemplars=exemplars, header=header)

    def request(self, item, seed: int) -> GenRequest:
        spec, plan = item
        r = self.cfg.render
        return GenRequest(
            prompt=self.prompt(spec, plan), max_tokens=r.max_tokens, temperature=r.temperature, top_p=r.top_p,
            repetition_penalty=r.repetition_penalty,
            seed=seed, stop=["\n\n", "\nTopic:"],
            regex=turns_regex(spec.context.target_turns, r.label_free_starts, turn_lengths(spec, self.cfg, self.personas),
                              fillers=r.realise_fillers and "fillers" in spec.context.speech_features,
                              openers=self.pool.openers if r.real_openers else None) if r.guided else None,
        )

    def parse(self, item, completion: Completion):
        spec, _ = item
        checks = self.cfg.checks
        turns, reason = parse_dialogue(completion.text)
        reason = reason or check_dialogue(turns, completion.finish_reason, spec, checks, self.pool.vocabulary)
        if reason is None and checks.max_copied_fraction is not None:
            source, share = self.pool.copied(flatten(turns), spec.exemplar_ids)
            if share > checks.max_copied_fraction:
                reason = f"copied_{source}"
        return turns, reason
