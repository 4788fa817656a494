"""Real in-domain dialogues (DialogSum-style jsonl/csv): the one loader used for few-shot
exemplars, the realism reference and the downstream benchmark."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections import Counter
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel

from ..config import EMBEDDED_POOL, EMBEDDED_REFERENCE, hub_id
from ..copying import ReferenceIndex, containment, grams
from ..errors import ConfigError
from ..labels import Labeller, Labels
from ..speakers import Style, names_to_tags, normalise, reference_style
from ..words import stems, vocabulary_of
from .rng import Draws

_TAG = re.compile(r"^#Person(\d+)#:", re.MULTILINE)


class Exemplar(BaseModel):
    id: str
    dialogue: str
    summary: str = ""
    topic: str = ""
    references: list[str] = []  # every reference summary (DialogSum test has summary1..3)
    names: list[str] = []  # the speakers' names where the source wrote names, not tags ('Amanda: ...')

    @property
    def turns(self) -> int:
        return len(_TAG.findall(self.dialogue))

    @property
    def speakers(self) -> int:
        return len(set(_TAG.findall(self.dialogue)))


def _first(row: dict, *keys: str) -> str:
    for k in keys:
        if row.get(k):
            return str(row[k])
    return ""


def _load_dataset_rows(source: str) -> list[dict]:
    """Rows of the train split of a hub dataset id or a local dataset folder (``datasets``, cached)."""
    import datasets

    try:
        ds = datasets.load_dataset(source)
    except Exception as exc:  # offline, unknown id, bad files: many kinds; one line for the user
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(
            f"could not load dataset {source!r} ({first[:160]}). Offline? On a connected machine run "
            f"`python -c \"import datasets; datasets.load_dataset('{source}')['train'].to_json('train.jsonl')\"` "
            "and point reference.path at that file"
        ) from None
    split = ds["train"] if "train" in ds else next(iter(ds.values()))
    return split.to_list()


def load_reference(path: str | Path) -> Reference:
    """Read ``.jsonl``/``.json``/``.csv`` rows with a ``dialogue`` field (DialogSum layout);
    ``embedded``: the pool shipped in the package; a hub dataset id or a local dataset folder:
    its train split, through ``datasets``."""
    if (source := hub_id(path)) is not None or Path(path).is_dir():
        return _exemplars(_load_dataset_rows(source or str(path)), str(path))
    path = EMBEDDED_POOL if str(path) == EMBEDDED_REFERENCE else Path(path)
    if not path.is_file():
        raise ConfigError(
            f"reference data not found: {path} (set reference.path to your data or DialogSum's train.jsonl, "
            "or to `embedded`; see the README's Reference data)"
        )
    try:
        if path.suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        elif path.suffix == ".json":
            rows = json.loads(path.read_text(encoding="utf-8"))
        else:
            with path.open(encoding="utf-8") as f:
                rows = [json.loads(line) for line in f if line.strip()]
    except (json.JSONDecodeError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"reference data {path} is not readable as {path.suffix or 'jsonl'}: {exc}") from None
    return _exemplars(rows, str(path))


class Reference(list):
    """The readable dialogues of a reference corpus (a list of Exemplar), in tags, with what was
    left out and the speaker convention most of them were written in."""

    def __init__(self, rows: list[Exemplar], unreadable: int = 0):
        super().__init__(rows)
        self.unreadable = unreadable
        self.multi_party = sum(r.speakers > 2 for r in rows)


def _exemplars(rows: list, where: str) -> Reference:
    """Rows in any speaker convention (``#Person1#:`` tags, ``Name:`` lines, a list of {speaker, text}
    turns under ``dialogue`` or ``turns``) as tagged exemplars; summaries written with the speakers'
    names are put in tags too, so exemplars, evaluation and benchmark read one convention."""
    out, unreadable = [], 0
    for i, row in enumerate(rows):
        raw = (row.get("dialogue") or row.get("turns")) if isinstance(row, dict) else None
        if not raw:
            raise ConfigError(f"reference data {where}: row {i + 1} has no 'dialogue' (or 'turns') field")
        norm = normalise(raw if isinstance(raw, list) else str(raw))
        if norm is None:
            unreadable += 1
            continue

        out.append(
            Exemplar(
                id=str(_first(row, "fname", "id") or f"row{i}"),
                dialogue=norm.dialogue,
                summary=names_to_tags(_first(row, "summary", "summary1"), norm.names),
                topic=_first(row, "topic", "topic1"),
                references=[
                    names_to_tags(str(row[k]), norm.names)
                    for k in ("summary1", "summary2", "summary3", "summary")
                    if row.get(k)
                ][:3],
                names=norm.names,
            )
        )
    if not out:
        raise ConfigError(
            f"reference data {where} has no readable dialogue"
            + (f" ({unreadable} rows without '#Person1#:' tags, 'Name:' lines or turn lists)" if unreadable else "")
        )
    return Reference(out, unreadable)


OPENER_MIN_COUNT = 5
_OPENER = re.compile(r"[A-Z][A-Za-z']*")
_SUMMARY_OPENER = re.compile(r"#Person[12]# ([a-z][a-z']*) ")
_SUMMARY_PAIR_OPENER = re.compile(r"#Person[12]# and #Person[12]# ([a-z][a-z']*) ")
MATCH_CANDIDATES = 64  # random candidates scored per spec: diverse, and O(1) in the pool size
TOPIC_WEIGHT = 2.0


class ExemplarPool:
    """Exemplars short enough for the prompt budget, each labelled with the fields a spec asks for
    (``labels.py``); a spec's exemplars are drawn from its own seed and chosen to match it."""

    def __init__(self, rows: list[Exemplar], max_chars: int, max_turns: int, labeller: Labeller | None = None):
        self.by_id = {r.id: r for r in rows}
        self.dialogue_ids = [
            r.id
            for r in rows
            if r.speakers == 2 and r.turns <= max_turns and len(r.dialogue) <= max_chars and r.turns >= 4
        ]
        self.summary_ids = [r.id for r in rows if r.summary and r.speakers == 2 and len(r.dialogue) <= 600]
        self.style: Style = reference_style([("named" if r.names else "tagged") for r in rows])
        if not self.dialogue_ids:
            raise ConfigError(
                f"no reference dialogue has two speakers, 4..{max_turns} turns and <= {max_chars} characters"
            )
        self.labels: dict[str, Labels] = {}
        self._by_medium: dict[str, list[str]] = {}
        if labeller is not None:
            self.labels = cached_labels(labeller, [self.by_id[i] for i in self.dialogue_ids])
            for i in self.dialogue_ids:
                self._by_medium.setdefault(self.labels[i].medium, []).append(i)
            # plain tuples: scoring 64 candidates per spec must stay cheap (1M specs are sampled in bulk)
            self._keys = {i: _key(self.labels[i], stems(self.by_id[i].topic)) for i in self.dialogue_ids}

    def draw(self, draws: Draws, k: int, summaries: bool = False) -> list[str]:
        ids = self.summary_ids if summaries else self.dialogue_ids
        return [ids[i] for i in draws.sample(len(ids), k)]

    def match(self, draws: Draws, k: int, want: Labels, topic: str, candidates: int = MATCH_CANDIDATES) -> list[str]:
        """k exemplars for a spec: ``candidates`` drawn at random among the reference dialogues of
        the spec's medium (all of them when the medium has fewer than k), the k that best match the
        spec's other fields kept, ties in draw order. Unlabelled pools draw at random."""
        if not self.labels:
            return self.draw(draws, k)
        ids = self._by_medium.get(want.medium, [])
        if len(ids) < k:
            ids = self.dialogue_ids
        picked = [ids[i] for i in draws.sample(len(ids), candidates)]
        w = _key(want, stems(topic))
        scores = [_match_score(self._keys[i], w) for i in picked]
        order = sorted(range(len(picked)), key=lambda j: -scores[j])
        return [picked[j] for j in order[:k]]

    def __getitem__(self, key: str) -> Exemplar:
        return self.by_id[key]

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Words used at least twice in the reference dialogues (tells garbled openers from words)."""
        return vocabulary_of(r.dialogue for r in self.by_id.values())

    @cached_property
    def openers(self) -> list[str]:
        """First words of real first turns used at least OPENER_MIN_COUNT times ('Hello', 'Excuse',
        'What', ...: the top 100 of DialogSum train open 87 % of its dialogues)."""
        counts = Counter(
            m.group(0)
            for i in self.dialogue_ids
            if (m := _OPENER.match(self.by_id[i].dialogue.split("\n", 1)[0].split(":", 1)[-1].strip()))
        )
        # a small pool (the embedded 40) keeps every opener said twice; DialogSum's thousands OPENER_MIN_COUNT
        least = OPENER_MIN_COUNT if len(self.dialogue_ids) >= 1000 else 2
        return sorted(w for w, n in counts.items() if n >= least)

    def _summary_words(self, pattern: re.Pattern) -> list[str]:
        """The words ``pattern`` captures at the start of the pool's summaries: those used at least
        OPENER_MIN_COUNT times, or by any summary of a small pool."""
        counts = Counter(m.group(1) for r in self.by_id.values() if r.summary and (m := pattern.match(r.summary)))
        least = OPENER_MIN_COUNT if len(self.by_id) >= 1000 else 1
        return sorted(w for w, n in counts.items() if n >= least)

    @cached_property
    def summary_openers(self) -> list[str]:
        """Words real summaries follow their opening speaker tag with ('tells', 'and', 'wants', 'asks', 'is', ...)."""
        return self._summary_words(_SUMMARY_OPENER)

    @cached_property
    def summary_pair_openers(self) -> list[str]:
        """Words real summaries follow an opening pair with ('#Person1# and #Person2# talk', 'discuss', 'are', ...)."""
        return self._summary_words(_SUMMARY_PAIR_OPENER)

    @cached_property
    def index(self) -> ReferenceIndex:
        """8-grams of every reference dialogue, for the copy check (~2 s for DialogSum train)."""
        return ReferenceIndex(r.dialogue for r in self.by_id.values())

    def copied(self, text: str, exemplar_ids: list[str]) -> tuple[str, float]:
        """('exemplar' | 'reference', share) of ``text``'s 8-grams copied, the larger of the two."""
        own = containment(text, set().union(*(grams(self.by_id[i].dialogue) for i in exemplar_ids)))
        pool = self.index.copied(text)
        return ("exemplar", own) if own >= pool else ("reference", pool)


