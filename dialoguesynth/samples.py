"""Seeded-random accepted dialogues shown to a person: by `generate` at the end of a run, in
`samples.md` of published results, in the report page and the dataset card — the corpus read as a
user would read it."""

from __future__ import annotations

import random

from .spec import ConversationSpec


def spec_of(row: dict) -> ConversationSpec | None:
    """The spec of an exported row (its lossless ``spec_json``); None for other tools' corpora."""
    return ConversationSpec.model_validate_json(row["spec_json"]) if row.get("spec_json") else None


def spec_line(spec: ConversationSpec | None) -> str:
    """One spec in a line: subtopic, context, both speakers."""
    if spec is None:
        return "(no spec: not a dialoguesynth corpus)"
    c = spec.context

    def who(i: int) -> str:
        p = spec.personas[i - 1] if spec.personas else None
        return f"{p.name} (extraversion {p.ocean['extraversion']:.1f})" if p else f"Person{i}"

    speech = ", ".join(c.speech_features) or "no speech features"
    return (
        f"{c.topic} / {c.subtopic} · {c.medium}, {c.location} · {c.familiarity} · {c.formality} · {c.agreement} · "
        f"moods {c.emotion[0]}/{c.emotion[1]} · {speech} · {c.target_turns} turns · {who(1)} and {who(2)}"
    )


def pick(n_rows: int, k: int, seed: int) -> list[int]:
    """k row indices drawn with ``seed`` (the same rows for the same corpus and seed)."""
    return sorted(random.Random(seed).sample(range(n_rows), min(k, n_rows)))


def samples_markdown(rows: list[dict], seed: int, title: str) -> str:
    """Rows as they are, unedited: spec line, dialogue, summary."""
    out = [f"# {title}", "", f"{len(rows)} accepted dialogues drawn with seed {seed}, unedited.", ""]
    for r in rows:
        out += [
            f"## {r['id']}",
            "",
            f"*{spec_line(spec_of(r))}*",
            "",
            "```",
            r["dialogue"],
            "```",
            "",
            f"**Summary:** {r['summary']}",
            "",
        ]
    return "\n".join(out)
