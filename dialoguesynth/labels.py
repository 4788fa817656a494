"""The reference labeller: infer, for a real dialogue, the context fields a spec asks for (medium,
formality, Person1's emotion, agreement, familiarity, speech features, turns), from the cue lists in
``contexts/cues.yaml``. Exemplars then show the same fields as the target header, and each spec's
exemplars are chosen to match it (see ``sampling/exemplars.py``)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

from .catalogs import catalog_dir, load_catalog_file
from .errors import ConfigError
from .spec import Context

_WORD = re.compile(r"[A-Za-z']+")
_TAG = re.compile(r"^\s*#?Person(\d+)#?:\s*", re.M)


class FeatureCues(BaseModel):
    min: int = Field(1, ge=1)
    cues: list[str]


class FormalityCues(BaseModel):
    formal: list[str]
    casual: list[str]
    formal_at: float
    casual_at: float


class CueCatalog(BaseModel):
    """``contexts/cues.yaml``; for the ordered sections the first label whose cues match wins."""

    medium: dict[str, list[str]]
    formality: FormalityCues
    emotion: dict[str, list[str]]
    agreement: dict[str, list[str]]
    familiarity: dict[str, list[str]]
    speech_features: dict[str, FeatureCues]


class Labels(BaseModel):
    """What the labeller read off one real dialogue: the same fields a spec's header carries."""

    medium: str = "face-to-face"
    formality: str = "neutral"
    emotion: str = "neutral"
    agreement: str = "agreement"
    familiarity: str = "acquaintances"
    speech_features: list[str] = Field(default_factory=list)
    turns: int = 0


def context_labels(c: Context) -> Labels:
    """A spec's context as the labels a reference dialogue would carry (Person1's mood)."""
    return Labels(
        medium=c.medium,
        formality=c.formality,
        emotion=c.emotion[0],
        agreement=c.agreement,
        familiarity=c.familiarity,
        speech_features=c.speech_features,
        turns=c.target_turns,
    )


def _compile(cues: list[str]) -> re.Pattern:
    # text is lowercased once (re.I is several times slower); a cue starting or ending in a word
    # character matches whole words only ("sir" is not in "desire")
    def bound(c: str) -> str:
        return ("\\b" if re.match(r"\w", c) else "") + f"(?:{c})" + ("\\b" if re.search(r"\w$", c) else "")

    return re.compile("|".join(bound(c.lower()) for c in cues), re.M)


class Labeller:
    """Compiled cue patterns; ``label(dialogue)`` is pure and cheap (~12k DialogSum dialogues/s)."""

    def __init__(self, catalog: CueCatalog):
        self.catalog = catalog
        self.fingerprint = catalog.model_dump_json()  # keys the on-disk label cache
        self.medium = [(k, _compile(v)) for k, v in catalog.medium.items()]
        self.formal, self.casual = _compile(catalog.formality.formal), _compile(catalog.formality.casual)
        self.emotion = [(k, _compile(v)) for k, v in catalog.emotion.items()]
        self.agreement = [(k, _compile(v)) for k, v in catalog.agreement.items()]
        self.familiarity = [(k, _compile(v)) for k, v in catalog.familiarity.items()]
        self.features = [(k, f.min, _compile(f.cues)) for k, f in catalog.speech_features.items()]

    def label(self, dialogue: str) -> Labels:
        turns = [(m.group(1), dialogue[m.end() :]) for m in _TAG.finditer(dialogue)]
        lines = [line.split("\n", 1)[0] for _, line in turns]
        text = "\n".join(lines).lower()
        p1 = "\n".join(line for (who, _), line in zip(turns, lines) if who == "1").lower()
        words = max(len(_WORD.findall(text)), 1)
        score = 100.0 * (len(self.formal.findall(text)) - len(self.casual.findall(text))) / words
        f = self.catalog.formality
        emotion_hits = [(len(p.findall(p1)), k) for k, p in self.emotion]
        best = max(emotion_hits, default=(0, "neutral"), key=lambda h: h[0])
        return Labels(
            medium=_first(self.medium, text, "face-to-face"),
            formality="formal" if score >= f.formal_at else "casual" if score <= f.casual_at else "neutral",
            emotion=best[1] if best[0] else "neutral",
            agreement=_first(self.agreement, text, "agreement"),
            familiarity=_first(self.familiarity, text, "acquaintances"),
            speech_features=[k for k, n, p in self.features if len(p.findall(text)) >= n],
            turns=len(turns),
        )


def _first(rules: list[tuple[str, re.Pattern]], text: str, default: str) -> str:
    return next((k for k, p in rules if p.search(text)), default)


@cache
def _labeller(path: Path) -> Labeller:
    catalog = load_catalog_file(CueCatalog, path, "cue")
    try:
        return Labeller(catalog)
    except re.error as exc:
        raise ConfigError(f"invalid catalog {path}: a cue is not a valid regular expression ({exc})") from None


def load_labeller(override: Path | None = None) -> Labeller:
    """The labeller for the contexts catalog in use (the built-in one, or a user's edited copy)."""
    return _labeller(catalog_dir("contexts", override) / "cues.yaml")