def _key(labels: Labels, topic_stems: set[str]) -> tuple:
    return (
        labels.formality,
        labels.emotion,
        labels.agreement,
        labels.familiarity,
        frozenset(labels.speech_features),
        labels.turns,
        topic_stems,
    )


def _match_score(have: tuple, want: tuple) -> float:
    """How well a labelled reference dialogue fits a spec's fields (higher is better); both as ``_key``s."""
    formality, emotion, agreement, familiarity, present, turns, topic = have
    score = 3.0 * (formality == want[0]) + 2.0 * (emotion == want[1]) + 1.5 * (agreement == want[2])
    score += 1.0 * (familiarity == want[3]) + 3.0 * len(want[4] & present) - 1.5 * len(present - want[4])
    score -= 0.25 * abs(turns - want[5])
    return score + (TOPIC_WEIGHT if topic & want[6] else 0.0)


def cached_labels(labeller: Labeller, rows: list[Exemplar]) -> dict[str, Labels]:
    """Labels of ``rows``, cached on disk by the content of the rows and of the cue catalog
    (labelling all of DialogSum train takes ~10 s; a cache hit ~0.3 s)."""
    from ..models import cache_dir

    h = hashlib.sha256(labeller.fingerprint.encode())
    for r in rows:
        h.update(r.id.encode() + b"\0" + r.dialogue.encode() + b"\0")
    path = cache_dir().parent / "labels" / f"{h.hexdigest()[:24]}.json"
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return {k: Labels.model_validate(v) for k, v in data.items()}
        except (ValueError, OSError):
            pass  # a torn or foreign cache file is rebuilt
    labels = {r.id: labeller.label(r.dialogue) for r in rows}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({k: v.model_dump() for k, v in labels.items()}), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache only costs time
    return labels
