"""Stage 5, check: the quality bar for a rendered dialogue, and exact-duplicate removal."""

from __future__ import annotations

import hashlib
import re

from .config import ChecksConfig
from .defects import dialogue_defect
from .spec import SPEAKERS, TRAITS, ConversationSpec, Turn

_LEAK_LABELS = re.compile(r"\b(Topic|Setting|Person[12]|Speech|Notes|Turns)\s*:", re.I)
_WORD = re.compile(r"[A-Za-z']+")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def leaked(spec: ConversationSpec | None, text: str) -> str | None:
    """What of the spec was copied verbatim into the dialogue (descriptors, trait names, header labels)."""
    low = text.lower()
    for persona in (spec.personas if spec else None) or ():
        for d in persona.descriptors:
            if d.lower() in low:
                return f"descriptor {d!r}"
    for trait in TRAITS:
        if trait in low:
            return f"trait name {trait!r}"
    m = _LEAK_LABELS.search(text)
    return f"label {m.group(0)!r}" if m else None


def check_dialogue(
    turns: list[Turn],
    finish_reason: str | None,
    spec: ConversationSpec | None,
    cfg: ChecksConfig,
    vocabulary: frozenset[str] | None = None,
) -> str | None:
    """None when the dialogue passes, else a short reason (the rejection category). Without a spec
    (other tools' corpora) only the spec-free checks apply."""
    if not turns:
        return "empty"
    if finish_reason == "length":
        return "truncated"
    if {t.speaker for t in turns} != set(SPEAKERS):
        return "wrong_speaker_count"
    if len(turns) < cfg.min_turns:
        return "too_few_turns"
    words = [len(_WORD.findall(t.text)) for t in turns]
    if sum(words) < cfg.min_words:
        return "too_short"
    if max(words) > cfg.max_words_per_turn:
        return "turn_too_long"
    texts = [_norm(t.text) for t in turns]
    if 1 - len(set(texts)) / len(texts) > cfg.max_repeated_turn_fraction:
        return "repetitive"
    if repeated_trigram_fraction(turns) > cfg.max_repeated_trigram_fraction:
        return "repetitive"
    if leaked(spec, "\n".join(t.text for t in turns)):
        return "persona_leakage"
    if cfg.defects:
        return dialogue_defect(turns, spec, vocabulary)
    return None


def repeated_trigram_fraction(turns: list[Turn]) -> float:
    """Share of the dialogue's word 3-grams that occur earlier in it (loops within and across turns)."""
    words = _WORD.findall(" ".join(t.text for t in turns).lower())
    grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return 1 - len(set(grams)) / len(grams) if grams else 0.0


def fingerprint(dialogue: str) -> str:
    """Hash of the normalised text (case, punctuation and whitespace ignored) for exact dedup."""
    return hashlib.sha1(_norm(dialogue).encode()).hexdigest()
