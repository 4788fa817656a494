"""Which phrases the guided decoder makes each turn open with, so context fields and speech features
a small model does not follow from the header still reach the text (``contexts/realisation.yaml``)."""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from ..catalogs import catalog_dir, load_catalog_file
from ..spec import ConversationSpec

CONTEXT_FIELDS = ("medium", "formality", "emotion")
Field_ = Literal["medium", "formality", "emotion", "speech_features", "subtopic"]
ANY = "*"  # a phrase list for every value; "{subtopic}" in a phrase is replaced by the spec's subtopic


class Slot(BaseModel):
    """One place phrases go: `field` names the phrase lists, `of` the spec field choosing among them
    (default: the same name), so one field can have several lists (a call's greeting and its goodbye)."""

    field: str
    of: Field_ | None = None
    speaker: Literal[0, 1, 2] = 0
    from_: int = Field(0, alias="from")  # negative: counted from the last turn (-1 = the last)
    times: int = Field(1, ge=1)
    every: int = Field(1, ge=1)
    choices: int | None = Field(None, ge=1)  # phrases drawn for the model to pick from (default: the catalog's)
    # lead: no turn of its own; only a value the field's own slots did not place, in front of the first
    # turn from `from` another field took (a 4-turn spec has no free turn for its register)
    lead: bool = False
    # once: only a value no earlier slot placed (a call's greeting that led the topic turn is not said again;
    # with the topic off, the greeting takes its own turn)
    once: bool = False

    @property
    def spec_field(self) -> str:
        return self.of or self.field

    @model_validator(mode="after")
    def _known(self):
        if self.of is None and self.field not in Field_.__args__:
            raise ValueError(f"slot {self.field!r} needs `of:` naming one of {', '.join(Field_.__args__)}")
        if self.lead and self.choices is not None:
            # a lead puts one phrase in front of every choice of the turn it leads: nothing to choose
            raise ValueError(f"lead slot {self.field!r} takes no `choices:` (it draws one phrase)")
        return self


class RealisationCatalog(BaseModel):
    choices: int = Field(2, ge=1)
    slots: list[Slot]
    phrases: dict[str, dict[str, list[str]]]

    @model_validator(mode="after")
    def _check(self):
        missing = sorted({s.field for s in self.slots} - set(self.phrases))
        if missing:
            raise ValueError(f"slots name phrase lists that are not under phrases: {', '.join(missing)}")
        for field, values in self.phrases.items():
            for value, phrases in values.items():
                bad = [p for p in phrases if not p.strip() or "\n" in p or ":" in p]
                if not phrases or bad:
                    raise ValueError(f"phrases.{field}.{value}: needs non-empty one-line phrases without ':' ({bad})")
        return self


def _values(spec: ConversationSpec, field: str) -> list[str]:
    c = spec.context
    if field == "emotion":
        return [c.emotion[0]]  # Person1's mood: Person2's own phrase would blur whose mood it is
    if field == "speech_features":
        return list(c.speech_features)
    if field == "subtopic":
        return [] if ":" in spec.context.subtopic or "\n" in spec.context.subtopic else [ANY]
    return [getattr(c, field)]


def turn_openers(
    spec: ConversationSpec,
    catalog: RealisationCatalog,
    context: bool = True,
    speech: bool = True,
    topic: bool = True,
) -> dict[int, list[str]]:
    """Turn index → the phrases that turn may open with, drawn from the spec's seed (same spec,
    same phrases). Fields take free turns in the catalog's slot order; a lead slot puts a value that
    found none in front of a taken turn; what finds neither is left out."""
    rng = random.Random(f"realise:{spec.seed}")
    n = spec.context.target_turns
    taken: dict[int, list[str]] = {}
    owner: dict[int, str] = {}  # turn → the spec field whose phrase it opens with
    placed: set[tuple[str, str]] = set()
    led: set[int] = set()
    for slot in catalog.slots:
        field = slot.spec_field
        if (
            (field == "speech_features" and not speech)
            or (field in CONTEXT_FIELDS and not context)
            or (field == "subtopic" and not topic)
        ):
            continue
        for value in _values(spec, field):
            phrases = catalog.phrases.get(slot.field, {}).get(value)
            if not phrases or ((slot.lead or slot.once) and (field, value) in placed):
                continue
            k, done = (slot.from_ if slot.from_ >= 0 else max(n + slot.from_, 0)), 0
            while k < n and done < slot.times:
                fits = slot.speaker in (0, k % 2 + 1)
                if slot.lead and fits and k in taken and k not in led and owner[k] != field:
                    a = rng.choice(phrases)  # one: the turn's own choices multiply by it
                    taken[k] = [_lead(a, b) for b in taken[k]]
                    led.add(k)
                elif not slot.lead and fits and k not in taken:
                    drawn = rng.sample(phrases, min(slot.choices or catalog.choices, len(phrases)))
                    taken[k] = [named(p, spec.context.subtopic) for p in drawn]
                    owner[k] = field
                else:
                    k += 1
                    continue
                placed.add((field, value))
                done += 1
                k += slot.every
    return taken


def _lead(a: str, b: str) -> str:
    """`a` in front of `b` as one sentence would say it: after a comma `b` goes on in lower case
    ("Um, hello, this is"), after an end mark it starts anew, else `a` becomes a sentence of its own."""
    if a.endswith(","):
        return f"{a} {b}" if re.match(r"I\b", b) else f"{a} {b[:1].lower()}{b[1:]}"
    return f"{a} {b}" if a[-1] in ".?!" else f"{a}. {b}"


def named(phrase: str, subtopic: str) -> str:
    """The phrase with its subtopic: "about asking about a refund" says "about a refund" (45 of
    quality-v22's 400 dialogues said "about asking about")."""
    if "about {subtopic}" in phrase:
        subtopic = re.sub(r"^\w+ing about ", "", subtopic)
    return phrase.replace("{subtopic}", subtopic)


@cache
def _catalog(path: Path) -> RealisationCatalog:
    return load_catalog_file(RealisationCatalog, path, "realisation")


def load_realisation(override: Path | None = None) -> RealisationCatalog:
    """The realisation phrases of the contexts catalog in use (built-in, or a user's edited copy; a copy
    made before this file existed gets the built-in one)."""
    path = catalog_dir("contexts", override) / "realisation.yaml"
    return _catalog(path if path.is_file() else catalog_dir("contexts") / "realisation.yaml")
