"""Speaker conventions: DialogSum's ``#Person1#:`` tags, named lines (SAMSum's ``Amanda: ...``) and
lists of ``{speaker, text}`` turns. Inside the pipeline every dialogue is tagged; a reference in
another convention is read into tags (its names kept), and a corpus can be written back in names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

Style = Literal["tagged", "named"]

_TAGGED = re.compile(r"^\s*#Person(\d+)#\s*:", re.MULTILINE)
# a name: one to three capitalised words ('Amanda', 'Mr. Smith', 'Anne-Marie O'Neil'); then a colon
_NAMED = re.compile(r"^\s*([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2})\s*:\s?(.*)$")
# chat handles in lower case ('mary jane', 'user_12'): read only where names are not, and every line
# opens with one
_HANDLE = re.compile(r"^\s*([\w.'@-]+(?: [\w.'@-]+){0,2})\s*:\s?(.*)$")
_SPEAKER_KEYS = ("speaker", "role", "author", "name", "from")
_TEXT_KEYS = ("text", "utterance", "content", "message", "turn")


class Normalised(BaseModel):
    """A dialogue in tags, the names its speakers had (empty when it came tagged), how many parties."""

    dialogue: str
    names: list[str] = []
    parties: int

    @property
    def style(self) -> Style:
        return "named" if self.names else "tagged"


def normalise(dialogue: str | Sequence) -> Normalised | None:
    """Any supported convention → tagged text; None when no turn can be read."""
    if isinstance(dialogue, str):
        text = dialogue.replace("\r\n", "\n").strip()
        tags = _TAGGED.findall(text)
        if tags:
            return Normalised(dialogue=text, parties=len(set(tags)))
        turns = _named_turns(text)
    else:
        turns = [t for t in (_turn_of(x) for x in dialogue) if t]
    if not turns:
        return None
    names: list[str] = []
    for who, _ in turns:
        if who not in names:
            names.append(who)
    lines = [f"#Person{names.index(who) + 1}#: {said}" for who, said in turns]
    return Normalised(dialogue="\n".join(lines), names=names, parties=len(names))


def _named_turns(text: str) -> list[tuple[str, str]]:
    lines = [x for x in text.splitlines() if x.strip()]
    turns: list[tuple[str, str]] = []
    for line in lines:
        m = _NAMED.match(line)
        if m:
            turns.append((m.group(1), m.group(2).strip()))
        elif turns:  # a line without a name continues the turn before it
            turns[-1] = (turns[-1][0], f"{turns[-1][1]} {line.strip()}".strip())
    if len(turns) < 2 and len(lines) >= 2 and all(_HANDLE.match(x) for x in lines):
        turns = [(m.group(1), m.group(2).strip()) for m in map(_HANDLE.match, lines)]
    return turns if len(turns) >= 2 else []


def _turn_of(x) -> tuple[str, str] | None:
    if not isinstance(x, dict):
        return None
    who = next((str(x[k]) for k in _SPEAKER_KEYS if x.get(k)), None)
    said = next((str(x[k]) for k in _TEXT_KEYS if x.get(k)), None)
    return (who.strip(), said.strip()) if who and said else None


def _name_pattern(name: str) -> re.Pattern:
    """The full name, or its first word when that is a name on its own ('Amanda' for 'Amanda Smith')."""
    first = name.split()[0]
    alts = [re.escape(name)] + ([re.escape(first)] if first != name and len(first) > 2 and "." not in first else [])
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b")


def names_to_tags(text: str, names: Sequence[str]) -> str:
    """A summary (or any text) written with the speakers' names, in tags ('Amanda will call Tom' →
    '#Person1# will call #Person2#')."""
    for k, name in enumerate(names[:2]):
        text = _name_pattern(name).sub(f"#Person{k + 1}#", text)
    return text


def tags_to_names(text: str, names: Sequence[str]) -> str:
    """Tagged text in names: a speaker tag at a line's start becomes 'Name:', elsewhere 'Name'."""
    for k, name in enumerate(names):
        text = re.sub(rf"^#Person{k + 1}#:", f"{name}:", text, flags=re.MULTILINE)
        text = text.replace(f"#Person{k + 1}#", name)
    return text


def reference_style(styles: Sequence[Style]) -> Style:
    """The convention most of a reference corpus's dialogues are written in."""
    named = sum(s == "named" for s in styles)
    return "named" if named * 2 > len(styles) else "tagged"
