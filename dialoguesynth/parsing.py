"""Turn raw model text into structured values. Parsers never raise: they return a value or a reason."""

from __future__ import annotations

import json
import re

from .spec import Turn

_TURN = re.compile(r"^\s*#?\s*Person\s*(\d+)\s*#?\s*:\s?(.*)$", re.I)
_TAG = re.compile(r"^\s*#?\s*Person\s*\d+\s*#?\s*:\s*", re.I | re.M)
_HEADER = re.compile(r"^(Topic|Turns|Setting|Person\d|Speech|Notes|Plan|Summary|Dialogue)\s*:", re.I)


_SPACES = re.compile(r"[ \t]{2,}")


def parse_dialogue(text: str, opener: str = "#Person1#:") -> tuple[list[Turn], str | None]:
    """Parse a completion that continued ``opener`` into turns.

    Unlabelled lines continue the previous turn; a blank line or a header-like line ends the
    dialogue (the model started a new example). Returns (turns, reason-if-unusable).
    """
    if not isinstance(text, str):
        return [], "not_text"
    turns: list[Turn] = []
    for line in (opener + text).splitlines():
        if not line.strip():
            if turns:
                break
            continue
        m = _TURN.match(line)
        if m:
            # runs of spaces collapsed: the model writes "fine,  you" in a third of its dialogues, DialogSum
            # in 0.1 % of its dialogues, and a reader sees it at once
            turns.append(Turn(speaker=f"#Person{m.group(1)}#", text=_SPACES.sub(" ", m.group(2)).strip()))
        elif _HEADER.match(line.strip()):
            break
        elif turns:
            turns[-1] = Turn(
                speaker=turns[-1].speaker, text=_SPACES.sub(" ", turns[-1].text + " " + line.strip()).strip()
            )
    turns = [t for t in turns if t.text]
    return turns, (None if turns else "empty")


def strip_tags(dialogue: str) -> str:
    """Speaker tags removed, so ``#Person1#`` does not dominate n-grams, embeddings and MinHash."""
    return _TAG.sub("", dialogue).strip()


def flatten(turns: list[Turn]) -> str:
    """DialogSum's flat form: ``#Person1#: ...`` lines."""
    return "\n".join(f"{t.speaker}: {t.text}" for t in turns)


def parse_json_list(text: str) -> tuple[list[str], str | None]:
    """A JSON list of strings, possibly surrounded by junk; returns (items, reason-if-unusable)."""
    if not isinstance(text, str):
        return [], "not_text"
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        return [], "no_json_list"
    try:
        data = json.loads(text[start : end + 1])
    except (json.JSONDecodeError, RecursionError):
        return [], "invalid_json"
    if not isinstance(data, list):
        return [], "not_a_list"
    items = [s.strip() for s in data if isinstance(s, str) and s.strip()]
    return (items, None) if items else ([], "empty_list")


def parse_line(text: str, min_chars: int = 10) -> tuple[str, str | None]:
    """The first line of a completion (plans, summaries)."""
    if not isinstance(text, str):
        return "", "not_text"
    line = text.strip().split("\n", 1)[0].strip()
    if len(line) < min_chars:
        return line, "too_short"
    return line, None
