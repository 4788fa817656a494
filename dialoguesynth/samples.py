"""Seeded-random accepted dialogues shown to a person: by `generate` at the end of a run, in
`samples.md` of published results — the corpus read as a user would read it."""

from __future__ import annotations

import random


def spec_line(row: dict) -> str:
    """The spec of one exported row in a line: subtopic, context, both speakers."""
    def who(i: int) -> str:
        name = row.get(f"p{i}_name") or f"Person{i}"
        e = row.get(f"p{i}_extraversion")
        return f"{name}" + (f" (extraversion {e:.1f})" if isinstance(e, float) and e == e else "")

    speech = ", ".join(row.get("speech_features") or []) or "no speech features"
    emotion = row.get("emotion") or ["?", "?"]
    return (f"{row['topic']} / {row['subtopic']} · {row['medium']}, {row['location']} · {row['familiarity']} · "
            f"{row['formality']} · {row['agreement']} · moods {emotion[0]}/{emotion[1]} · {speech} · "
            f"{row['target_turns']} turns · {who(1)} and {who(2)}")


def pick(n_rows: int, k: int, seed: int) -> list[int]:
    """k row indices drawn with ``seed`` (the same rows for the same corpus and seed)."""
    return sorted(random.Random(seed).sample(range(n_rows), min(k, n_rows)))


def samples_markdown(rows: list[dict], seed: int, title: str) -> str:
    """Rows as they are, unedited: spec line, dialogue, summary."""
    out = [f"# {title}", "", f"{len(rows)} accepted dialogues drawn with seed {seed}, unedited.", ""]
    for r in rows:
        out += [f"## {r['id']}", "", f"*{spec_line(r)}*", "", "```", r["dialogue"], "```", "",
                f"**Summary:** {r['summary']}", ""]
    return "\n".join(out)
