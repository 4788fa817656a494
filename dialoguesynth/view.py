"""`dialoguesynth view`: one self-contained static page to browse a run folder — every accepted and
rejected record beside its spec, filterable, with no server and no external assets."""

from __future__ import annotations

import base64
import gzip
import html
import json
from pathlib import Path

from .catalogs import load_persona_catalog
from .errors import ConfigError
from .sampling.personas import trait_bin
from .spec import TRAITS, ConversationSpec, Record, Rejected
from .store import RunStore

_PAGE = Path(__file__).with_name("view.html")


def _spec(s: ConversationSpec, bins) -> dict:
    c = s.context
    people = [
        {
            "name": p.name,
            "age": p.age,
            "gender": p.gender,
            "occupation": p.occupation,
            "ocean": {t: round(p.ocean[t], 2) for t in TRAITS},
            "bins": {t: bins(p, t) for t in TRAITS},
            "descriptors": p.descriptors,
            "line": p.description,
        }
        for p in (s.personas or [])
    ]
    context = {
        "medium": c.medium,
        "location": c.location,
        "familiarity": c.familiarity,
        "formality": c.formality,
        "age": " / ".join(c.age),
        "gender": " / ".join(c.gender),
        "emotion": " / ".join(c.emotion),
        "agreement": c.agreement,
        "duration": c.duration,
        "turns": c.target_turns,
        "speech features": ", ".join(c.speech_features) or "none",
        **{k: str(v) for k, v in c.extra.items()},
    }
    return {
        "id": s.id,
        "index": s.index,
        "topic": c.topic,
        "subtopic": c.subtopic,
        "medium": c.medium,
        "formality": c.formality,
        "context": context,
        "personas": people,
        "seed": s.seed,
        "exemplars": s.exemplar_ids,
        "prompt": s.prompt_version,
    }


def page_rows(records: list[Record], rejected: list[Rejected]) -> list[dict]:
    """What the page shows of each record, accepted first, in spec order."""
    catalog = load_persona_catalog()

    def bins(p, t):
        return trait_bin(p, t, catalog)

    rows = [
        {
            **_spec(r.spec, bins),
            "status": "accepted",
            "dialogue": r.dialogue,
            "summary": r.summary,
            "plan": r.plan,
            "model": r.model,
            "render_seed": r.render_seed,
            "attempts": r.attempts,
        }
        for r in sorted(records, key=lambda r: r.spec.index)
    ]
    rows += [
        {
            **_spec(r.spec, bins),
            "status": "rejected",
            "reason": f"{r.stage}: {r.reason}",
            "raw": r.raw,
            "attempts": r.attempts,
            "model": r.spec.model or "",
            "duplicate_of": r.duplicate_of,
        }
        for r in sorted(rejected, key=lambda r: r.spec.index)
    ]
    return rows


def build_page(rows: list[dict], title: str) -> str:
    """The page with ``rows`` embedded as gzip + base64 JSON (about a fifth of the plain size)."""
    blob = base64.b64encode(gzip.compress(json.dumps(rows, separators=(",", ":")).encode(), mtime=0)).decode()
    return _PAGE.read_text(encoding="utf-8").replace("__TITLE__", html.escape(title)).replace("__DATA__", blob)


def view(run: str | Path, out: str | Path | None = None) -> Path:
    """Write the viewer page for a run folder (the ``--output`` of ``generate``); returns its path."""
    run = Path(run)
    store = RunStore(run)
    if not store.records_path.exists() and not store.rejected_path.exists():
        raise ConfigError(f"not a dialoguesynth run folder (no run/records.jsonl or run/rejected.jsonl): {run}")
    rows = page_rows(store.records(repair=False), store.rejected(repair=False))
    path = Path(out) if out else run / "view.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_page(rows, f"dialoguesynth: {run.name}"), encoding="utf-8")
    return path
