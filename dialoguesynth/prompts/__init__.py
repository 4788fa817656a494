"""Prompt templates are data: ``prompts/<version>/<name>.txt`` with ``{field}`` placeholders.

A line whose placeholders are all ``None`` is dropped, and so is a `` | ``-separated segment of a
line, so optional parts of a spec (personas off, no speech features, no plan) need no branching in code.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from ..errors import ConfigError

_DIR = Path(__file__).resolve().parent


@cache
def template(version: str, name: str) -> str:
    path = _DIR / version / f"{name}.txt"
    if not path.is_file():
        known = sorted(p.name for p in _DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))
        raise ConfigError(
            f"prompt {name!r} not found for prompt_version {version!r} (known versions: {', '.join(known)})"
        )
    return path.read_text(encoding="utf-8")


def _fill(part: str, fields: dict[str, object]) -> str | None:
    names = [f for _, f, _, _ in string.Formatter().parse(part) if f]
    if names and all(fields.get(n) is None for n in names):
        return None
    return part.format(**{n: fields.get(n) for n in names})


def render(version: str, name: str, **fields: object) -> str:
    """Fill a template; drop lines and `` | `` segments whose every placeholder is None."""
    out = []
    for line in template(version, name).splitlines(keepends=True):
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        parts = [p for p in (_fill(seg, fields) for seg in body.split(" | ")) if p is not None]
        if parts:
            out.append(" | ".join(parts) + end)
    return "".join(out)
