"""Spec → the strings prompt templates are filled with (one place decides the wording)."""

from __future__ import annotations

from ..config import Config
from ..labels import Labels, context_labels
from ..sampling.exemplars import Exemplar
from ..spec import ConversationSpec, Persona


def traits(p: Persona | None, most: int | None = None) -> str:
    """A persona's descriptors as one predicate ('is curious and asks follow-up questions, prefers
    familiar routines and shows little patience'); catalog descriptors are predicates."""
    ds = (p.descriptors if p else [])[:most]
    if not ds:
        return "is even-tempered"
    return ds[0] if len(ds) == 1 else ", ".join(ds[:-1]) + " and " + ds[-1]


def _persona(p: Persona, emotion: str) -> str:
    line = f"{p.name}, {p.age}, {p.gender}, {p.occupation}; feels {emotion}; {traits(p)}"
    return f"{line}; {p.description}" if p.description else line


def label_fields(labels: Labels) -> dict[str, object]:
    """The labelled context fields, named as headers show them (exemplars and target alike)."""
    return {
        "medium": labels.medium,
        "tone": labels.formality,
        "mood": labels.emotion,
        "relation": labels.familiarity,
        "stance": labels.agreement,
        "speech": ", ".join(labels.speech_features) or None,
    }


def exemplar_fields(ex: Exemplar, labels: Labels | None) -> dict[str, object]:
    """Fields for an exemplar's header: its topic label and what the labeller read off it."""
    fields = {
        "topic": ex.topic or "everyday conversation",
        "subtopic": ex.topic or "everyday conversation",
        "turns": ex.turns,
        "dialogue": ex.dialogue,
    }
    return fields | (label_fields(labels) if labels else {})


def spec_fields(spec: ConversationSpec, cfg: Config, plan: str | None = None) -> dict[str, object]:
    """Fields for the spec header; ``None`` drops the line (ablations switch whole parts off)."""
    c = spec.context
    fields: dict[str, object] = {
        "subtopic": c.subtopic,
        "turns": c.target_turns,
        "setting": None,
        "persona1": None,
        "persona2": None,
        "speech": None,
        "plan": plan,
    }
    if cfg.context.enabled:
        fields["setting"] = (
            f"{c.medium}, {c.location}. The speakers are {c.familiarity}; the tone is {c.formality}; {c.agreement}."
        )
        fields |= label_fields(context_labels(c))
    if spec.personas:
        fields["persona1"] = _persona(spec.personas[0], c.emotion[0])
        fields["persona2"] = _persona(spec.personas[1], c.emotion[1])
    return fields


def template_plan_fields(spec: ConversationSpec) -> dict[str, object]:
    c = spec.context
    ps = spec.personas or []

    return {
        "p1": ps[0].name if ps else "Person1",
        "p2": ps[1].name if len(ps) > 1 else "Person2",
        "p1_traits": traits(ps[0] if ps else None),
        "p2_traits": traits(ps[1] if len(ps) > 1 else None),
        "emotion1": c.emotion[0],
        "emotion2": c.emotion[1],
        "medium": c.medium,
        "location": c.location,
        "familiarity": c.familiarity,
        "formality": c.formality,
        "agreement": c.agreement,
        "subtopic": c.subtopic,
        "speech": ", ".join(c.speech_features) or "none",
        "turns": c.target_turns,
    }
