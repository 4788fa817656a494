"""Spec → the strings prompt templates are filled with (one place decides the wording)."""

from __future__ import annotations

from ..config import Config
from ..labels import Labels, context_labels
from ..sampling.exemplars import Exemplar
from ..spec import ConversationSpec, Persona


def _persona(p: Persona, emotion: str) -> str:
    traits = ", ".join(p.descriptors) if p.descriptors else "even-tempered, nothing unusual"
    line = f"{p.name}, {p.age}, {p.gender}, {p.occupation}; feels {emotion}; {traits}"
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

    def traits(i: int) -> str:
        return ("is " + ", ".join(ps[i].descriptors)) if len(ps) > i and ps[i].descriptors else "is even-tempered"

    return {
        "p1": ps[0].name if ps else "Person1",
        "p2": ps[1].name if len(ps) > 1 else "Person2",
        "p1_traits": traits(0),
        "p2_traits": traits(1),
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
